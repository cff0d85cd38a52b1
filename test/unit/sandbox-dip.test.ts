import axios from 'axios';
import { addDays } from '../../src/calendar/period';
import { dipsFromEnv, parseDips, SANDBOX_DIP } from '../../src/sandbox/dip';
import { startSimulator, WeChatSimulator } from '../../src/sandbox/server';

// A dip makes one day's counts smaller in every answer that covers the day, so an alert has a real
// drop to fire on. Checked over loopback against two simulators: one with the dip, one without.

const NOW = new Date('2017-03-20T04:00:00Z'); // noon in China: yesterday is 20170319
const DAY = '20170313'; // a Monday
const WEEK = { begin: '20170313', end: '20170319' };
const FACTOR = 0.5;

type Row = Record<string, number | string>;

/** A raw datacube call, as WeChat would get it. */
async function call(sim: WeChatSimulator, name: string, begin: string, end: string): Promise<Record<string, unknown>> {
  const token = (
    await axios.get(`${sim.url}/cgi-bin/token`, { params: { grant_type: 'client_credential', appid: sim.appid, secret: sim.secret } })
  ).data.access_token as string;
  const r = await axios.post(`${sim.url}/datacube/${name}`, { begin_date: begin, end_date: end }, { params: { access_token: token } });
  return r.data as Record<string, unknown>;
}

async function row(sim: WeChatSimulator, name: string, begin: string, end = begin): Promise<Row> {
  const body = await call(sim, name, begin, end);
  const list = body.list as Row[];
  expect(list).toHaveLength(1);
  return list[0];
}

const daily = (sim: WeChatSimulator, d: string) => row(sim, 'getweanalysisappiddailyvisittrend', d);
const weekly = (sim: WeChatSimulator, begin: string, end: string) => row(sim, 'getweanalysisappidweeklyvisittrend', begin, end);
const num = (r: Row, k: string) => r[k] as number;

function days(begin: string, end: string): string[] {
  const out: string[] = [];
  for (let d = begin; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

describe('the simulator dips a day', () => {
  let plain: WeChatSimulator;
  let dipped: WeChatSimulator;

  beforeAll(async () => {
    plain = await startSimulator({ now: () => NOW, dips: {} });
    dipped = await startSimulator({ now: () => NOW, dips: { [DAY]: FACTOR } });
  });
  afterAll(async () => {
    await plain.close();
    await dipped.close();
  });

  test("the dipped day's counts are about factor times the undipped; stay time per visitor is not a count", async () => {
    const [a, b] = await Promise.all([daily(plain, DAY), daily(dipped, DAY)]);
    for (const k of ['visit_uv', 'visit_uv_new', 'session_cnt', 'visit_pv']) {
      expect(Math.abs(num(b, k) - FACTOR * num(a, k))).toBeLessThanOrEqual(1);
    }
    expect(num(b, 'visit_uv')).toBeGreaterThan(1000);
    expect(num(b, 'stay_time_uv')).toBeCloseTo(num(a, 'stay_time_uv'), 0);
    expect(num(b, 'visit_depth')).toBeCloseTo(num(a, 'visit_depth'), 1);
  });

  test('other days are unchanged', async () => {
    for (const d of ['20170306', '20170312', '20170314', '20170319']) {
      expect(await daily(dipped, d)).toEqual(await daily(plain, d));
    }
    expect(await weekly(dipped, '20170306', '20170312')).toEqual(await weekly(plain, '20170306', '20170312'));
  });

  test('the weekly visit trend of the week containing the day agrees with its days', async () => {
    const [a, b] = await Promise.all([weekly(plain, WEEK.begin, WEEK.end), weekly(dipped, WEEK.begin, WEEK.end)]);
    const dailyRows = await Promise.all(days(WEEK.begin, WEEK.end).map((d) => daily(dipped, d)));
    const sum = (k: string) => dailyRows.reduce((n, r) => n + num(r, k), 0);
    expect(num(b, 'session_cnt')).toBe(sum('session_cnt'));
    expect(num(b, 'visit_pv')).toBe(sum('visit_pv'));
    // Visitors over a week are deduplicated (0.46 of the days' sum), the dip included.
    expect(num(b, 'visit_uv')).toBe(Math.round(sum('visit_uv') * 0.46));
    const [da, db] = await Promise.all([daily(plain, DAY), daily(dipped, DAY)]);
    expect(num(a, 'session_cnt') - num(b, 'session_cnt')).toBe(num(da, 'session_cnt') - num(db, 'session_cnt'));
    expect(num(b, 'visit_uv')).toBeLessThan(num(a, 'visit_uv'));
  });

  test("the daily summary's shares dip too; the running total of users does not", async () => {
    const [a, b] = await Promise.all([
      row(plain, 'getweanalysisappiddailysummarytrend', DAY),
      row(dipped, 'getweanalysisappiddailysummarytrend', DAY),
    ]);
    expect(Math.abs(num(b, 'share_pv') - FACTOR * num(a, 'share_pv'))).toBeLessThanOrEqual(2);
    expect(num(b, 'share_pv')).toBeLessThan(num(a, 'share_pv'));
    expect(num(b, 'visit_total')).toBe(num(a, 'visit_total'));
  });

  test("retention and the visit distribution agree with the dipped day's trend", async () => {
    const trend = await daily(dipped, DAY);
    const retain = await call(dipped, 'getweanalysisappiddailyretaininfo', DAY, DAY);
    const first = (k: string) => (retain[k] as { key: number; value: number }[]).find((e) => e.key === 0)?.value;
    expect(first('visit_uv')).toBe(num(trend, 'visit_uv'));
    expect(first('visit_uv_new')).toBe(num(trend, 'visit_uv_new'));
    const dist = await call(dipped, 'getweanalysisappidvisitdistribution', DAY, DAY);
    const sources = (dist.list as { index: string; item_list: { value: number }[] }[]).find((l) => l.index === 'access_source_session_cnt');
    expect(sources?.item_list.reduce((n, e) => n + e.value, 0)).toBe(num(trend, 'session_cnt'));
  });

  test('dip() at run time: a day, YYYY-MM-DD, yesterday; a factor of 1 or clearDips() removes it', async () => {
    const sim = await startSimulator({ now: () => NOW, dips: {} });
    try {
      const before = num(await daily(sim, '20170314'), 'visit_uv');
      sim.dip('2017-03-14', 0.2);
      expect(sim.dipOn('20170314')).toBe(0.2);
      expect(Math.abs(num(await daily(sim, '20170314'), 'visit_uv') - 0.2 * before)).toBeLessThanOrEqual(1);
      sim.dip('20170314', 1);
      expect(num(await daily(sim, '20170314'), 'visit_uv')).toBe(before);

      const y = num(await daily(sim, '20170319'), 'visit_uv');
      sim.dip('yesterday', 0.5);
      expect(sim.dipOn('20170319')).toBe(0.5);
      expect(sim.dipOn('20170318')).toBe(1);
      expect(Math.abs(num(await daily(sim, '20170319'), 'visit_uv') - 0.5 * y)).toBeLessThanOrEqual(1);
      sim.clearDips();
      expect(num(await daily(sim, '20170319'), 'visit_uv')).toBe(y);
    } finally {
      await sim.close();
    }
  });

  test('dip() refuses a day or factor it cannot use', () => {
    const sim = new WeChatSimulator({ dips: {} });
    expect(() => sim.dip('2017-02-30', 0.5)).toThrow(/YYYYMMDD/);
    expect(() => sim.dip('tomorrow', 0.5)).toThrow(/tomorrow/);
    expect(() => sim.dip(DAY, -0.1)).toThrow(/factor/);
    expect(() => sim.dip(DAY, Number.NaN)).toThrow(/factor/);
    expect(() => sim.dip(DAY, 1000)).toThrow(/factor/);
    expect(() => new WeChatSimulator({ dips: { '2017': 0.5 } })).toThrow(/2017/);
  });
});

describe('SANDBOX_DIP', () => {
  const saved = process.env[SANDBOX_DIP];
  afterEach(() => {
    if (saved === undefined) delete process.env[SANDBOX_DIP];
    else process.env[SANDBOX_DIP] = saved;
  });

  test('reads DAY:FACTOR pairs', () => {
    expect(parseDips('20170313:0.5')).toEqual({ '20170313': 0.5 });
    expect(parseDips(' 2017-03-13:0.5 , yesterday:.3,20170320:2 ')).toEqual({ '20170313': 0.5, yesterday: 0.3, '20170320': 2 });
    expect(dipsFromEnv({})).toEqual({});
    expect(dipsFromEnv({ SANDBOX_DIP: '  ' })).toEqual({});
    expect(dipsFromEnv({ SANDBOX_DIP: '20170313:0' })).toEqual({ '20170313': 0 });
  });

  test.each([
    '20170313',
    '20170313:',
    '20170313:half',
    '20170313:-0.5',
    '20170313:1e3',
    '20170313:101',
    '20171301:0.5',
    '2017031:0.5',
    ':0.5',
  ])('a bad value names the variable: %s', (value) => {
    expect(() => dipsFromEnv({ SANDBOX_DIP: value })).toThrow(/^SANDBOX_DIP must be DAY:FACTOR/);
  });

  test('a day named twice is refused', () => {
    expect(() => parseDips('20170313:0.5,2017-03-13:0.4')).toThrow('SANDBOX_DIP names 20170313 twice');
  });

  test('a simulator given no dips takes the variable, and refuses a bad one', () => {
    process.env[SANDBOX_DIP] = '20170313:0.25';
    expect(new WeChatSimulator().dipOn(DAY)).toBe(0.25);
    expect(new WeChatSimulator({ dips: {} }).dipOn(DAY)).toBe(1);
    process.env[SANDBOX_DIP] = '20170313=0.25';
    expect(() => new WeChatSimulator()).toThrow(/SANDBOX_DIP/);
  });
});
