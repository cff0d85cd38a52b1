import { periodContaining, type Period } from '../calendar/period';
import { hasData, hash01, type Scale, visitRow } from './data';
import { shuffled, split, wobble } from './mix';

// One day's visit distribution and pages, derived from that day's visit trend so the figures agree:
// sources, stay-time and depth buckets each add up to the day's sessions, pages to at most its views.

interface Item {
  key: number;
  value: number;
}

export interface DistributionBody {
  ref_date: string;
  list: { index: string; item_list: Item[] }[];
}

interface Source {
  key: number;
  weight: number;
  /** Share of days the source shows up at all (the long tail comes and goes). */
  presence?: number;
  /** Swings from week to week (campaigns, a viral share), so week-over-week movers exist. */
  volatile?: boolean;
}

/** Documented keys 1-57; the big four are history list, search, chat and the home screen. */
const SOURCES: readonly Source[] = [
  { key: 1, weight: 0.36 },
  { key: 2, weight: 0.11 },
  { key: 3, weight: 0.14, volatile: true },
  { key: 7, weight: 0.1 },
  { key: 4, weight: 0.04, volatile: true },
  { key: 6, weight: 0.03 },
  { key: 5, weight: 0.015 },
  { key: 8, weight: 0.012 },
  { key: 10, weight: 0.008 },
  { key: 29, weight: 0.03, presence: 0.9 },
  { key: 33, weight: 0.025, presence: 0.5, volatile: true },
  { key: 35, weight: 0.02, presence: 0.8 },
  { key: 18, weight: 0.02, presence: 0.6, volatile: true },
  { key: 46, weight: 0.015, presence: 0.5, volatile: true },
  { key: 16, weight: 0.012, presence: 0.6 },
  { key: 11, weight: 0.01, presence: 0.5 },
  { key: 22, weight: 0.01, presence: 0.6 },
  { key: 48, weight: 0.01, presence: 0.4, volatile: true },
  { key: 23, weight: 0.008, presence: 0.4 },
  { key: 13, weight: 0.006, presence: 0.4 },
  { key: 27, weight: 0.004, presence: 0.3 },
  { key: 39, weight: 0.003, presence: 0.3 },
];

/** Keys newer than the docs' table: real answers carry them now and then, and a report must keep them. */
const UNDOCUMENTED_KEYS = [58, 63];

/** Shares of sessions by stay-time bucket 1-8 and depth bucket 1-7 (after the docs' example). */
const STAY_WEIGHTS = [0.03, 0.08, 0.14, 0.21, 0.14, 0.15, 0.14, 0.11];
const DEPTH_WEIGHTS = [0.3, 0.36, 0.18, 0.07, 0.04, 0.04, 0.01];

function sourceWeight(s: Source, d: string): number {
  const daily = wobble(`src${s.key}${d}`, 0.15);
  if (!s.volatile) return s.weight * daily;
  // A weekly swing between about a third and three times the usual share.
  const week = periodContaining('weekly', d).begin;
  return s.weight * daily * (0.35 + 2.6 * hash01(`wk${s.key}${week}`) ** 2);
}

/** The sources present on day d with their weights, plus now and then an undocumented key. */
function sourcesOf(d: string): { key: number; weight: number }[] {
  const present = SOURCES.filter((s) => hash01(`has${s.key}${d}`) < (s.presence ?? 1)).map((s) => ({
    key: s.key,
    weight: sourceWeight(s, d),
  }));
  if (hash01(`odd${d}`) < 0.2) present.push({ key: UNDOCUMENTED_KEYS[hash01(`oddk${d}`) < 0.5 ? 0 : 1], weight: 0.004 });
  return present;
}

/** `total` split over keys 1..n by `weights` (each wobbling by day), keys with nothing left out. */
function buckets(total: number, weights: readonly number[], seed: string): Item[] {
  const values = split(
    total,
    weights.map((w, i) => w * wobble(`${seed}${i}`, 0.15)),
  );
  return values.map((value, i) => ({ key: i + 1, value })).filter((e) => e.value > 0);
}

const unsorted = (items: Item[], seed: string): Item[] => shuffled(items, (e) => `${seed}${e.key}`);

/** getweanalysisappidvisitdistribution for one day. */
export function distributionBody(p: Period, scale: Scale = 1): DistributionBody {
  const d = p.begin;
  if (!hasData(p)) return { ref_date: d, list: [] };
  const sessions = visitRow(p, scale).session_cnt;
  const sources = sourcesOf(d);
  const counts = split(
    sessions,
    sources.map((s) => s.weight),
  );
  const bySource = sources.map((s, i) => ({ key: s.key, value: counts[i] })).filter((e) => e.value > 0);
  // Visitors per source: fewer than its sessions, as people open it more than once a day.
  const visitors = bySource.map((e) => ({
    key: e.key,
    value: Math.max(1, Math.round(e.value * (0.45 + 0.25 * hash01(`suv${e.key}${d}`)))),
  }));
  const list: DistributionBody['list'] = [{ index: 'access_source_session_cnt', item_list: unsorted(bySource, `o1${d}`) }];
  // Live answers carry this index most days, not all.
  if (hash01(`nouv${d}`) >= 0.25) list.push({ index: 'access_source_visit_uv', item_list: unsorted(visitors, `o2${d}`) });
  list.push({ index: 'access_staytime_info', item_list: unsorted(buckets(sessions, STAY_WEIGHTS, `st${d}`), `o3${d}`) });
  list.push({ index: 'access_depth_info', item_list: unsorted(buckets(sessions, DEPTH_WEIGHTS, `dp${d}`), `o4${d}`) });
  return { ref_date: d, list };
}

export interface PageRow {
  page_path: string;
  page_visit_pv: number;
  page_visit_uv: number;
  page_staytime_pv: number;
  entrypage_pv: number;
  exitpage_pv: number;
  page_share_pv: number;
  page_share_uv: number;
}

export interface PageBody {
  ref_date: string;
  list: Partial<PageRow>[];
}

interface PageSpec {
  path: string;
  /** Share of the day's page views. */
  weight: number;
  /** Typical seconds per view. */
  stay: number;
  /** Share of sessions that start here. */
  entry?: number;
  /** Share of its views that end the session (0.6 and more: a dead end). */
  exit?: number;
  share?: number;
  presence?: number;
}

/** Text a user never typed but a report must escape: Slack mrkdwn, a mention, markup, a long query. */
export const LONG_PAGE_PATH =
  'packageB/pages/activity/landing/index?id=9f86d081884c7d659a2feaa0c55ad015&from=<script>alert(1)</script>' +
  '&utm_source=wechat_moments&utm_medium=cpc&utm_campaign=spring_sale_2017_red_packet_rain&scene=1089&ref=share_card';
export const ODD_PAGE_PATH = 'pages/promo/*bold*_~sale~_<!channel>&`code`|<@U024BE7LH>';

const PAGES: readonly PageSpec[] = [
  { path: 'pages/index/index', weight: 0.22, stay: 9, entry: 0.55, exit: 0.18, share: 0.004 },
  { path: 'pages/goods/detail', weight: 0.14, stay: 38, entry: 0.12, exit: 0.3, share: 0.012 },
  { path: 'pages/goods/list', weight: 0.09, stay: 22, entry: 0.03 },
  { path: 'pages/search/index', weight: 0.06, stay: 7, exit: 0.12 },
  { path: 'pages/search/result', weight: 0.05, stay: 14 },
  { path: 'pages/category/index', weight: 0.05, stay: 12, entry: 0.02 },
  { path: 'pages/cart/index', weight: 0.045, stay: 25 },
  { path: 'pages/user/index', weight: 0.04, stay: 8, entry: 0.03 },
  { path: 'pages/order/confirm', weight: 0.025, stay: 31 },
  { path: 'pages/pay/result', weight: 0.015, stay: 6, exit: 0.82 },
  { path: 'packageA/pages/order/list', weight: 0.02, stay: 16, entry: 0.02 },
  { path: 'packageA/pages/order/detail', weight: 0.018, stay: 19, entry: 0.03, exit: 0.64 },
  { path: 'packageA/pages/address/list', weight: 0.01, stay: 11 },
  { path: 'packageA/pages/address/edit', weight: 0.006, stay: 35, presence: 0.8 },
  { path: 'packageA/pages/coupon/list', weight: 0.012, stay: 10, entry: 0.01 },
  { path: 'packageA/pages/coupon/center', weight: 0.01, stay: 13, entry: 0.01 },
  { path: 'packageB/pages/activity/seckill', weight: 0.02, stay: 41, entry: 0.04, share: 0.02 },
  { path: 'packageB/pages/activity/group-buy', weight: 0.015, stay: 29, entry: 0.03, share: 0.03 },
  { path: 'packageB/pages/live/room', weight: 0.012, stay: 95, entry: 0.02, exit: 0.7 },
  { path: 'pages/webview/index', weight: 0.008, stay: 48, exit: 0.75 },
  { path: 'pages/login/index', weight: 0.012, stay: 15 },
  { path: 'pages/share/poster', weight: 0.006, stay: 9, share: 0.2 },
  { path: 'pages/help/faq', weight: 0.004, stay: 27, exit: 0.68 },
  { path: 'pages/help/contact', weight: 0.003, stay: 18, presence: 0.6 },
  { path: 'pages/store/list', weight: 0.007, stay: 14 },
  { path: 'pages/store/detail', weight: 0.006, stay: 21, presence: 0.8 },
  { path: 'pages/brand/index', weight: 0.005, stay: 12, presence: 0.8 },
  { path: 'pages/member/card', weight: 0.006, stay: 7 },
  { path: 'pages/member/points', weight: 0.004, stay: 10, presence: 0.85 },
  { path: 'pages/logistics/track', weight: 0.005, stay: 17, entry: 0.01, exit: 0.66 },
  { path: 'pages/review/list', weight: 0.006, stay: 23 },
  { path: 'pages/review/write', weight: 0.002, stay: 64, presence: 0.7 },
  { path: LONG_PAGE_PATH, weight: 0.002, stay: 33, entry: 0.005, exit: 0.4 },
  { path: ODD_PAGE_PATH, weight: 0.003, stay: 11, entry: 0.004, share: 0.05 },
];

/** WeChat returns only the top 200 pages by views. */
const TOP_PAGES = 200;

/** Fields that go missing from a row now and then in live answers. */
const FLAKY_FIELDS: readonly (keyof PageRow)[] = ['page_staytime_pv', 'page_share_uv', 'entrypage_pv', 'exitpage_pv'];

function pageRow(s: PageSpec, d: string, pv: number, entries: number): Partial<PageRow> {
  const h = (tag: string) => hash01(`${tag}${s.path}${d}`);
  const sharePv = Math.round(pv * (s.share ?? 0.002) * wobble(`sh${s.path}${d}`, 0.3));
  const row: Partial<PageRow> = {
    page_path: s.path,
    page_visit_pv: pv,
    page_visit_uv: Math.max(1, Math.round(pv / (1.3 + 1.2 * h('uv')))),
    page_staytime_pv: Math.round(s.stay * wobble(`stay${s.path}${d}`, 0.15) * 1e6) / 1e6,
    entrypage_pv: Math.min(entries, Math.round(pv * 0.95)),
    exitpage_pv: Math.min(pv, Math.round(pv * (s.exit ?? 0.2 + 0.15 * h('ex')) * wobble(`ex${s.path}${d}`, 0.06))),
    page_share_pv: sharePv,
    page_share_uv: Math.round(sharePv * (0.6 + 0.3 * h('su'))),
  };
  if (h('gap') < 0.06) delete row[FLAKY_FIELDS[Math.floor(h('gapf') * FLAKY_FIELDS.length)]];
  return row;
}

/** getweanalysisappidvisitpage for one day: the pages by views, most viewed first. */
export function pageBody(p: Period, scale: Scale = 1): PageBody {
  const d = p.begin;
  if (!hasData(p)) return { ref_date: d, list: [] };
  const trend = visitRow(p, scale);
  const pages = PAGES.filter((s) => hash01(`pg${s.path}${d}`) < (s.presence ?? 1));
  // Not every view is attributed to a page in the top list.
  const views = split(
    Math.round(trend.visit_pv * (0.9 + 0.07 * hash01(`pvs${d}`))),
    pages.map((s) => s.weight * wobble(`pw${s.path}${d}`, 0.12)),
  );
  const entries = split(
    Math.round(trend.session_cnt * 0.97),
    pages.map((s) => s.entry ?? s.weight * 0.05),
  );
  const rows = pages.map((s, i) => pageRow(s, d, views[i], entries[i])).filter((r) => (r.page_visit_pv ?? 0) > 0);
  rows.sort((a, b) => (b.page_visit_pv ?? 0) - (a.page_visit_pv ?? 0) || String(a.page_path).localeCompare(String(b.page_path)));
  return { ref_date: d, list: rows.slice(0, TOP_PAGES) };
}
