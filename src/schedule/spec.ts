import { Cron } from 'croner';
import type { ReportKind } from '../reports/model';
import type { Schedule, ScheduleReport } from '../store/types';
import { isTimeZone } from '../calendar/time-zone';
import { GRANULARITIES, latestComplete, type Granularity, type Period } from '../calendar/period';

export const SCHEDULE_REPORTS: readonly ScheduleReport[] = ['digest', 'summary', 'retain', 'visits'];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const WEEKDAY_NAMES = ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];

export type ScheduleSpec = Omit<Schedule, 'id' | 'createdBy' | 'createdAt'>;

/** Why the words are not a schedule; src/slack puts it into words. */
export type ScheduleSpecProblem =
  | { reason: 'bad_time' | 'bad_weekday' | 'bad_zone'; given?: string }
  | { reason: 'plain_channel' | 'unknown_word'; given: string }
  | { reason: 'weekday_not_weekly' }
  | { reason: 'digest_not_monthly' };

type Parsed = { ok: true; spec: ScheduleSpec } | { ok: false; problem: ScheduleSpecProblem };

/** Reads the words after `/wxa schedule add`. Slack sends a picked channel as <#C123|name>. */
export function parseScheduleAdd(words: string[], defaults: { channel: string; timezone: string }): Parsed {
  let report: ScheduleReport | undefined;
  let granularity: Granularity = 'weekly';
  let time = '10:00';
  let weekday: number | undefined;
  let timezone = defaults.timezone;
  let channel = defaults.channel;
  const fail = (problem: ScheduleSpecProblem): Parsed => ({ ok: false, problem });

  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const lower = w.toLowerCase();
    const next = words[i + 1];
    if ((SCHEDULE_REPORTS as readonly string[]).includes(lower)) report = lower as ScheduleReport;
    else if ((GRANULARITIES as readonly string[]).includes(lower)) granularity = lower as Granularity;
    else if (lower === 'at') {
      const m = next?.match(/^([01]?\d|2[0-3]):([0-5]\d)$/);
      if (!m) return fail({ reason: 'bad_time', given: next });
      time = `${m[1].padStart(2, '0')}:${m[2]}`;
      i++;
    } else if (lower === 'on') {
      const day = WEEKDAYS.findIndex((d) => next !== undefined && next.length >= 3 && d.startsWith(next.toLowerCase()));
      if (day < 0) return fail({ reason: 'bad_weekday', given: next });
      weekday = day + 1;
      i++;
    } else if (lower === 'tz') {
      if (!next || !isTimeZone(next) || !next.includes('/')) {
        return fail({ reason: 'bad_zone', given: next });
      }
      timezone = next;
      i++;
    } else if (/^<#[CG][A-Z0-9]+(\|[^>]*)?>$/.test(w)) {
      channel = w.slice(2).split(/[|>]/)[0];
    } else if (w.startsWith('#')) {
      return fail({ reason: 'plain_channel', given: w });
    } else {
      return fail({ reason: 'unknown_word', given: w });
    }
  }
  if (weekday !== undefined && granularity !== 'weekly') return fail({ reason: 'weekday_not_weekly' });
  if (report === 'digest' && granularity === 'monthly') return fail({ reason: 'digest_not_monthly' });
  // A weekly schedule posts the digest unless told otherwise; daily and monthly the summary.
  report ??= granularity === 'weekly' ? 'digest' : 'summary';
  return { ok: true, spec: { report, granularity, time, weekday: granularity === 'weekly' ? (weekday ?? 1) : null, timezone, channel } };
}

/** croner pattern: minute hour day-of-month month day-of-week (0 = Sunday). */
export function cronPattern(s: Pick<Schedule, 'granularity' | 'time' | 'weekday'>): string {
  const [hh, mm] = s.time.split(':').map(Number);
  if (s.granularity === 'daily') return `${mm} ${hh} * * *`;
  if (s.granularity === 'monthly') return `${mm} ${hh} 1 * *`;
  return `${mm} ${hh} * * ${(s.weekday ?? 1) % 7}`;
}

function cron(s: Pick<Schedule, 'granularity' | 'time' | 'weekday' | 'timezone'>): Cron {
  return new Cron(cronPattern(s), { timezone: s.timezone, paused: true });
}

/** The next fire time strictly after `from`. */
export function nextFire(s: Pick<Schedule, 'granularity' | 'time' | 'weekday' | 'timezone'>, from: Date): Date {
  const next = cron(s).nextRun(from);
  if (!next) throw new Error('schedule never fires');
  return next;
}

/** The latest fire time at or before `ref`, if any. */
export function previousFire(s: Pick<Schedule, 'granularity' | 'time' | 'weekday' | 'timezone'>, ref: Date): Date | undefined {
  return cron(s).previousRuns(1, ref)[0];
}

/** What a fire at `at` posts: the latest complete period then. */
export function periodForFire(s: Pick<Schedule, 'granularity'>, at: Date): Period {
  return latestComplete(s.granularity, at);
}

export function reportKind(r: ScheduleReport): ReportKind {
  return r === 'summary' ? 'retain' : r;
}

export function runKey(scheduleId: string, p: Period): string {
  return `${scheduleId}:${p.granularity}:${p.begin}`;
}

export function describeWhen(s: Schedule): string {
  if (s.granularity === 'daily') return `every day at ${s.time} ${s.timezone}`;
  if (s.granularity === 'monthly') return `on the 1st of each month at ${s.time} ${s.timezone}`;
  return `${WEEKDAY_NAMES[(s.weekday ?? 1) - 1]} at ${s.time} ${s.timezone}`;
}
