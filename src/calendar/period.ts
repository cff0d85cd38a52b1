import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/** WeChat's analytics dates are natural dates in China time, whatever the host's TZ. */
export const CHINA_TZ = 'Asia/Shanghai';

export type Granularity = 'daily' | 'weekly' | 'monthly';
export const GRANULARITIES: readonly Granularity[] = ['daily', 'weekly', 'monthly'];

/** A closed range of calendar dates, both ends as yyyymmdd. */
export interface Period {
  readonly granularity: Granularity;
  readonly begin: string;
  readonly end: string;
}

export class PeriodError extends Error {
  override readonly name = 'PeriodError';
}

// Calendar arithmetic is done on UTC midnights (plain Date.UTC numbers, not dayjs objects: these
// run many times per report on the thread that acks Slack) so the host's TZ never shifts a date.
const DAY_MS = 86_400_000;

function fmt(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${String(y).padStart(4, '0')}${m < 10 ? '0' : ''}${m}${day < 10 ? '0' : ''}${day}`;
}

/** Throws PeriodError unless `s` is a real yyyymmdd date. */
export function assertDate(s: string): void {
  parseCompact(s);
}

/** UTC midnight of a yyyymmdd date, in ms; throws PeriodError unless it is a real date. */
function parseCompact(s: string): number {
  if (!/^\d{8}$/.test(s)) throw new PeriodError(`"${s}" is not a yyyymmdd date`);
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const d = Number(s.slice(6, 8));
  const ms = Date.UTC(y, m - 1, d);
  // Date.UTC maps years 0-99 to 1900-1999 and rolls 02-30 over to 03-02: both fail this check.
  if (m < 1 || m > 12 || d < 1 || fmt(ms) !== s) throw new PeriodError(`${s} is not a real date`);
  return ms;
}

/** Validates a calendar date given as numbers; returns yyyymmdd or null when impossible (2017-02-30). */
export function calendarDate(year: number, month: number, day: number): string | null {
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const t = new Date(Date.UTC(year, month - 1, day));
  if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/** China has kept UTC+8 without daylight saving since 1991, long before any WeChat data. */
const CHINA_OFFSET_MS = 8 * 3600_000;

/**
 * Today's date in China (yyyymmdd). A fixed offset, not dayjs's tz(): that builds an
 * Intl.DateTimeFormat per call (~2 ms), and every WeChat call asks this.
 */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

export function addDays(yyyymmdd: string, n: number): string {
  return fmt(parseCompact(yyyymmdd) + n * DAY_MS);
}

/** ISO weekday, Monday = 1 .. Sunday = 7. */
export function isoWeekday(yyyymmdd: string): number {
  const d = new Date(parseCompact(yyyymmdd)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The natural period (day, Monday..Sunday week, calendar month) that contains a date. */
export function periodContaining(granularity: Granularity, yyyymmdd: string): Period {
  const ms = parseCompact(yyyymmdd);
  switch (granularity) {
    case 'daily':
      return { granularity, begin: yyyymmdd, end: yyyymmdd };
    case 'weekly': {
      const weekday = new Date(ms).getUTCDay();
      const monday = ms - ((weekday + 6) % 7) * DAY_MS;
      return { granularity, begin: fmt(monday), end: fmt(monday + 6 * DAY_MS) };
    }
    case 'monthly': {
      const d = new Date(ms);
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth();
      // Day 0 of the next month is this month's last day.
      return { granularity, begin: fmt(Date.UTC(y, m, 1)), end: fmt(Date.UTC(y, m + 1, 0)) };
    }
  }
}

export function previousPeriod(p: Period): Period {
  return periodContaining(p.granularity, addDays(p.begin, -1));
}

export function nextPeriod(p: Period): Period {
  return periodContaining(p.granularity, addDays(p.end, 1));
}

/** The n periods ending with p, oldest first. */
export function periodsEnding(p: Period, n: number): Period[] {
  const out: Period[] = [p];
  while (out.length < n) out.unshift(previousPeriod(out[0]));
  return out;
}

/** The most recent period that is complete in China time: yesterday, last week, last month. */
export function latestComplete(granularity: Granularity, now: Date): Period {
  return previousPeriod(periodContaining(granularity, chinaToday(now)));
}

export function isComplete(p: Period, now: Date): boolean {
  return p.end < chinaToday(now);
}
