import { describeGranularity, formatRange } from './labels';
import { assertDate, isComplete, latestComplete, periodContaining, PeriodError, type Period } from './period';

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
