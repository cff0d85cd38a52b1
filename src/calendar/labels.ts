import { isoWeekday, type Granularity, type Period } from './period';

/** The words for each granularity, in one place: titles, tables, chart axes, messages. */
export const UNITS: Record<Granularity, { adj: string; noun: string; prefix: string; span: string }> = {
  daily: { adj: 'Daily', noun: 'day', prefix: 'Day', span: 'day' },
  weekly: { adj: 'Weekly', noun: 'week', prefix: 'Week', span: 'week (Monday to Sunday)' },
  monthly: { adj: 'Monthly', noun: 'month', prefix: 'Month', span: 'calendar month' },
};

export function describeGranularity(g: Granularity): string {
  return UNITS[g].span;
}

/** 20170306 -> 2017-03-06 */
export function isoDate(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** Human label: "2017-03-06", "2017-03-06 – 2017-03-12", "2017-03". */
export function formatRange(p: Period): string {
  if (p.granularity === 'daily') return isoDate(p.begin);
  if (p.granularity === 'monthly') return isoDate(p.begin).slice(0, 7);
  return `${isoDate(p.begin)} – ${isoDate(p.end)}`;
}

export function weekdayName(yyyymmdd: string): string {
  return ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][isoWeekday(yyyymmdd) - 1];
}
