import type { WeChatClient } from '../wechat/client';
import type { VisitPageItem } from '../wechat/types';
import { change, type ReportMeta } from './build';
import type { PageRow, PagesReport, ReportRequest } from './model';

/** A page is exit-heavy when at least this share of its views end the visit... */
export const EXIT_HEAVY_SHARE = 0.5;
/** ...and it has at least this share of all page views (a page seen 3 times says nothing). */
export const EXIT_HEAVY_MIN_VIEWS_SHARE = 0.01;
/** Pages kept in the model: WeChat sends at most 200; nobody reads past the top. */
export const PAGES_KEPT = 50;

const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);

/**
 * Pages summed by path over the given days (one day for /wxa pages, a week's days for the
 * digest), most page views first. Stay time is weighted by page views.
 */
export function pageRows(days: VisitPageItem[][], previous: VisitPageItem[][] | null, totalViews?: number): PageRow[] {
  const sum = (lists: VisitPageItem[][]) => {
    // Stay time is averaged over the views that have one: a day without it does not count as 0 s.
    const m = new Map<string, VisitPageItem & { stayWeight: number; stayViews: number }>();
    for (const p of lists.flat()) {
      const a = m.get(p.pagePath);
      const add = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : x + y);
      const timed = p.pageStaytimePv !== null && p.pageVisitPv !== null;
      const stayWeight = timed ? (p.pageStaytimePv ?? 0) * (p.pageVisitPv ?? 0) : 0;
      const stayViews = timed ? (p.pageVisitPv ?? 0) : 0;
      if (!a) m.set(p.pagePath, { ...p, stayWeight, stayViews });
      else
        m.set(p.pagePath, {
          pagePath: p.pagePath,
          pageVisitPv: add(a.pageVisitPv, p.pageVisitPv),
          pageVisitUv: add(a.pageVisitUv, p.pageVisitUv),
          pageStaytimePv: null,
          entrypagePv: add(a.entrypagePv, p.entrypagePv),
          exitpagePv: add(a.exitpagePv, p.exitpagePv),
          pageSharePv: add(a.pageSharePv, p.pageSharePv),
          pageShareUv: add(a.pageShareUv, p.pageShareUv),
          stayWeight: a.stayWeight + stayWeight,
          stayViews: a.stayViews + stayViews,
        });
    }
    return m;
  };
  const now = sum(days);
  const before = previous ? sum(previous) : null;
  const total = totalViews ?? [...now.values()].reduce((a, p) => a + (p.pageVisitPv ?? 0), 0);
  const rows = [...now.values()].map((p): PageRow => {
    const stay = ratio(p.stayWeight, p.stayViews);
    const exitShare = ratio(p.exitpagePv, p.pageVisitPv);
    return {
      path: p.pagePath,
      pageViews: p.pageVisitPv,
      visitors: p.pageVisitUv,
      stayTime: stay,
      entries: p.entrypagePv,
      exits: p.exitpagePv,
      entryShare: ratio(p.entrypagePv, p.pageVisitPv),
      exitShare,
      shares: p.pageSharePv,
      shareUsers: p.pageShareUv,
      change: before ? change(p.pageVisitPv, before.get(p.pagePath)?.pageVisitPv ?? null) : null,
      exitHeavy: exitShare !== null && exitShare >= EXIT_HEAVY_SHARE && (p.pageVisitPv ?? 0) >= total * EXIT_HEAVY_MIN_VIEWS_SHARE,
    };
  });
  return rows.sort((a, b) => (b.pageViews ?? 0) - (a.pageViews ?? 0) || (a.path < b.path ? -1 : 1));
}

export async function fetchPages(client: WeChatClient, req: ReportRequest): Promise<VisitPageItem[]> {
  return (await client.getVisitPages(req.period.begin)).list;
}

export function buildPages(req: ReportRequest, list: VisitPageItem[], meta: ReportMeta): PagesReport {
  const total = list.reduce((a, p) => a + (p.pageVisitPv ?? 0), 0);
  const empty = list.length === 0;
  return {
    kind: 'pages',
    period: req.period,
    appName: meta.appName,
    sandbox: meta.sandbox,
    empty,
    notes: [...req.notes, ...(empty ? [{ kind: 'no_data' as const, period: req.period }] : [])],
    pages: pageRows([list], null, total).slice(0, PAGES_KEPT),
    pageCount: new Set(list.map((p) => p.pagePath)).size,
    totalPageViews: empty ? null : total,
  };
}
