import fc from 'fast-check';
import { type AlertSpec, type AlertSpecProblem, newAlertId, parseAlertAdd, parseMuteDuration } from '../../src/alerts/spec';
import { ALERT_METRICS, type AlertMetric, METRIC_GRANULARITIES } from '../../src/reports/alert';

function spec(text: string): AlertSpec {
  const r = parseAlertAdd(text);
  if (!r.ok) throw new Error(`"${text}": ${JSON.stringify(r.problem)}`);
  return r.spec;
}
function problem(text: string): AlertSpecProblem {
  const r = parseAlertAdd(text);
  if (r.ok) throw new Error(`expected a problem for "${text}", got ${JSON.stringify(r.spec)}`);
  return r.problem;
}

describe('/wxa alert add parsing', () => {
  test('the whole form, in order and in any order', () => {
    expect(spec('visitors daily drops 30% <#C0123ABC|growth> app:shop')).toEqual({
      metric: 'visitors',
      granularity: 'daily',
      condition: { kind: 'drops', percent: 30 },
      channel: 'C0123ABC',
      app: 'shop',
    });
    expect(spec('app:shop <#C0123ABC> anomaly weekly sessions')).toEqual({
      metric: 'sessions',
      granularity: 'weekly',
      condition: { kind: 'anomaly' },
      channel: 'C0123ABC',
      app: 'shop',
    });
  });

  test('channel and app are absent unless given; granularity defaults to the metric’s first', () => {
    expect(spec('visitors anomaly')).toEqual({ metric: 'visitors', granularity: 'daily', condition: { kind: 'anomaly' } });
    expect(spec('week1_retention below 10').granularity).toBe('weekly');
    expect(spec('shares above 5').granularity).toBe('daily');
  });

  test.each<[string, AlertMetric]>([
    ['visitors', 'visitors'],
    ['new_users', 'new_users'],
    ['new-users', 'new_users'],
    ['sessions', 'sessions'],
    ['page_views', 'page_views'],
    ['page-views', 'page_views'],
    ['stay_time', 'stay_time'],
    ['stay-time', 'stay_time'],
    ['visit_depth', 'visit_depth'],
    ['visit-depth', 'visit_depth'],
    ['shares', 'shares'],
    ['day1_retention', 'day1_retention'],
    ['day1-retention', 'day1_retention'],
    ['d1-retention', 'day1_retention'],
    ['d1_retention', 'day1_retention'],
    ['day7_retention', 'day7_retention'],
    ['day7-retention', 'day7_retention'],
    ['d7-retention', 'day7_retention'],
    ['week1_retention', 'week1_retention'],
    ['week1-retention', 'week1_retention'],
    ['w1-retention', 'week1_retention'],
    ['VISITORS', 'visitors'],
    ['Page-Views', 'page_views'],
  ])('metric %s -> %s', (word, metric) => {
    expect(spec(`${word} anomaly`).metric).toBe(metric);
  });

  test('every metric is reachable by its own name (a source or page share with what it is about)', () => {
    const about: Partial<Record<string, string>> = { source_share: ':1001', page_share: ':pages/index/index' };
    for (const m of ALERT_METRICS) expect(spec(`${m}${about[m] ?? ''} ${METRIC_GRANULARITIES[m][0]} anomaly`).metric).toBe(m);
  });

  test('source_share and page_share carry their source number or page path; without one, or with a bad one, a problem', () => {
    expect(spec('source_share:1001 below 20%')).toMatchObject({
      metric: 'source_share',
      subject: '1001',
      condition: { kind: 'below', value: 0.2 },
    });
    expect(spec('page-share:pages/goods/detail drops 30%')).toMatchObject({ metric: 'page_share', subject: 'pages/goods/detail' });
    expect(problem('source_share below 20%')).toMatchObject({ reason: 'bad_subject', metric: 'source_share' });
    expect(problem('source_share:abc below 20%')).toMatchObject({ reason: 'bad_subject', metric: 'source_share' });
    expect(problem('page_share:<!channel> below 20%')).toMatchObject({ reason: 'bad_subject', metric: 'page_share' });
    expect(problem('page_share: below 20%')).toMatchObject({ reason: 'bad_subject' });
    expect(problem('source_share:1001 weekly below 20%')).toMatchObject({ reason: 'granularity_not_offered' });
    expect(problem('source_share:1001 source_share:1002 below 20%')).toMatchObject({ reason: 'two_metrics' });
  });

  test('conditions and numbers', () => {
    expect(spec('visitors below 1,234').condition).toEqual({ kind: 'below', value: 1234 });
    expect(spec('visitors above 1,234,567.5').condition).toEqual({ kind: 'above', value: 1234567.5 });
    expect(spec('stay_time below 12.5').condition).toEqual({ kind: 'below', value: 12.5 });
    expect(spec('visit_depth below .5').condition).toEqual({ kind: 'below', value: 0.5 });
    expect(spec('visitors below 0').condition).toEqual({ kind: 'below', value: 0 });
    expect(spec('visitors drops 20').condition).toEqual({ kind: 'drops', percent: 20 });
    expect(spec('visitors drop 12.5%').condition).toEqual({ kind: 'drops', percent: 12.5 });
    expect(spec('visitors drops 20 %').condition).toEqual({ kind: 'drops', percent: 20 });
    expect(spec('visitors drops 100%').condition).toEqual({ kind: 'drops', percent: 100 });
    expect(spec('visitors RISES 10000%').condition).toEqual({ kind: 'rises', percent: 10000 });
    expect(spec('visitors rise 50%').condition).toEqual({ kind: 'rises', percent: 50 });
    expect(spec('Visitors ANOMALY').condition).toEqual({ kind: 'anomaly' });
  });

  test('ratio metrics: below 20% and below 20 both mean 0.20; drops stay a percent change', () => {
    expect(spec('day1_retention below 20%').condition).toEqual({ kind: 'below', value: 0.2 });
    expect(spec('day1_retention below 20').condition).toEqual({ kind: 'below', value: 0.2 });
    expect(spec('day7_retention above 12.5%').condition).toEqual({ kind: 'above', value: 0.125 });
    expect(spec('week1_retention below 100').condition).toEqual({ kind: 'below', value: 1 });
    expect(spec('day1_retention drops 20%').condition).toEqual({ kind: 'drops', percent: 20 });
    // The number may come before the metric: the unit is applied once the metric is known.
    expect(spec('below 30% day1_retention').condition).toEqual({ kind: 'below', value: 0.3 });
    expect(problem('day1_retention above 101%')).toEqual({ reason: 'ratio_too_big', given: '101%' });
  });

  test('a percent threshold on a metric that is not a ratio is refused; a plain number is not', () => {
    expect(problem('visitors below 20%')).toEqual({ reason: 'percent_not_ratio', metric: 'visitors', given: '20%' });
    expect(spec('visitors below 20').condition).toEqual({ kind: 'below', value: 20 });
  });

  test('channel mentions as Slack escapes them', () => {
    expect(spec('visitors anomaly <#C0123ABC|general>').channel).toBe('C0123ABC');
    expect(spec('visitors anomaly <#C0123ABC>').channel).toBe('C0123ABC');
    expect(spec('visitors anomaly <#G0PRIVATE|secret>').channel).toBe('G0PRIVATE');
    expect(spec('visitors anomaly <#C0123ABC|>').channel).toBe('C0123ABC');
    expect(spec('visitors anomaly <#C0123ABC> <#C0123ABC|general>').channel).toBe('C0123ABC');
  });

  test('the text may come as words (as the schedule command passes them)', () => {
    expect(parseAlertAdd(['visitors', 'drops', '30%'])).toEqual({
      ok: true,
      spec: { metric: 'visitors', granularity: 'daily', condition: { kind: 'drops', percent: 30 } },
    });
  });

  test('app names are lowercased and checked', () => {
    expect(spec('visitors anomaly APP:Shop-2_b').app).toBe('shop-2_b');
    expect(problem('visitors anomaly app:')).toEqual({ reason: 'bad_app', given: 'app:' });
    expect(problem('visitors anomaly app:../../etc')).toEqual({ reason: 'bad_app', given: 'app:../../etc' });
    expect(problem('visitors anomaly app:小程序')).toEqual({ reason: 'bad_app', given: 'app:小程序' });
    expect(problem(`visitors anomaly app:${'a'.repeat(41)}`)).toMatchObject({ reason: 'bad_app' });
    expect(spec(`visitors anomaly app:${'a'.repeat(40)}`).app).toBe('a'.repeat(40));
  });

  test.each<[string, AlertSpecProblem]>([
    ['', { reason: 'no_metric' }],
    ['   ', { reason: 'no_metric' }],
    ['anomaly', { reason: 'no_metric' }],
    ['daily below 5', { reason: 'no_metric' }],
    ['visitor anomaly', { reason: 'unknown_metric', given: 'visitor' }],
    ['retention below 20', { reason: 'unknown_metric', given: 'retention' }],
    ['below 5 vistors', { reason: 'unknown_metric', given: 'vistors' }],
    ['visitors sessions anomaly', { reason: 'two_metrics', given: 'sessions' }],
    ['visitors', { reason: 'no_condition' }],
    ['visitors weekly <#C1>', { reason: 'no_condition' }],
    ['shares weekly anomaly', { reason: 'granularity_not_offered', metric: 'shares', given: 'weekly', offered: ['daily'] }],
    ['day1_retention weekly below 5', { reason: 'granularity_not_offered', metric: 'day1_retention', given: 'weekly', offered: ['daily'] }],
    [
      'week1_retention daily anomaly',
      { reason: 'granularity_not_offered', metric: 'week1_retention', given: 'daily', offered: ['weekly'] },
    ],
    ['visitors monthly anomaly', { reason: 'unknown_word', given: 'monthly' }],
    ['visitors daily weekly anomaly', { reason: 'repeated', given: 'weekly' }],
    ['visitors below', { reason: 'bad_number', condition: 'below' }],
    ['visitors below five', { reason: 'bad_number', condition: 'below', given: 'five' }],
    ['visitors below 1,23', { reason: 'bad_number', condition: 'below', given: '1,23' }],
    ['visitors below 1e5', { reason: 'bad_number', condition: 'below', given: '1e5' }],
    ['visitors below 0x10', { reason: 'bad_number', condition: 'below', given: '0x10' }],
    ['visitors below %', { reason: 'bad_number', condition: 'below', given: '%' }],
    ['visitors below anomaly', { reason: 'bad_number', condition: 'below', given: 'anomaly' }],
    ['visitors above 1.', { reason: 'bad_number', condition: 'above', given: '1.' }],
    ['visitors drops', { reason: 'bad_number', condition: 'drops' }],
    ['visitors below -3', { reason: 'negative', condition: 'below', given: '-3' }],
    ['visitors above −3', { reason: 'negative', condition: 'above', given: '−3' }],
    ['visitors drops -20%', { reason: 'negative', condition: 'drops', given: '-20%' }],
    ['visitors below -', { reason: 'bad_number', condition: 'below', given: '-' }],
    ['visitors drops 0%', { reason: 'zero_percent', condition: 'drops', given: '0%' }],
    ['visitors rises 0', { reason: 'zero_percent', condition: 'rises', given: '0' }],
    ['visitors drops 150%', { reason: 'drop_too_big', given: '150%' }],
    ['visitors drops 100.01%', { reason: 'drop_too_big', given: '100.01%' }],
    ['visitors rises 10001%', { reason: 'rise_too_big', given: '10001%' }],
    ['visitors below 5 above 10', { reason: 'two_conditions', given: 'above' }],
    ['visitors anomaly drops 10%', { reason: 'two_conditions', given: 'drops' }],
    ['visitors anomaly anomaly', { reason: 'two_conditions', given: 'anomaly' }],
    ['visitors anomaly #general', { reason: 'plain_channel', given: '#general' }],
    ['visitors anomaly <#C1|a> <#C2|b>', { reason: 'repeated', given: '<#C2|b>' }],
    ['visitors anomaly app:a app:b', { reason: 'repeated', given: 'app:b' }],
    ['visitors anomaly <!channel>', { reason: 'unknown_word', given: '<!channel>' }],
    ['<!channel> visitors anomaly', { reason: 'unknown_word', given: '<!channel>' }],
    ['visitors anomaly <@U0123ABC>', { reason: 'unknown_word', given: '<@U0123ABC>' }],
    ['visitors anomaly <#c0lower|x>', { reason: 'unknown_word', given: '<#c0lower|x>' }],
    ['visitors anomaly please', { reason: 'unknown_word', given: 'please' }],
  ])('%j -> problem', (text, expected) => {
    expect(problem(text)).toEqual(expected);
  });

  test('the given token is cut to 40 characters, whole code points', () => {
    const p = problem(`visitors anomaly ${'x'.repeat(10_000)}`);
    expect(p).toEqual({ reason: 'unknown_word', given: 'x'.repeat(40) });
    const emoji = problem(`visitors anomaly ${'💥'.repeat(50)}`);
    if (!('given' in emoji) || emoji.given === undefined) throw new Error('no given');
    expect(Array.from(emoji.given)).toHaveLength(40);
    expect(emoji.given).toBe('💥'.repeat(40));
    expect(problem(`visitors below ${'9'.repeat(400)}`)).toMatchObject({ reason: 'bad_number', given: '9'.repeat(40) });
  });

  test('the problems carry codes and tokens, never sentences', () => {
    const texts = ['', 'visitor anomaly', 'visitors', 'shares weekly anomaly', 'visitors below -3', 'visitors drops 150%', 'visitors #x'];
    for (const t of texts) {
      const p = problem(t);
      for (const [key, v] of Object.entries(p)) {
        if (key === 'given') continue;
        const values: unknown[] = Array.isArray(v) ? v : [v];
        for (const x of values) expect(String(x)).toMatch(/^[a-z0-9_]+$/);
      }
    }
  });

  test('fuzz: never throws on arbitrary or hostile text, and a success is always a well-formed spec', () => {
    const hostile = fc.constantFrom(
      '<!channel>',
      '<!here>',
      '<@U0123ABC>',
      '<#C0123|general>',
      '<https://evil.example|click>',
      '#general',
      'app:',
      'app:../../etc',
      'below',
      'drops',
      'anomaly',
      '-1',
      '1,234',
      '150%',
      '%',
      'visitors',
      'day1_retention',
      'weekly',
      '\u202e',
      '\u0000',
      '💥',
      '小程序',
      '__proto__',
      'constructor',
      'toString',
      '\n',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.array(hostile, { maxLength: 8 }).map((a) => a.join(' ')),
      fc.constant('x'.repeat(10_000)),
    );
    fc.assert(
      fc.property(text, (t) => {
        const r = parseAlertAdd(t);
        if (!r.ok) {
          if ('given' in r.problem && r.problem.given !== undefined) expect(Array.from(r.problem.given).length).toBeLessThanOrEqual(40);
          return;
        }
        expect(ALERT_METRICS).toContain(r.spec.metric);
        expect(METRIC_GRANULARITIES[r.spec.metric]).toContain(r.spec.granularity);
        const c = r.spec.condition;
        if (c.kind === 'below' || c.kind === 'above') expect(Number.isFinite(c.value) && c.value >= 0).toBe(true);
        if (c.kind === 'drops') expect(c.percent > 0 && c.percent <= 100).toBe(true);
        if (c.kind === 'rises') expect(c.percent > 0 && c.percent <= 10000).toBe(true);
        if (r.spec.channel !== undefined) expect(r.spec.channel).toMatch(/^[CG][A-Z0-9]+$/);
        if (r.spec.app !== undefined) expect(r.spec.app).toMatch(/^[a-z0-9_-]{1,40}$/);
      }),
      { numRuns: 500 },
    );
  });

  test('__proto__ and friends are not metrics or conditions', () => {
    expect(problem('__proto__ anomaly')).toEqual({ reason: 'unknown_metric', given: '__proto__' });
    expect(problem('visitors constructor 5')).toEqual({ reason: 'unknown_word', given: 'constructor' });
  });
});

describe('mute durations', () => {
  const H = 3_600_000;
  const D = 24 * H;
  test.each<[string, number]>([
    ['', 7 * D],
    ['   ', 7 * D],
    ['7d', 7 * D],
    ['for 7d', 7 * D],
    ['FOR 7D', 7 * D],
    ['12h', 12 * H],
    ['2w', 14 * D],
    ['3 days', 3 * D],
    ['1 week', 7 * D],
    ['90d', 90 * D],
    ['12w', 84 * D],
    ['2160h', 90 * D],
  ])('%j -> ms', (text, ms) => {
    expect(parseMuteDuration(text)).toEqual({ ok: true, ms });
  });

  test.each(['0d', '91d', '13w', '2161h', '7', 'd', 'for', 'forever', '7y', '1.5d', '-1d', '7d please', 'for for 7d', '７d'])(
    '%j is refused with what was given',
    (text) => {
      expect(parseMuteDuration(text)).toEqual({ ok: false, given: text.trim() });
    },
  );

  test('the given text is cut to 40 characters', () => {
    expect(parseMuteDuration('x'.repeat(1000))).toEqual({ ok: false, given: 'x'.repeat(40) });
  });
});

describe('alert ids', () => {
  test('a + 6 hex digits, random', () => {
    const ids = new Set(Array.from({ length: 200 }, newAlertId));
    for (const id of ids) expect(id).toMatch(/^a[0-9a-f]{6}$/);
    expect(ids.size).toBeGreaterThan(195);
  });
});
