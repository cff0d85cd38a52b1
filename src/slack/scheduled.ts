import type { WebClient } from '@slack/web-api';
import { type Language, translator } from '../i18n';
import type { Metrics } from '../metrics';
import type { RunNotice, ScheduledDelivery } from '../schedule/types';
import { deliverReport } from './deliver';
import { DeliveryError, slackProblem, userMessage } from './errors';
import { failureReason, runFailure } from './run-failure';

const plain = (e: unknown, ref: string, lang: Language = 'en') => userMessage(e, ref, lang).replace(/^:warning: /, '');
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
    async notice(channel, n, lang) {
      await client.chat.postMessage({ channel, text: noticeText(n, lang) });
    },
    failure: runFailure,
    hopeless: (e) => slackProblem(cause(e))?.auth === true,
  };
}

export function noticeText(n: RunNotice, lang: Language = 'en'): string {
  const t = translator(lang);
  switch (n.kind) {
    case 'not_ready':
      return t('schedule.notice.notReady', {
        title: lang === 'en' ? n.title.toLowerCase() : n.title,
        range: n.range,
        hours: n.hours,
        id: n.scheduleId,
      });
    case 'failed':
      return t('schedule.notice.failed', { id: n.scheduleId, range: n.range, reason: plain(n.error, n.ref, lang) });
    case 'chart_missing': {
      const slack = slackProblem(cause(n.error), lang);
      const reason = failureReason(cause(n.error), n.ref, lang);
      const after = n.hours === undefined ? '' : t('schedule.notice.after', { hours: n.hours });
      const action = slack?.auth ? (lang === 'en' ? ` ${slack.action}` : slack.action) : '';
      return t('schedule.notice.chartMissing', { id: n.scheduleId, range: n.range, after, reason, action });
    }
  }
}
