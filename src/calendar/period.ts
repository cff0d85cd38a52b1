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

// Calendar arithmetic is done on UTC midnights so the host's TZ never shifts a date.
const fmt = (d: dayjs.Dayjs) => d.format('YYYYMMDD');

/** Throws PeriodError unless `s` is a real yyyymmdd date. */
export function assertDate(s: string): void {
  parseCompact(s);
}

function parseCompact(s: string): dayjs.Dayjs {
  if (!/^\d{8}$/.test(s)) throw new PeriodError(`"${s}" is not a yyyymmdd date`);
  const d = dayjs.utc(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`);
  if (!d.isValid() || fmt(d) !== s) throw new PeriodError(`${s} is not a real date`);
  return d;
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
  return fmt(parseCompact(yyyymmdd).add(n, 'day'));
}

/** ISO weekday, Monday = 1 .. Sunday = 7. */
export function isoWeekday(yyyymmdd: string): number {
  const d = parseCompact(yyyymmdd).day();
  return d === 0 ? 7 : d;
}

/** The natural period (day, Monday..Sunday week, calendar month) that contains a date. */
export function periodContaining(granularity: Granularity, yyyymmdd: string): Period {
  const d = parseCompact(yyyymmdd);
  switch (granularity) {
    case 'daily':
      return { granularity, begin: fmt(d), end: fmt(d) };
    case 'weekly': {
      const monday = d.subtract(isoWeekday(yyyymmdd) - 1, 'day');
      return { granularity, begin: fmt(monday), end: fmt(monday.add(6, 'day')) };
    }
    case 'monthly':
      return { granularity, begin: fmt(d.startOf('month')), end: fmt(d.endOf('month')) };
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
