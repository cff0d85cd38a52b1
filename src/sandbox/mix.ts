import { hash01 } from './data';

// Small helpers to break a total into parts deterministically, so breakdowns add up exactly to
// the figure they break down (a day's sessions, a span's visitors).

/** `total` split in proportion to `weights` by largest remainder: integers that sum to exactly `total`. */
export function split(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + Math.max(0, w), 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * Math.max(0, w)) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, v) => a + v, 0);
  const byRemainder = raw.map((r, i) => ({ i, rest: r - Math.floor(r) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    out[i]++;
    left--;
  }
  return out;
}

/** A factor in [1 - spread, 1 + spread], stable for `seed`. */
export function wobble(seed: string, spread: number): number {
  return 1 - spread + 2 * spread * hash01(seed);
}

/** The items in an order that looks arbitrary but is the same for the same seed (WeChat does not sort). */
export function shuffled<T>(items: readonly T[], seed: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, h: hash01(seed(item)) }))
    .sort((a, b) => a.h - b.h)
    .map((e) => e.item);
}
