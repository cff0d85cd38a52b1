import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { buildReport } from '../../src/reports/build';
import { createChartRenderer, RENDER_NICE } from '../../src/render/pool';
import { SingleFlight } from '../../src/util/single-flight';
import { periodContaining, periodsEnding } from '../../src/calendar/period';
import { PNG_SIGNATURE, pngSize } from '../helpers/harness';

const period = periodContaining('weekly', '20170306');
const trendPeriods = periodsEnding(period, 8);
const report = buildReport(
  { kind: 'retain', period, notes: [] },
  {
    retain: null,
    trend: trendPeriods.map((p, i) => ({
      refDate: p.begin,
      sessionCnt: 1000 + i,
      visitPv: 5000,
      visitUv: 300 + i,
      visitUvNew: 50,
      stayTimeUv: 1,
      stayTimeSession: 1,
      visitDepth: 1,
    })),
    trendPeriods,
    summary: null,
  },
  { appName: '示例', sandbox: true },
);

describe('chart render pool', () => {
  test('renders PNGs on worker threads (needs the build: npm test builds first)', async () => {
    const pool = createChartRenderer(2);
    try {
      expect(pool.threads).toBe(2);
      const pngs = await Promise.all(Array.from({ length: 6 }, () => pool.render(report)));
      for (const png of pngs) {
        expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        expect(pngSize(png)).toEqual({ width: 1600, height: 800 });
      }
      expect(new Set(pngs.map((p) => p.toString('base64'))).size).toBe(1); // same report, same picture
    } finally {
      await pool.close();
    }
  });

  test('a chart already drawn comes from the PNG cache; a different report is drawn anew', async () => {
    const r = createChartRenderer(0, 1024 * 1024);
    const a = await r.render(report);
    expect(await r.render(report)).toBe(a);
    const other = { ...report, appName: 'another' };
    expect(await r.render(other)).not.toBe(a);
    const uncached = createChartRenderer(0, 0);
    expect(await uncached.render(report)).not.toBe(await uncached.render(report));
  });

  // Linux only (nice is per thread there); not when this process already runs at the lowest priority.
  const lowerable = process.platform === 'linux' && getPriority(0) < 19;
  (lowerable ? test : test.skip)('render threads run at a lower priority (nice); the main thread keeps its own', async () => {
    const mainNice = getPriority(0);
    const pool = createChartRenderer(2, 0);
    try {
      await Promise.all([pool.render(report), pool.render(report)]);
      // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (a thread may exit meanwhile).
      const nice = readdirSync('/proc/self/task').flatMap((tid) => {
        try {
          const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
        } catch {
          return [];
        }
      });
      expect(nice.filter((n) => n === Math.min(19, mainNice + RENDER_NICE)).length).toBeGreaterThanOrEqual(2);
      expect(getPriority(0)).toBe(mainNice);
    } finally {
      await pool.close();
    }
  });

  test('RENDER_THREADS=0 renders in the main thread', async () => {
    const inline = createChartRenderer(0);
    expect(inline.threads).toBe(0);
    expect((await inline.render(report)).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });
});

describe('SingleFlight', () => {
  test('concurrent callers of one key share one run; later callers start a new one', async () => {
    const sf = new SingleFlight<number>();
    let runs = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const work = async () => {
      runs++;
      await gate;
      return runs;
    };
    const all = Promise.all([sf.run('a', work), sf.run('a', work), sf.run('b', work)]);
    expect(sf.size).toBe(2);
    release();
    expect(await all).toEqual([2, 2, 2]);
    expect(sf.size).toBe(0);
    await sf.run('a', work);
    expect(runs).toBe(3);
  });

  test('a failure is shared too, and not remembered', async () => {
    const sf = new SingleFlight<number>();
    const failing = () => Promise.reject(new Error('boom'));
    await expect(Promise.all([sf.run('x', failing), sf.run('x', failing)])).rejects.toThrow('boom');
    await expect(sf.run('x', async () => 1)).resolves.toBe(1);
  });
});

describe('closing the render pool right after it starts', () => {
  // A bot whose start-up fails at once (Slack refuses the token) closes the pool and exits while its
  // threads may still be loading canvas's native addon; ending a thread mid-load used to abort the
  // process with a napi fatal error (about 1 run in 20) instead of exit 1 and the reason.
  test('30 processes that start a pool, close it at once and exit: none aborts', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const pool = require.resolve('../../dist/src/render/pool.js');
    const script = `const { createChartRenderer } = require(${JSON.stringify(pool)});
      (async () => { const r = createChartRenderer(2, 0); await new Promise((s) => setTimeout(s, Number(process.argv[1]))); await r.close(); process.exit(3); })();`;
    const outcomes: (number | string | null)[] = [];
    for (let i = 0; i < 30; i++) {
      const r = spawnSync(process.execPath, ['-e', script, String((i % 6) * 8)], { encoding: 'utf8', timeout: 20_000 });
      outcomes.push(/FATAL/.test(r.stderr) ? 'fatal' : (r.status ?? r.signal));
    }
    expect(outcomes).toEqual(Array(30).fill(3));
  }, 120_000);
});
