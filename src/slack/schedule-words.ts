import type { RunRecord, Schedule } from '../store/types';
import type { ScheduleAnswer } from '../schedule/service';
import { formatInZone } from '../calendar/time-zone';
import { describeWhen, type ScheduleSpecProblem } from '../schedule/spec';
import { type Language, translator } from '../i18n';
import { adminOnly, isAdminAction, programProblem } from './replies';
import { echo } from './text';
import { runFailureWords } from './run-failure';

export function scheduleUsage(lang: Language = 'en'): string {
  return translator(lang)('schedule.usage');
}

/** "weekly digest" / "每周摘要". */
export function scheduleWhat(s: Pick<Schedule, 'granularity' | 'report'>, lang: Language = 'en'): string {
  const t = translator(lang);
  return t('schedule.what', { granularity: t(`schedule.gran.${s.granularity}`), report: t(`schedule.report.${s.report}`) });
}

/** "Mondays at 10:00 Asia/Shanghai" / "每周一 10:00（Asia/Shanghai）". */
export function scheduleWhen(s: Schedule, lang: Language = 'en'): string {
  if (lang === 'en') return describeWhen(s);
  const t = translator(lang);
  const o = { time: s.time, tz: s.timezone };
  if (s.granularity === 'daily') return t('schedule.when.daily', o);
  if (s.granularity === 'monthly') return t('schedule.when.monthly', o);
  const day = Math.min(7, Math.max(1, s.weekday ?? 1)) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
  return t('schedule.when.weekly', { ...o, weekday: t(`schedule.weekday.${day}`) });
}

const SHORT_DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A moment in a schedule's zone: "2017-03-13 10:00 (Mon) Asia/Shanghai", the weekday in `lang`. */
export function momentIn(at: Date, tz: string, lang: Language = 'en'): string {
  const text = formatInZone(at, tz);
  if (lang === 'en') return text;
  const t = translator(lang);
  return text.replace(/ \((Mon|Tue|Wed|Thu|Fri|Sat|Sun)\) /, (_m, d: string) => {
    const n = (SHORT_DAYS.indexOf(d) + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
    return `（${t(`schedule.weekday.${n}`)}）`;
  });
}

/** What a run did, in a few words ("posted"). */
export function runStateWords(state: RunRecord['state'], lang: Language = 'en'): string {
  return translator(lang)(`schedule.state.${state}`);
}

function lastOutcome(r: RunRecord | undefined, tz: string, lang: Language): string {
  const t = translator(lang);
  if (!r) return t('schedule.last.never');
  const when = momentIn(new Date(r.updatedAt), tz, lang);
  const failed = (r.state === 'failed' || r.state === 'retrying') && r.detail;
  const detail = failed ? t('schedule.last.detail', { detail: runFailureWords(r.detail ?? '', r.key, lang) }) : '';
  return `${t('schedule.last', { state: runStateWords(r.state, lang), when })}${detail}`;
}

function specProblem(p: ScheduleSpecProblem, lang: Language): string {
  const t = translator(lang);
  const given = (g: string | undefined) => (g === undefined ? t('schedule.spec.nothing') : echo(g));
  switch (p.reason) {
    case 'bad_time':
    case 'bad_weekday':
    case 'bad_zone':
      return t(`schedule.spec.${p.reason}`, { given: given(p.given) });
    case 'plain_channel':
    case 'unknown_word':
      return t(`schedule.spec.${p.reason}`, { given: echo(p.given) });
    case 'weekday_not_weekly':
    case 'digest_not_monthly':
      return t(`schedule.spec.${p.reason}`);
  }
}

/** The reply to a `/wxa schedule` command, in mrkdwn. */
export function scheduleAnswerText(a: ScheduleAnswer, lang: Language = 'en'): string {
  const t = translator(lang);
  switch (a.kind) {
    case 'usage':
      return `${a.unknown !== undefined ? t('schedule.unknownCommand', { given: echo(a.unknown) }) : t('schedule.whichCommand')}\n\n${scheduleUsage(lang)}`;
    case 'not_admin':
      return adminOnly(isAdminAction(a.action) ? a.action : 'add', a.adminsConfigured, lang);
    case 'need_one_id':
      return t('schedule.needOneId', { action: a.action });
    case 'no_such_schedule':
      return t('schedule.noSuch', { id: echo(a.id) });
    case 'removed': {
      const s = a.schedule;
      return t('schedule.removed', { id: s.id, what: scheduleWhat(s, lang), when: scheduleWhen(s, lang), channel: s.channel });
    }
    case 'running': {
      const s = a.schedule;
      return t('schedule.running', { id: s.id, what: scheduleWhat(s, lang), channel: s.channel });
    }
    case 'bad_spec':
      return `${specProblem(a.problem, lang)}\n\n${scheduleUsage(lang)}`;
    case 'no_program':
      return programProblem(a.problem, lang);
    case 'added': {
      const s = a.schedule;
      return t('schedule.added', {
        id: s.id,
        what: scheduleWhat(s, lang),
        which: a.showApp ? t('schedule.added.for', { app: s.app ?? '' }) : '',
        when: scheduleWhen(s, lang),
        channel: s.channel,
        next: momentIn(a.next, s.timezone, lang),
      });
    }
    case 'list': {
      if (a.items.length === 0) return t('schedule.listEmpty');
      const lines = a.items.map(({ schedule: s, next, last }) =>
        t('schedule.listItem', {
          id: s.id,
          what: scheduleWhat(s, lang),
          when: scheduleWhen(s, lang),
          channel: s.channel,
          next: momentIn(next, s.timezone, lang),
          last: lastOutcome(last, s.timezone, lang),
        }),
      );
      return `${t('schedule.listHead')}\n${lines.join('\n')}`;
    }
  }
}
