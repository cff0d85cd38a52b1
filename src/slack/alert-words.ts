import type { AlertService, AlertAnswer } from '../alerts/service';
import type { AlertSpecProblem } from '../alerts/spec';
import type { Alert, AlertNotice, AlertOutcome } from '../alerts/types';
import { MIN_HISTORY } from '../alerts/detect';
import { HISTORY } from '../alerts/series';
import { type Language, translator } from '../i18n';
import { formatPeriod } from '../i18n/dates';
import { periodContaining } from '../calendar/period';
import { type AlertCondition, type AlertMetric, type AlertReport, METRIC_UNITS, subjectLabel } from '../reports/alert';
import type { RunRecord } from '../store/types';
import { adminOnly, programProblem } from './replies';
import { failureReason, runFailureWords } from './run-failure';
import { count, delta, duration, percent } from './format';
import { momentIn } from './schedule-words';
import { echo, escapeMrkdwn, inlineCode, orList } from './text';

export type AlertCommandReply = Awaited<ReturnType<AlertService['handle']>>;

/** The metric's name, with its source or page when it has one (a page path shown as code). */
export function metricName(a: { metric: AlertMetric; subject?: string }, lang: Language): string {
  const t = translator(lang);
  if (a.metric === 'page_share') return t('alert.metric.page_share', { subject: inlineCode(a.subject ?? '', 120, lang) });
  if (a.metric === 'source_share') return t('alert.metric.source_share', { subject: escapeMrkdwn(subjectLabel(a, lang)) });
  return t(`alert.metric.${a.metric}`);
}

/** A metric's value as people read it: counts, seconds, pages per visit, or a percentage. */
export function metricValue(m: AlertMetric, v: number | null, lang: Language): string {
  switch (METRIC_UNITS[m]) {
    case 'count':
      return count(v === null ? null : Math.round(v), lang);
    case 'seconds':
      return duration(v, lang);
    case 'ratio':
      return percent(v, lang);
    case 'pages':
      return v === null ? count(null, lang) : v.toFixed(2);
  }
}

function conditionWords(m: AlertMetric, c: AlertCondition, lang: Language): string {
  const t = translator(lang);
  switch (c.kind) {
    case 'below':
    case 'above':
      return t(`alert.cond.${c.kind}`, { value: metricValue(m, c.value, lang) });
    case 'drops':
    case 'rises':
      return t(`alert.cond.${c.kind}`, { percent: c.percent });
    case 'anomaly':
      return t('alert.cond.anomaly');
  }
}

/** "visitors daily drops 30%" / "访问人数（每日）下降 30%". */
export function alertWhat(a: Pick<Alert, 'metric' | 'subject' | 'granularity' | 'condition'>, lang: Language): string {
  const t = translator(lang);
  return t('alert.what', {
    metric: metricName(a, lang),
    granularity: t(`alert.gran.${a.granularity}`),
    condition: conditionWords(a.metric, a.condition, lang),
  });
}

function specProblem(p: AlertSpecProblem, lang: Language): string {
  const t = translator(lang);
  switch (p.reason) {
    case 'no_metric':
    case 'no_condition':
      return t(`alert.spec.${p.reason}`);
    case 'granularity_not_offered':
      return t('alert.spec.granularity_not_offered', {
        metric: metricName(p, lang),
        offered: orList(
          p.offered.map((g) => t(`alert.gran.${g}`)),
          lang,
        ),
        given: t(`alert.gran.${p.given}`),
      });
    case 'bad_number':
      return t('alert.spec.bad_number', {
        condition: p.condition,
        given: p.given === undefined ? '' : t('alert.spec.bad_number.given', { given: echo(p.given) }),
      });
    case 'negative':
    case 'zero_percent':
      return t(`alert.spec.${p.reason}`, { condition: p.condition, given: echo(p.given) });
    case 'percent_not_ratio':
      return t('alert.spec.percent_not_ratio', { metric: metricName(p, lang), given: echo(p.given) });
    default:
      return t(`alert.spec.${p.reason}`, { given: echo(p.given) });
  }
}

/** How many earlier values a condition needs: one to compare with, or MIN_HISTORY for a baseline. */
function needed(a: Pick<Alert, 'condition'>): number {
  return a.condition.kind === 'anomaly' ? MIN_HISTORY : 1;
}

/** An alert's last check in a few words: "fired: posted in the channel (2017-03-13)". */
export function lastWords(a: Alert, r: RunRecord | undefined, lang: Language): string {
  const t = translator(lang);
  if (!r) return t('alert.state.never');
  let state: string;
  let detail: { outcome?: string; verdict?: { points?: number }; failure?: string; notReady?: boolean } = {};
  try {
    detail = r.detail ? (JSON.parse(r.detail) as typeof detail) : {};
  } catch {
    detail = {};
  }
  if (r.state === 'running') state = t('alert.state.running');
  else if (r.state === 'waiting_data') state = t('alert.state.waiting_data');
  else if (r.state === 'retrying') {
    const reason = detail.failure ? runFailureWords(String(detail.failure), r.key, lang) : t('alert.state.retrying');
    state = t('alert.state.could_not_check', { reason: `${reason} (${t('alert.state.retrying')})` });
  } else if (detail.outcome === 'could_not_check') {
    const reason = detail.notReady ? t('alert.state.not_ready') : runFailureWords(String(detail.failure ?? ''), r.key, lang);
    state = t('alert.state.could_not_check', { reason });
  } else if (detail.outcome === 'not_enough_history') {
    state = t('alert.state.not_enough_history', { points: Number(detail.verdict?.points ?? 0), needed: needed(a) });
  } else if (detail.outcome && ['fired', 'recovered', 'recovered_quietly', 'ok', 'muted'].includes(detail.outcome)) {
    state = t(`alert.state.${detail.outcome as 'fired' | 'recovered' | 'recovered_quietly' | 'ok' | 'muted'}`);
  } else state = t('alert.state.never');
  return t('alert.lastAt', { state, range: formatPeriod(periodContaining(a.granularity, r.periodBegin), lang) });
}

/** The reply to a `/wxa alert` command, in mrkdwn. */
export function alertAnswerText(a: AlertAnswer, lang: Language, time: string): string {
  const t = translator(lang);
  const usage = t('alert.usage', { time });
  switch (a.kind) {
    case 'usage':
      return `${a.unknown !== undefined ? t('alert.unknownCommand', { given: echo(a.unknown) }) : t('alert.whichCommand')}\n\n${usage}`;
    case 'not_admin':
      return adminOnly(a.action === 'remove' ? 'alert.remove' : a.action === 'mute' ? 'alert.mute' : 'alert.add', a.adminsConfigured, lang);
    case 'need_one_id':
      return t('alert.needOneId', { action: a.action });
    case 'no_such_alert':
      return t('alert.noSuch', { id: echo(a.id) });
    case 'bad_spec':
      return `${specProblem(a.problem, lang)}\n\n${usage}`;
    case 'bad_mute':
      return t('alert.badMute', { given: echo(a.given) });
    case 'no_program':
      return programProblem(a.problem, lang);
    case 'cannot_post':
      return t('alert.cannotPost', { channel: a.channel });
    case 'channel_unknown':
      return t('alert.channelUnknown', { channel: a.channel });
    case 'added':
      return t('alert.added', {
        id: a.alert.id,
        what: alertWhat(a.alert, lang),
        channel: a.alert.channel,
        which: a.showApp && a.alert.app ? t('alert.added.for', { app: a.alert.app }) : '',
        time,
      });
    case 'removed':
      return t('alert.removed', { id: a.alert.id, what: alertWhat(a.alert, lang) });
    case 'muted':
      return t('alert.muted', { id: a.alert.id, what: alertWhat(a.alert, lang), until: momentIn(a.until, 'Asia/Shanghai', lang) });
    case 'list': {
      if (a.items.length === 0) return t('alert.listEmpty');
      const lines = a.items.map(({ alert, last }) =>
        t('alert.listLine', {
          id: alert.id,
          what: alertWhat(alert, lang),
          which: a.showApp && alert.app ? t('alert.added.for', { app: alert.app }) : '',
          state: lastWords(alert, last, lang),
          muted:
            alert.mutedUntil !== undefined && alert.mutedUntil > a.now.getTime()
              ? t('alert.listMuted', { until: momentIn(new Date(alert.mutedUntil), 'Asia/Shanghai', lang) })
              : '',
        }),
      );
      return [t('alert.listTitle'), ...lines].join('\n');
    }
    case 'running':
      return t('alert.running', { count: a.alerts.length });
    case 'nothing_to_run':
      return t('alert.nothingToRun');
  }
}

/** What `/wxa alert run` found, one line per alert, told to the person who ran it. */
export function runResultText(results: { alert: Alert; outcome: AlertOutcome; last?: RunRecord }[], lang: Language): string {
  const t = translator(lang);
  return results
    .map(({ alert, outcome, last }) => {
      const range = 'report' in outcome ? formatPeriod(outcome.report.period, lang) : '';
      let state: string;
      switch (outcome.outcome) {
        case 'not_enough_history':
          state = t('alert.state.not_enough_history', {
            points: outcome.report.verdict.state === 'not_enough_history' ? outcome.report.verdict.points : 0,
            needed: needed(alert),
          });
          break;
        case 'skipped':
          state = t('alert.state.skipped', { last: lastWords(alert, last, lang) });
          break;
        case 'could_not_check':
        case 'retrying':
        case 'waiting_data':
          state = lastWords(alert, last, lang);
          break;
        default:
          state = t(`alert.state.${outcome.outcome}`);
      }
      return range ? t('alert.runResult', { id: alert.id, range, state }) : `\`${alert.id}\`: ${state}`;
    })
    .join('\n');
}

/** The firing post: what crossed which line, by how much. mrkdwn; every figure ours, nothing from outside. */
export function alertMessageText(r: AlertReport): { text: string; lines: string[] } {
  const lang = r.language ?? 'en';
  const t = translator(lang);
  const metric = metricName(r, lang);
  const range = formatPeriod(r.period, lang);
  const title = t('alert.fired.title', { id: r.alertId, metric, range });
  const v = r.verdict;
  if (v.state !== 'firing' && v.state !== 'ok') return { text: title, lines: [title] };
  const value = metricValue(r.metric, v.value, lang);
  const previous = metricValue(r.metric, v.previous, lang);
  const change = v.change === null ? '' : t('alert.fired.change', { change: delta(v.change, lang), previous });
  const lines = [title, t('alert.fired.value', { value, change })];
  const c = r.condition;
  if (c.kind === 'below' || c.kind === 'above') {
    lines.push(t(`alert.fired.threshold.${c.kind}`, { threshold: metricValue(r.metric, c.value, lang) }));
  } else if (c.kind === 'drops' || c.kind === 'rises') {
    lines.push(t(`alert.fired.${c.kind}.${r.granularity}`, { percent: c.percent, previous }));
  } else if (v.expected) {
    lines.push(
      t(`alert.fired.anomaly.${r.granularity}`, {
        low: metricValue(r.metric, v.expected.low, lang),
        high: metricValue(r.metric, v.expected.high, lang),
        median: metricValue(r.metric, v.expected.median, lang),
        points: Math.min(HISTORY, r.series.history.filter((p) => p.value !== null).length),
      }),
    );
  }
  lines.push(t('alert.fired.footer', { id: r.alertId }));
  return { text: `${title} — ${value}`, lines };
}

export function recoveredText(r: AlertReport): string {
  const lang = r.language ?? 'en';
  const t = translator(lang);
  const value = r.verdict.state === 'ok' || r.verdict.state === 'firing' ? r.verdict.value : null;
  return t('alert.recovered', {
    metric: metricName(r, lang),
    range: formatPeriod(r.period, lang),
    value: metricValue(r.metric, value, lang),
  });
}

export function alertNoticeText(n: AlertNotice, lang: Language): string {
  const t = translator(lang);
  const base = { id: n.alert.id, what: alertWhat(n.alert, lang), range: formatPeriod(n.period, lang) };
  if (n.kind === 'not_ready') return t('alert.notice.notReady', { ...base, hours: n.hours });
  const retry = n.retry === undefined ? '' : t('alert.notice.retry', n.retry);
  return t('alert.notice.failed', { ...base, reason: failureReason(n.error, n.ref, lang), retry });
}
