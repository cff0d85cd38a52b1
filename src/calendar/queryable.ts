import { describeGranularity, formatRange, isoDate } from './labels';
import { addDays, assertDate, isComplete, latestComplete, periodContaining, PeriodError, type Period } from './period';

/** Throws PeriodError unless p is exactly one natural, completed period as WeChat requires. */
export function assertQueryable(p: Period, now: Date): void {
  assertDate(p.begin);
  assertDate(p.end);
  const natural = periodContaining(p.granularity, p.begin);
  if (natural.begin !== p.begin || natural.end !== p.end) {
    throw new PeriodError(
      `${p.begin}..${p.end} is not one ${describeGranularity(p.granularity)} (expected ${natural.begin}..${natural.end})`,
    );
  }
  if (!isComplete(p, now)) {
    throw new PeriodError(
      `${formatRange(p)} is not over yet in China time; the latest complete ${describeGranularity(p.granularity)} is ${formatRange(latestComplete(p.granularity, now))}`,
    );
  }
}

/**
 * Throws PeriodError unless begin..end is a span of one of `days` days (1, 7, 30 for the user
 * portrait) ending at most yesterday in China time.
 */
export function assertSpan(begin: string, end: string, days: readonly number[], now: Date): void {
  assertDate(begin);
  assertDate(end);
  const n = days.find((d) => addDays(end, 1 - d) === begin);
  if (n === undefined) {
    throw new PeriodError(`${isoDate(begin)}..${isoDate(end)} is not a span of ${days.join(', ')} days`);
  }
  const last: Period = { granularity: 'daily', begin: end, end };
  if (!isComplete(last, now)) {
    throw new PeriodError(`${isoDate(end)} is not over yet in China time; a span can end yesterday at the latest`);
  }
}
