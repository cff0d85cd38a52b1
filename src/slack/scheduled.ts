import type { WebClient } from '@slack/web-api';
import type { Metrics } from '../metrics';
import type { RunNotice, ScheduledDelivery } from '../schedule/types';
import { deliverReport } from './deliver';
import { DeliveryError, slackProblem, userMessage } from './errors';

const plain = (e: unknown, ref: string) => userMessage(e, ref).replace(/^:warning: /, '');
/** The Slack error behind a failed upload, or the error itself. */
const cause = (e: unknown) => (e instanceof DeliveryError && e.slackCause !== undefined ? e.slackCause : e);

/** Scheduled reports and their notices, posted with the bot's Web API client. */
export function slackScheduledDelivery(client: WebClient, o: { metrics?: Metrics; timezone: string }): ScheduledDelivery {
  return {
    async deliver(channel, produced, d) {
      await deliverReport(client, channel, produced, (method, error) => o.metrics?.slackErrors.inc({ method, error }), {
        ...d,
        timezone: o.timezone,
      });
    },
    async notice(channel, n) {
      await client.chat.postMessage({ channel, text: noticeText(n) });
    },
    describe: (e, ref) => slackProblem(cause(e))?.reason ?? plain(cause(e), ref).replace(/\.$/, ''),
    hopeless: (e) => slackProblem(cause(e))?.auth === true,
  };
}

export function noticeText(n: RunNotice): string {
  switch (n.kind) {
    case 'not_ready':
      return `:hourglass: The scheduled ${n.title.toLowerCase()} is not available: WeChat still had no data for ${n.range} after ${n.hours} hours of retries. Run \`/wxa schedule run ${n.scheduleId}\` later to post it.`;
    case 'failed':
      return `:warning: Scheduled report \`${n.scheduleId}\` (${n.range}) could not be posted: ${plain(n.error, n.ref)}`;
    case 'chart_missing': {
      const slack = slackProblem(cause(n.error));
      const reason = slack?.reason ?? plain(cause(n.error), n.ref).replace(/\.$/, '');
      const after = n.hours === undefined ? '' : ` after ${n.hours} hours of retries`;
      return `:warning: Scheduled report \`${n.scheduleId}\` (${n.range}): the summary is posted, but its chart could not be uploaded${after}: ${reason}.${slack?.auth ? ` ${slack.action}` : ''}`;
    }
  }
}
