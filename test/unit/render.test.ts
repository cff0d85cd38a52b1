import dayjs from 'dayjs';
import '../../src/calendar/period'; // extends dayjs with utc and timezone
import { localDateTime } from '../../src/calendar/time-zone';
import { inflateSync } from 'node:zlib';
import { buildReport, cohort, change, type ReportData } from '../../src/reports/build';
import type { ReportRequest } from '../../src/reports/model';
import { renderMessage } from '../../src/slack/blocks';
import { chartRenderer, renderChart, cjkFontFamily } from '../../src/render/chart';
import { count, delta, duration, measure, percent, signedCount } from '../../src/slack/format';
import { MAX_BLOCKS, MAX_FIELDS, MAX_SECTION_TEXT } from '../../src/slack/limits';
import { periodContaining, periodsEnding, type Granularity } from '../../src/calendar/period';
import type { VisitTrendItem } from '../../src/wechat/types';
import { PNG_SIGNATURE, pngSize } from '../helpers/harness';

function item(refDate: string, n: number, missing: (keyof VisitTrendItem)[] = []): VisitTrendItem {
  const base: VisitTrendItem = {
    refDate,
    sessionCnt: n * 5,
    visitPv: n * 17,
    visitUv: n,
    visitUvNew: Math.round(n / 4),
    stayTimeUv: 192.4,
    stayTimeSession: 54.53,
    visitDepth: 3.28,
  };
  for (const m of missing) (base as unknown as Record<string, null>)[m] = null;
  return base;
}

function data(
  g: Granularity,
  kind: 'retain' | 'visits',
  opts: { missing?: (keyof VisitTrendItem)[]; sparse?: boolean } = {},
): { req: ReportRequest; d: ReportData } {
  const period = periodContaining(g, '20170306');
  const trendPeriods = periodsEnding(period, 8);
  const req: ReportRequest = { kind, period, notes: [] };
  const keys = opts.sparse ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 14, 30];
  return {
    req,
    d: {
      retain:
        kind === 'retain'
          ? {
              refDate: 'x',
              visitUvNew: new Map(keys.map((k) => [k, 45592 - k * 1000])),
              visitUv: new Map(keys.map((k) => [k, 189405 - k * 5000])),
            }
          : null,
      trend: trendPeriods.map((p, i) => item(p.begin, 180000 + i * 1000, opts.missing)),
      trendPeriods,
      summary: null,
    },
  };
}

describe('report model', () => {
  test('retention as counts and % of period 0; missing keys are n/a, not 0', () => {
    const c = cohort(
      new Map([
        [0, 200],
        [1, 50],
        [3, 0],
      ]),
      [1, 2, 3],
    );
    expect(c.size).toBe(200);
    expect(c.points).toEqual([
      { offset: 1, count: 50, share: 0.25 },
      { offset: 2, count: null, share: null },
      { offset: 3, count: 0, share: 0 },
    ]);
    expect(
      cohort(
        new Map([
          [0, 0],
          [1, 5],
        ]),
        [1],
      ).points[0].share,
    ).toBeNull();
  });

  test('change against the previous period', () => {
    expect(change(110, 100)).toBeCloseTo(0.1);
    expect(change(null, 100)).toBeNull();
    expect(change(5, 0)).toBeNull();
  });

  test('weekly report: figures, changes and trend come from the data', () => {
    const { req, d } = data('weekly', 'retain');
    const r = buildReport(req, d, { appName: 'A', sandbox: false });
    expect(r.retention?.newUsers.size).toBe(45592);
    expect(r.retention?.newUsers.points.map((p) => p.offset)).toEqual([1, 2, 3, 4]);
    const visitors = r.visits.find((f) => f.key === 'visitUv')!;
    expect(visitors.value).toBe(187000);
    expect(visitors.previous).toBe(186000);
    expect(r.trend).toHaveLength(8);
    expect(r.trend[7].label).toBe('03-06');
    expect(r.empty).toBe(false);
  });
});

describe('Block Kit message', () => {
  test.each(['daily', 'weekly', 'monthly'] as const)('%s retain and visits stay within Slack limits', (g) => {
    for (const kind of ['retain', 'visits'] as const) {
      const { req, d } = data(g, kind);
      const m = renderMessage(buildReport(req, d, { appName: '示例 <!channel> & co', sandbox: true }));
      expect(m.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
      for (const b of m.blocks as { type: string; text?: { text: string }; fields?: unknown[] }[]) {
        if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(b.type === 'header' ? 150 : MAX_SECTION_TEXT);
        if (b.fields) expect(b.fields.length).toBeLessThanOrEqual(MAX_FIELDS);
      }
      const json = JSON.stringify(m.blocks);
      expect(json).toContain('sandbox data');
      expect(json).not.toContain('<!channel>');
      expect(m.text.length).toBeGreaterThan(20);
    }
  });

  test('thousands separators, percentages, durations and n/a for missing metrics', () => {
    const { req, d } = data('weekly', 'retain', { missing: ['stayTimeUv'] });
    const m = renderMessage(buildReport(req, d, { appName: 'A', sandbox: false }));
    const json = JSON.stringify(m.blocks);
    expect(json).toContain('45,592');
    expect(json).toContain('189,405');
    expect(json).toMatch(/Stay time per visitor\*\\nn\/a/);
    expect(json).toContain('54.5 s');
    expect(m.text).toContain('45,592 new users');
  });

  test('sparse retention keys show n/a', () => {
    const { req, d } = data('weekly', 'retain', { sparse: true });
    const json = JSON.stringify(renderMessage(buildReport(req, d, { appName: 'A', sandbox: false })).blocks);
    expect(json).toMatch(/\+1 +n\/a +n\/a/);
  });

  test('formatters', () => {
    expect(count(1234567)).toBe('1,234,567');
    expect(count(null)).toBe('n/a');
    expect(percent(0.2345)).toBe('23.5%');
    expect(duration(192.4)).toBe('3 min 12 s');
    expect(duration(54.53)).toBe('54.5 s');
    expect(delta(0.032)).toBe('▲ 3.2%');
    expect(delta(-0.01)).toBe('▼ 1.0%');
    expect(delta(null)).toBe('n/a');
  });

  test('formatters in Chinese: 万 from 100,000, 秒 and 分, -- for a missing figure', () => {
    expect(count(1234567, 'zh')).toBe('123.5万');
    expect(count(98765, 'zh')).toBe('98,765');
    expect(count(null, 'zh')).toBe('--');
    expect(percent(0.2345, 'zh')).toBe('23.5%');
    expect(duration(192.4, 'zh')).toBe('3分12秒');
    expect(duration(54.53, 'zh')).toBe('54.5秒');
    expect(duration(119.6, 'zh')).toBe('2分0秒');
    expect(delta(0.032, 'zh')).toBe('▲ 3.2%');
    expect(delta(null, 'zh')).toBe('--');
    expect(signedCount(-250000, 'zh')).toBe('-25万');
    expect(signedCount(1234, 'zh')).toBe('+1,234');
    expect(measure(1234, 'ms', 'zh')).toBe('1,234毫秒');
    expect(measure(123.45, 'MB', 'zh')).toBe('123.5 MB');
  });

  test('a Chinese report from the builder: 万 counts and Chinese words', () => {
    const { req, d } = data('weekly', 'visits');
    const r = { ...buildReport(req, d, { appName: '示例小程序', sandbox: false }), language: 'zh' as const };
    const json = JSON.stringify(renderMessage(r).blocks);
    expect(json).toContain('每周访问 · 2017年3月6日–12日');
    expect(json).toContain('*访问人数*\\n18.7万（▲ 0.5%）');
    expect(json).toContain('*次均停留时长*\\n54.5秒');
    expect(json).toContain('*人均停留时长*\\n3分12秒');
    expect(json).not.toMatch(/Visitors|Sessions|n\/a/);
  });
});

describe('localDateTime', () => {
  test('agrees with dayjs tz() across zones, DST changes and years', () => {
    const zones = ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
    const start = Date.UTC(2016, 0, 1);
    for (let i = 0; i < 3000; i++) {
      const at = new Date(start + i * 3_593_117_000); // steps of ~41.6 days and odd minutes, from 2016 on
      const tz = zones[i % zones.length];
      expect(localDateTime(at, tz)).toBe(dayjs(at).tz(tz).format('YYYY-MM-DD HH:mm'));
    }
  });
});

describe('chart', () => {
  test('a 2x PNG, rendered by one reused renderer with a CJK font', async () => {
    const { req, d } = data('weekly', 'retain');
    const png = await renderChart(buildReport(req, d, { appName: '示例小程序', sandbox: false }));
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(png)).toEqual({ width: 1600, height: 800 });
    expect(chartRenderer()).toBe(chartRenderer());
    expect(cjkFontFamily()).toMatch(/WenQuanYi|Noto Sans CJK|Report CJK/);
  });

  test("encoded with the cheap PNG options (no row filters), not canvas's adaptive defaults", () => {
    const { req, d } = data('weekly', 'retain');
    const png = renderChart(buildReport(req, d, { appName: '示例小程序', sandbox: false }));
    const { width, height } = pngSize(png);
    const idat: Buffer[] = [];
    for (let at = 8; at < png.length; ) {
      const len = png.readUInt32BE(at);
      if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
      at += 12 + len;
    }
    const rows = inflateSync(Buffer.concat(idat));
    const stride = rows.length / height;
    expect(stride).toBeGreaterThanOrEqual(width * 3 + 1);
    const filters = new Set(Array.from({ length: height }, (_, y) => rows[y * stride]));
    expect([...filters]).toEqual([0]);
  });
});

describe('CJK glyphs', () => {
  test('Chinese characters render as distinct glyphs, not identical missing-glyph boxes', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createCanvas } = require('canvas') as typeof import('canvas');
    const family = cjkFontFamily();
    const draw = (ch: string) => {
      const c = createCanvas(64, 64);
      const ctx = c.getContext('2d');
      ctx.fillStyle = 'white';
      ctx.fillRect(0, 0, 64, 64);
      ctx.fillStyle = 'black';
      ctx.font = `48px ${family}`;
      ctx.fillText(ch, 4, 52);
      return c.toBuffer('raw');
    };
    const inked = (b: Buffer) => b.filter((v, i) => i % 4 === 0 && v < 128).length;
    const a = draw('示');
    const b = draw('例');
    expect(inked(a)).toBeGreaterThan(50);
    expect(a.equals(b)).toBe(false);
  });
});

describe('generated-at line', () => {
  test('shown in REPORT_TIMEZONE', () => {
    const { req, d } = data('weekly', 'retain');
    const r = buildReport(req, d, { appName: 'A', sandbox: false });
    const at = new Date('2017-03-13T02:00:00Z');
    expect(JSON.stringify(renderMessage(r, { generatedAt: at, timezone: 'Asia/Shanghai' }).blocks)).toContain(
      'Generated 2017-03-13 10:00 (Asia/Shanghai)',
    );
    expect(JSON.stringify(renderMessage(r, { generatedAt: at, timezone: 'Europe/London' }).blocks)).toContain(
      'Generated 2017-03-13 02:00 (Europe/London)',
    );
  });
});
