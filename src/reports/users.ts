import { addDays } from '../calendar/period';
import type { WeChatClient } from '../wechat/client';
import type { PortraitEntry, PortraitGroup, UserPortraitResult } from '../wechat/types';
import type { ReportMeta } from './build';
import {
  PORTRAIT_DIMENSIONS,
  type Portrait,
  type PortraitDimension,
  type PortraitSlice,
  type ReportRequest,
  type Span,
  type UsersReport,
} from './model';

const SOURCE_FIELD: Record<PortraitDimension, keyof PortraitGroup> = {
  genders: 'genders',
  platforms: 'platforms',
  ages: 'ages',
  provinces: 'province',
  cities: 'city',
  devices: 'devices',
};

/** Slices kept per dimension: provinces and devices have long tails nobody reads. */
export const SLICES_KEPT = 20;

/**
 * Shares are of all users (`total`), not of the entries listed: WeChat lists only the top
 * provinces, cities and devices, so their entries do not add up to everyone.
 */
function slices(entries: PortraitEntry[], byId: boolean, total: number): PortraitSlice[] {
  const sorted = [...entries].sort((a, b) => (byId ? (a.id ?? 999) - (b.id ?? 999) : b.value - a.value) || (a.name < b.name ? -1 : 1));
  return sorted.slice(0, SLICES_KEPT).map((e) => ({ id: e.id, name: e.name, value: e.value, share: total > 0 ? e.value / total : null }));
}

/**
 * One group (new or active users) as slices per dimension: largest first, ages in band order.
 * The total is the larger of the gender and platform sums (every user has both, but WeChat may
 * leave one out).
 */
export function portrait(g: PortraitGroup): Portrait {
  const sum = (l: PortraitEntry[]) => l.reduce((a, e) => a + e.value, 0);
  const total = Math.max(sum(g.genders), sum(g.platforms), sum(g.ages));
  const out = {} as Record<PortraitDimension, PortraitSlice[]>;
  const counts = {} as Record<PortraitDimension, number>;
  for (const d of PORTRAIT_DIMENSIONS) {
    const entries = g[SOURCE_FIELD[d]];
    out[d] = slices(entries, d === 'ages', Math.max(total, sum(entries)));
    counts[d] = entries.length;
  }
  return { ...out, total: total > 0 ? total : null, counts };
}

export function fetchUsers(client: WeChatClient, req: ReportRequest): Promise<UserPortraitResult> {
  return client.getUserPortrait(req.period.end, req.span ?? 7);
}

export function buildUsers(req: ReportRequest, data: UserPortraitResult, meta: ReportMeta): UsersReport {
  const span: Span = req.span ?? 7;
  const newUsers = portrait(data.visitUvNew);
  const activeUsers = portrait(data.visitUv);
  const empty = newUsers.total === null && activeUsers.total === null && activeUsers.provinces.length === 0;
  return {
    kind: 'users',
    period: req.period,
    span,
    begin: addDays(req.period.end, 1 - span),
    appName: meta.appName,
    sandbox: meta.sandbox,
    empty,
    notes: [...req.notes, ...(empty ? [{ kind: 'no_data' as const, period: req.period }] : [])],
    newUsers,
    activeUsers,
  };
}
