import type { WebClient } from '@slack/web-api';
import type { AlertDelivery } from '../alerts/types';
import type { AlertReport } from '../reports/alert';
import type { SlackBlock } from './messages/kit';
import type { Metrics } from '../metrics';
import { alertMessageText, alertNoticeText, metricName, recoveredText } from './alert-words';
import { plainText } from './text';
import { slackErrorCode } from './errors';
import { withTimeout } from '../util/deadline';
import { asMember, deliverPost } from './deliver';
import { runFailure } from './run-failure';

/** The firing post: its text and one mrkdwn section. */
export function alertMessage(r: AlertReport): { text: string; blocks: SlackBlock[] } {
  const { text, lines } = alertMessageText(r);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }] };
}

/** Alerts, their "back to normal" and their notices, posted with the bot's Web API client. */
export function slackAlertDelivery(client: WebClient, o: { metrics?: Metrics }): AlertDelivery {
  const onError = (method: string, error: string) => o.metrics?.slackErrors.inc({ method, error });
  return {
    async fire(channel, produced, d) {
      const r = produced.report;
      const message = alertMessage(r);
      await deliverPost(
        client,
        channel,
        {
          message: () => message,
          file: produced.chart && {
            chart: produced.chart,
            filename: produced.chartFilename,
            title: plainText(metricName(r, r.language ?? 'en')),
            alt: message.text,
          },
        },
        onError,
        d,
      );
    },
    // Both join a public channel the bot is not in yet, as the firing post does.
    async recovered(channel, threadTs, report) {
      const posted = await asMember(client, channel, () =>
        client.chat.postMessage({ channel, thread_ts: threadTs, text: recoveredText(report) }),
      );
      return posted.ts ?? '';
    },
    async notice(channel, n, lang) {
      await asMember(client, channel, () => client.chat.postMessage({ channel, text: alertNoticeText(n, lang) }));
    },
    failure: runFailure,
  };
}

/** How long adding an alert waits for Slack to say whether the bot can post in its channel (inside the ack's 3 s). */
const CAN_POST_WAIT_MS = 1_000;

/**
 * Whether the bot can post in a channel: it is a member, or the channel is public (it joins on
 * first post). Undefined when Slack did not answer in time: the caller cannot tell.
 */
export function slackCanPost(client: WebClient): (channel: string) => Promise<boolean | undefined> {
  return async (channel) => {
    try {
      const r = await withTimeout(client.conversations.info({ channel }), CAN_POST_WAIT_MS, 'conversations.info');
      const c = r.channel;
      return c?.is_member === true || (c?.is_private === false && c.is_archived !== true);
    } catch (e) {
      return slackErrorCode(e) === undefined ? undefined : false;
    }
  };
}
