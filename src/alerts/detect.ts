import type { AlertCondition, ExpectedRange, MetricSeries, MetricUnit, Verdict } from '../reports/alert';

// Whether an alert's condition holds for the period evaluated. Pure maths: no clock, no I/O, no words
// (src/slack words the verdict). The caller builds the series so that the last history point is the
// one a change is measured against: the same weekday a week earlier (daily) or the week before (weekly).

/** Fewer usable history points than this and `anomaly` says not_enough_history instead of guessing. */
export const MIN_HISTORY = 4;

/**
 * How many robust standard deviations (1.4826 × MAD) from the median a value must be to fire.
 *
 * Iglewicz & Hoaglin's usual cut-off is a modified z-score of 3.5, which assumes the median and MAD are
 * known well. Here they come from only 4-8 points (the same weekday over the last weeks), so the MAD is
 * itself uncertain and often small by chance. Simulated on log-normal history with a 10% spread, 3.5 fired on
 * about 5% of ordinary 8-week series (11% with 4 points): an alert crying wolf every few weeks. 4.5 halves
 * that while a real break (a 40-50% fall) is still caught; the relative floor below covers the remaining
 * case of history that happens to be nearly flat.
 */
export const DEFAULT_ANOMALY_K = 4.5;

/** 1.4826 × MAD estimates the standard deviation of normally distributed values. */
const MAD_TO_SD = 1.4826;

/**
 * The expected range is never narrower than ±15% of the median: a history of near-identical values has a
 * MAD near 0, and week-to-week swings of 10-15% are ordinary for a mini program's traffic.
 */
export const RELATIVE_FLOOR = 0.15;

/**
 * The smallest half-width, in the metric's own unit, whatever the history. A count's counting noise is about
 * √mean (Poisson), so small counts get k·√mean (a mini program with 0-3 shares a day is not anomalous at 4).
 * Without a unit, 0.01: one percentage point of a ratio, nothing for counts.
 */
function absoluteFloor(median: number, k: number, unit: MetricUnit | undefined): number {
  switch (unit) {
    case 'count':
      return k * Math.sqrt(Math.max(Math.abs(median), 1));
    case 'seconds':
      return 1;
    case 'pages':
      return 0.1;
    default:
      return 0.01;
  }
}

/** Float slack for `drops`/`rises`, so that exactly N% (80 after 100 for `drops 20%`) fires despite rounding. */
const EPSILON = 1e-9;

export interface EvaluateOptions {
  /** anomaly: see DEFAULT_ANOMALY_K. */
  k?: number;
  /** anomaly: the metric's unit (METRIC_UNITS), for the smallest expected range; see absoluteFloor. */
  unit?: MetricUnit;
}

const usable = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** (value - previous) / previous; null without a previous value or when it is 0. */
function changeFrom(value: number, previous: number | null): number | null {
  return previous === null || previous === 0 ? null : (value - previous) / previous;
}

/** The range a value is expected in, from a robust baseline of `history` (at least one point). */
export function expectedRange(history: readonly number[], o: EvaluateOptions = {}): ExpectedRange {
  const k = o.k ?? DEFAULT_ANOMALY_K;
  const m = median(history);
  const mad = median(history.map((x) => Math.abs(x - m)));
  const half = Math.max(k * MAD_TO_SD * mad, RELATIVE_FLOOR * Math.abs(m), absoluteFloor(m, k, o.unit));
  const low = history.every((x) => x >= 0) ? Math.max(0, m - half) : m - half;
  return { low, high: m + half, median: m };
}

export function evaluate(condition: AlertCondition, series: MetricSeries, o: EvaluateOptions = {}): Verdict {
  const value = series.current.value;
  if (!usable(value)) return { state: 'no_value' };
  const last = series.history.at(-1)?.value;
  const previous = usable(last) ? last : null;
  const change = changeFrom(value, previous);

  switch (condition.kind) {
    case 'below':
      return { state: value < condition.value ? 'firing' : 'ok', value, previous, change, threshold: condition.value };
    case 'above':
      return { state: value > condition.value ? 'firing' : 'ok', value, previous, change, threshold: condition.value };
    case 'drops':
    case 'rises': {
      if (previous === null) return { state: 'not_enough_history', value, points: 0 };
      // From 0 nothing can drop, and anything above 0 is a rise of more than any percentage.
      if (change === null) return { state: condition.kind === 'rises' && value > 0 ? 'firing' : 'ok', value, previous, change };
      const limit = condition.percent / 100;
      const fires = condition.kind === 'drops' ? change <= -limit + EPSILON : change >= limit - EPSILON;
      return { state: fires ? 'firing' : 'ok', value, previous, change };
    }
    case 'anomaly': {
      const points = series.history.map((p) => p.value).filter(usable);
      if (points.length < MIN_HISTORY) return { state: 'not_enough_history', value, points: points.length };
      const expected = expectedRange(points, o);
      const fires = value < expected.low || value > expected.high;
      return { state: fires ? 'firing' : 'ok', value, previous, change, expected };
    }
  }
}
