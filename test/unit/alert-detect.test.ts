import fc from 'fast-check';
import { DEFAULT_ANOMALY_K, evaluate, expectedRange, MIN_HISTORY } from '../../src/alerts/detect';
import type { AlertCondition, MetricPoint, MetricSeries, Verdict } from '../../src/reports/alert';

/** Daily points a week apart, oldest first, ending the week before `current`. */
function daily(history: readonly (number | null)[], current: number | null): MetricSeries {
  const day = (weeksBefore: number): MetricPoint['period'] => {
    const d = new Date(Date.UTC(2026, 10, 21 - 7 * weeksBefore)); // 2026-11-21, a Saturday
    const s = d.toISOString().slice(0, 10).replaceAll('-', '');
    return { granularity: 'daily', begin: s, end: s };
  };
  return {
    current: { period: day(0), value: current },
    history: history.map((value, i) => ({ period: day(history.length - i), value })),
  };
}

const anomaly: AlertCondition = { kind: 'anomaly' };
const state = (v: Verdict) => v.state;

describe('below / above', () => {
  test('fire strictly past the threshold: exactly N does not fire', () => {
    const h = [100, 100, 100];
    expect(state(evaluate({ kind: 'below', value: 50 }, daily(h, 49.99)))).toBe('firing');
    expect(state(evaluate({ kind: 'below', value: 50 }, daily(h, 50)))).toBe('ok');
    expect(state(evaluate({ kind: 'below', value: 50 }, daily(h, 51)))).toBe('ok');
    expect(state(evaluate({ kind: 'above', value: 50 }, daily(h, 50.01)))).toBe('firing');
    expect(state(evaluate({ kind: 'above', value: 50 }, daily(h, 50)))).toBe('ok');
    expect(state(evaluate({ kind: 'above', value: 50 }, daily(h, 0)))).toBe('ok');
  });

  test('carry the threshold, the previous value and the change', () => {
    expect(evaluate({ kind: 'below', value: 0.2 }, daily([0.3, 0.25], 0.15))).toEqual({
      state: 'firing',
      value: 0.15,
      previous: 0.25,
      change: expect.closeTo(-0.4, 10),
      threshold: 0.2,
    });
  });

  test('previous is the last history point, null when it has no value; change null without it or when it is 0', () => {
    expect(evaluate({ kind: 'above', value: 5 }, daily([], 10))).toMatchObject({ state: 'firing', previous: null, change: null });
    expect(evaluate({ kind: 'above', value: 5 }, daily([8, null], 10))).toMatchObject({ previous: null, change: null });
    expect(evaluate({ kind: 'above', value: 5 }, daily([8, 0], 10))).toMatchObject({ previous: 0, change: null });
    expect(evaluate({ kind: 'above', value: 5 }, daily([0, 8], 10))).toMatchObject({ previous: 8, change: 0.25 });
  });

  test('property: below fires iff value < N, above iff value > N', () => {
    const num = fc.double({ min: 0, max: 1e9, noNaN: true });
    fc.assert(
      fc.property(num, num, fc.array(fc.option(num, { nil: null }), { maxLength: 8 }), (n, value, history) => {
        const s = daily(history, value);
        expect(evaluate({ kind: 'below', value: n }, s).state).toBe(value < n ? 'firing' : 'ok');
        expect(evaluate({ kind: 'above', value: n }, s).state).toBe(value > n ? 'firing' : 'ok');
      }),
    );
  });
});

describe('drops / rises', () => {
  test('a real dip and a real spike against the same weekday a week earlier', () => {
    const dip = evaluate({ kind: 'drops', percent: 30 }, daily([1000, 1050, 990, 1010], 600));
    expect(dip).toMatchObject({ state: 'firing', value: 600, previous: 1010 });
    expect((dip as { change: number }).change).toBeCloseTo(-0.406, 3);
    expect(state(evaluate({ kind: 'rises', percent: 50 }, daily([1000, 1010], 2000)))).toBe('firing');
  });

  test('an ordinary week does not fire, and a move the other way never does', () => {
    expect(state(evaluate({ kind: 'drops', percent: 30 }, daily([1000, 1010], 900)))).toBe('ok');
    expect(state(evaluate({ kind: 'drops', percent: 30 }, daily([1000, 1000], 5000)))).toBe('ok');
    expect(state(evaluate({ kind: 'rises', percent: 50 }, daily([1000, 1000], 1400)))).toBe('ok');
    expect(state(evaluate({ kind: 'rises', percent: 50 }, daily([1000, 1000], 10)))).toBe('ok');
  });

  test('compares with the last point only, not the oldest', () => {
    // 1000 three weeks ago, 700 last week: 700 -> 690 is no drop of 20%, though 1000 -> 690 would be.
    expect(state(evaluate({ kind: 'drops', percent: 20 }, daily([1000, 800, 700], 690)))).toBe('ok');
    expect(state(evaluate({ kind: 'drops', percent: 20 }, daily([700, 800, 1000], 690)))).toBe('firing');
  });

  test('exactly N% fires (despite float rounding), just under does not', () => {
    expect(state(evaluate({ kind: 'drops', percent: 20 }, daily([100], 80)))).toBe('firing');
    expect(state(evaluate({ kind: 'drops', percent: 20 }, daily([100], 80.01)))).toBe('ok');
    expect(state(evaluate({ kind: 'drops', percent: 20 }, daily([0.03], 0.024)))).toBe('firing'); // the change is -0.19999999999999996
    expect(state(evaluate({ kind: 'rises', percent: 50 }, daily([0.04], 0.06)))).toBe('firing'); // the change is 0.4999999999999999
    expect(state(evaluate({ kind: 'rises', percent: 10 }, daily([0.3], 0.33)))).toBe('firing');
    expect(state(evaluate({ kind: 'rises', percent: 10 }, daily([0.3], 0.3299)))).toBe('ok');
    expect(state(evaluate({ kind: 'drops', percent: 100 }, daily([5], 0)))).toBe('firing');
  });

  test('without a previous value (none or null): not enough history, never a guess', () => {
    for (const h of [[], [1000, null]]) {
      expect(evaluate({ kind: 'drops', percent: 10 }, daily(h, 5))).toEqual({ state: 'not_enough_history', value: 5, points: 0 });
      expect(evaluate({ kind: 'rises', percent: 10 }, daily(h, 5))).toEqual({ state: 'not_enough_history', value: 5, points: 0 });
    }
  });

  test('from 0: any value above 0 is a rise beyond every percentage; nothing drops', () => {
    expect(evaluate({ kind: 'rises', percent: 10000 }, daily([1000, 0], 50))).toMatchObject({ state: 'firing', previous: 0, change: null });
    expect(state(evaluate({ kind: 'rises', percent: 10 }, daily([1000, 0], 0)))).toBe('ok');
    expect(state(evaluate({ kind: 'drops', percent: 10 }, daily([1000, 0], 0)))).toBe('ok');
  });
});

describe('anomaly', () => {
  const normal = [980, 1040, 1010, 960, 1000, 1030, 990, 1020];

  test(`k is ${DEFAULT_ANOMALY_K}, at least ${MIN_HISTORY} points`, () => {
    expect(DEFAULT_ANOMALY_K).toBeGreaterThanOrEqual(3.5);
    expect(MIN_HISTORY).toBe(4);
  });

  test('a real dip and a real spike fire; a normal week does not', () => {
    const dip = evaluate(anomaly, daily(normal, 500));
    expect(dip).toMatchObject({ state: 'firing', value: 500, previous: 1020 });
    if (dip.state !== 'firing') throw new Error('unreachable');
    expect(dip.expected?.median).toBe(1005);
    expect(dip.expected?.low).toBeGreaterThan(500);
    expect(dip.expected?.high).toBeLessThan(2000);
    expect(state(evaluate(anomaly, daily(normal, 2000)))).toBe('firing');
    for (const v of [950, 1000, 1060, 900, 1100]) expect(state(evaluate(anomaly, daily(normal, v)))).toBe('ok');
  });

  test('weekly seasonality is not flagged: a high Saturday after eight high Saturdays is ok', () => {
    // Weekdays run ~1000, Saturdays ~3000; daily history holds only Saturdays.
    const saturdays = [2950, 3100, 3000, 2900, 3050, 3020, 2980, 3080];
    expect(state(evaluate(anomaly, daily(saturdays, 3010)))).toBe('ok');
    // ...and a Saturday at a weekday's level is the anomaly.
    expect(state(evaluate(anomaly, daily(saturdays, 1000)))).toBe('firing');
  });

  test(`fewer than ${MIN_HISTORY} usable points: not enough history, with the count`, () => {
    expect(evaluate(anomaly, daily([1000, 1000, 1000], 1))).toEqual({ state: 'not_enough_history', value: 1, points: 3 });
    expect(evaluate(anomaly, daily([1000, null, 1000, null, 1000], 1))).toEqual({ state: 'not_enough_history', value: 1, points: 3 });
    expect(evaluate(anomaly, daily([], 1))).toEqual({ state: 'not_enough_history', value: 1, points: 0 });
    expect(state(evaluate(anomaly, daily([1000, 1000, 1000, 1000], 1)))).toBe('firing');
  });

  test('null points in history are skipped, not read as 0', () => {
    const v = evaluate(anomaly, daily([1000, null, 1000, null, 1000, 1000, null], 1000));
    expect(v).toMatchObject({ state: 'ok', previous: null, change: null });
    if (v.state !== 'ok') throw new Error('unreachable');
    expect(v.expected?.median).toBe(1000);
  });

  test('identical history: a small wobble is ok, a big dip or spike fires', () => {
    const flat = Array(8).fill(1000);
    expect(state(evaluate(anomaly, daily(flat, 1010)))).toBe('ok');
    expect(state(evaluate(anomaly, daily(flat, 990)))).toBe('ok');
    expect(state(evaluate(anomaly, daily(flat, 600)))).toBe('firing');
    expect(state(evaluate(anomaly, daily(flat, 1500)))).toBe('firing');
    const ratio = Array(8).fill(0.3);
    expect(state(evaluate(anomaly, daily(ratio, 0.303), { unit: 'ratio' }))).toBe('ok');
    expect(state(evaluate(anomaly, daily(ratio, 0.15), { unit: 'ratio' }))).toBe('firing');
  });

  test('small counts: counting noise is not an anomaly; an all-zero ratio history allows under one percentage point', () => {
    const shares = [0, 1, 0, 0, 2, 0, 0, 1];
    expect(state(evaluate(anomaly, daily(shares, 3), { unit: 'count' }))).toBe('ok');
    expect(state(evaluate(anomaly, daily(shares, 12), { unit: 'count' }))).toBe('firing');
    const zeros = Array(8).fill(0);
    expect(state(evaluate(anomaly, daily(zeros, 0.005), { unit: 'ratio' }))).toBe('ok');
    expect(state(evaluate(anomaly, daily(zeros, 0.05), { unit: 'ratio' }))).toBe('firing');
  });

  test('the expected range never goes below 0 for non-negative history, and is symmetric otherwise', () => {
    const r = expectedRange([0, 10, 200, 300, 5, 400]);
    expect(r.median).toBe(105);
    expect(r.low).toBe(0);
    expect(r.high).toBeGreaterThan(400);
    const signed = expectedRange([-1, 0, 1, 0]);
    expect(signed.low).toBeLessThan(0);
    expect(signed.low + signed.high).toBeCloseTo(2 * signed.median, 10);
  });

  test('a wide spread widens the range (MAD), a bigger k widens it too', () => {
    const tight = expectedRange([1000, 1010, 990, 1000, 1005, 995]);
    const wide = expectedRange([600, 1400, 800, 1200, 1000, 900]);
    expect(wide.high - wide.low).toBeGreaterThan(tight.high - tight.low);
    expect(state(evaluate(anomaly, daily([600, 1400, 800, 1200, 1000, 900], 500)))).toBe('ok');
    expect(state(evaluate(anomaly, daily([600, 1400, 800, 1200, 1000, 900], 500), { k: 1 }))).toBe('firing');
  });

  test('one wild week in history does not blind the detector (robust to outliers)', () => {
    const withSpike = [1000, 1010, 990, 20000, 1000, 1005, 995, 1000];
    expect(state(evaluate(anomaly, daily(withSpike, 500)))).toBe('firing');
    expect(state(evaluate(anomaly, daily(withSpike, 1000)))).toBe('ok');
  });

  test('property: the value is firing iff it lies outside the expected range, which contains the median', () => {
    const num = fc.double({ min: 0, max: 1e7, noNaN: true });
    fc.assert(
      fc.property(fc.array(num, { minLength: MIN_HISTORY, maxLength: 8 }), num, (history, value) => {
        const v = evaluate(anomaly, daily(history, value));
        if (v.state !== 'firing' && v.state !== 'ok') throw new Error(`unexpected ${v.state}`);
        const e = v.expected;
        if (!e) throw new Error('no expected range');
        expect(e.low).toBeLessThanOrEqual(e.median);
        expect(e.high).toBeGreaterThanOrEqual(e.median);
        expect(e.low).toBeGreaterThanOrEqual(0);
        expect(v.state).toBe(value < e.low || value > e.high ? 'firing' : 'ok');
      }),
    );
  });
});

describe('no value', () => {
  test.each<AlertCondition>([
    { kind: 'below', value: 5 },
    { kind: 'above', value: 5 },
    { kind: 'drops', percent: 5 },
    { kind: 'rises', percent: 5 },
    { kind: 'anomaly' },
  ])('%j: WeChat had none for the period', (c) => {
    expect(evaluate(c, daily([1, 2, 3, 4, 5], null))).toEqual({ state: 'no_value' });
  });
});
