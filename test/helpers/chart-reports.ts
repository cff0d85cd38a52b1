// Hand-built reports of every kind, as the charts (English and Chinese) are tested with.
import { addDays, periodContaining, periodsEnding, type Period } from '../../src/calendar/period';
import type {
  CohortsReport,
  DigestReport,
  PagesReport,
  PageRow,
  PerfReport,
  PerfSeries,
  Portrait,
  PortraitSlice,
  SourceRow,
  SourcesReport,
  TrendPoint,
  TrendReport,
  UsersReport,
} from '../../src/reports/model';

export const day = periodContaining('daily', '20170306');
export const week = periodContaining('weekly', '20170306');
export const base = { appName: '示例小程序', sandbox: false, empty: false, notes: [] };

export function trendPoints(p: Period, n: number, scale = 1): TrendPoint[] {
  return periodsEnding(p, n).map((q, i) => ({
    period: q,
    label: `${q.begin.slice(4, 6)}-${q.begin.slice(6, 8)}`,
    visitUv: Math.round((180000 + i * 2100 - (i % 3) * 4000) * scale),
    visitUvNew: Math.round((42000 + i * 900) * scale),
    sessionCnt: Math.round((910000 + i * 12000) * scale),
    visitPv: 3_000_000 + i,
  }));
}

export function visits(): TrendReport {
  return {
    ...base,
    kind: 'visits',
    period: week,
    previous: periodsEnding(week, 2)[0],
    retention: null,
    visits: [],
    trend: trendPoints(week, 8),
    summary: null,
  };
}

export function sourceRow(key: number, value: number | null, previous: number | null): SourceRow {
  return {
    key,
    sessions: { value, previous, change: value !== null && previous ? (value - previous) / previous : null },
    visitors: value === null ? null : Math.round(value * 0.7),
    share: null,
  };
}

export function sources(scale = 1): SourcesReport {
  const rows = [
    [1001, 9000, 9800],
    [3, 41234, 38000],
    [2, 28876, 30120],
    [1, 21000, 19500],
    [4, 15432, 12001],
    [18, 9800, 11200],
    [7, 6400, 6100],
    [46, 5100, 2400],
    [34, 3100, 3300],
    [35, 2200, null],
    [56, 1800, 1700],
    [8, 900, 1000],
  ].map(([k, v, p]) => sourceRow(k as number, Math.round((v as number) * scale), p));
  rows.sort((a, b) => (b.sessions.value ?? 0) - (a.sessions.value ?? 0));
  return {
    ...base,
    kind: 'sources',
    period: day,
    comparedWith: periodContaining('daily', addDays(day.begin, -7)),
    sources: rows,
    totalSessions: rows.reduce((t, r) => t + (r.sessions.value ?? 0), 0),
    movers: rows.slice(0, 3),
    stayTime: [],
    depth: [],
  };
}

export function page(path: string, views: number, exitShare: number, exitHeavy = false): PageRow {
  return {
    path,
    pageViews: views,
    visitors: Math.round(views * 0.6),
    stayTime: 12.5,
    entries: Math.round(views * 0.3),
    exits: Math.round(views * exitShare),
    entryShare: 0.3,
    exitShare,
    shares: 10,
    shareUsers: 8,
    change: null,
    exitHeavy,
  };
}

export function pages(paths?: string[]): PagesReport {
  const names = paths ?? [
    'pages/index/index',
    'pages/goods/detail',
    'pages/cart/cart',
    'pages/order/confirm',
    'pages/user/center',
    'pages/search/result',
    'packageA/pages/activity/spring-festival-2017/landing',
    'pages/coupon/list',
    'pages/order/pay-result',
    'pages/about/about',
    'pages/help/faq',
  ];
  return {
    ...base,
    kind: 'pages',
    period: day,
    pages: names.map((p, i) => page(p, Math.round(52000 / (i + 1)), 0.15 + (i % 4) * 0.12, i === 3 || i === 8)),
    pageCount: names.length,
    totalPageViews: 180000,
  };
}

export const slice = (name: string, value: number, share: number | null = null, id: number | null = null): PortraitSlice => ({
  id,
  name,
  value,
  share,
});

export function portrait(scale: number): Portrait {
  const s = (n: number) => Math.round(n * scale);
  return {
    total: s(120000),
    genders: [slice('男', s(64000), 0.533, 1), slice('女', s(52000), 0.433, 2), slice('未知', s(4000), 0.033, 0)],
    platforms: [slice('iPhone', s(70000)), slice('Android', s(49000)), slice('其他', s(1000))],
    ages: [
      slice('17岁以下', s(5000)),
      slice('18-24岁', s(30000)),
      slice('25-29岁', s(36000)),
      slice('30-39岁', s(31000)),
      slice('40-49岁', s(12000)),
      slice('50岁以上', s(6000)),
    ],
    provinces: [
      '广东省',
      '浙江省',
      '江苏省',
      '北京市',
      '上海市',
      '四川省',
      '山东省',
      '湖北省',
      '河南省',
      '福建省',
      '湖南省',
      '新疆维吾尔自治区',
    ].map((n, i) => slice(n, s(26000 - i * 2000))),
    cities: [slice('深圳', s(9000))],
    devices: [slice('iPhone 7', s(9000))],
    counts: { genders: 3, platforms: 3, ages: 6, provinces: 12, cities: 1, devices: 1 },
  };
}

export const emptyPortrait = (): Portrait => ({
  total: null,
  genders: [],
  platforms: [],
  ages: [],
  provinces: [],
  cities: [],
  devices: [],
  counts: { genders: 0, platforms: 0, ages: 0, provinces: 0, cities: 0, devices: 0 },
});

export function users(scale = 1): UsersReport {
  return {
    ...base,
    kind: 'users',
    period: day,
    span: 7,
    begin: addDays(day.begin, -6),
    newUsers: portrait(scale / 10),
    activeUsers: portrait(scale),
  };
}

export function perfSeries(
  metric: PerfSeries['metric'],
  unit: PerfSeries['unit'],
  days: string[],
  f: (i: number) => number | null,
): PerfSeries {
  return { metric, unit, name: '', points: days.map((date, i) => ({ date, value: f(i) })), average: null, latest: null, change: null };
}

export function perf(gap = true): PerfReport {
  const days = Array.from({ length: 30 }, (_, i) => addDays(day.begin, i - 29));
  return {
    ...base,
    kind: 'perf',
    period: day,
    span: 30,
    begin: days[0],
    series: [
      perfSeries('launch', 'ms', days, (i) => (gap && (i === 12 || i === 13) ? null : 1400 + ((i * 37) % 300))),
      perfSeries('pageSwitch', 'ms', days, (i) => 380 + ((i * 53) % 120)),
      perfSeries('memory', 'MB', days, (i) => (gap && i === 20 ? null : 210 + ((i * 7) % 40))),
      perfSeries('memoryAnomaly', 'count', days, (i) => (i % 9 === 0 ? 2 : 0)),
    ],
  };
}

export function cohorts(n = 8): CohortsReport {
  const periods = periodsEnding(week, n);
  const offsets = [1, 2, 3, 4, 5, 6, 7, 8];
  return {
    ...base,
    kind: 'cohorts',
    period: week,
    offsets,
    cohorts: periods.map((p, i) => ({
      period: p,
      size: 40000 + i * 1500,
      // Newer cohorts have fewer offsets that have ended.
      shares: offsets.map((o) => (o >= n - i ? null : Math.max(0.02, 0.42 / o ** 0.6 - i * 0.005))),
    })),
  };
}

export function digest(): DigestReport {
  const unit = 'count' as const;
  return {
    ...base,
    kind: 'digest',
    period: week,
    previous: periodsEnding(week, 2)[0],
    kpis: [
      { key: 'visitUv', label: 'Visitors', unit, value: 187000, previous: 181000, change: 0.0331 },
      { key: 'visitUvNew', label: 'New users', unit, value: 48300, previous: 49000, change: -0.0143 },
    ],
    retention: null,
    sources: [],
    movers: [],
    pages: [],
    trend: trendPoints(week, 8),
  };
}
