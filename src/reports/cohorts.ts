import { addDays, isComplete, nextPeriod, periodsEnding, type Granularity, type Period } from '../calendar/period';
import type { WeChatClient } from '../wechat/client';
import type { RetainResult } from '../wechat/types';
import type { ReportMeta } from './build';
import { fanOut } from './fan-out';
import type { CohortRow, CohortsReport, ReportRequest } from './model';
import type { Parts } from './parts';

/** The classic heatmap: 8 weekly cohorts over weeks +1..+4, or 14 daily cohorts over days +1..+7. */
export const COHORT_SHAPE: Record<'daily' | 'weekly', { cohorts: number; offsets: number[] }> = {
  weekly: { cohorts: 8, offsets: [1, 2, 3, 4] },
  daily: { cohorts: 14, offsets: [1, 2, 3, 4, 5, 6, 7] },
};

function shapeOf(g: Granularity): { cohorts: number; offsets: number[] } {
  return g === 'daily' ? COHORT_SHAPE.daily : COHORT_SHAPE.weekly;
}

export interface CohortsData {
  periods: Period[];
  /** Aligned with `periods`; null where the call failed. */
  retain: (RetainResult | null)[];
}

/** The offset-th period after p (a day after a day, a week after a week). */
function after(p: Period, offset: number): Period {
  if (p.granularity === 'daily') return { ...p, begin: addDays(p.begin, offset), end: addDays(p.end, offset) };
  let q = p;
  for (let i = 0; i < offset; i++) q = nextPeriod(q);
  return q;
}

export async function fetchCohorts(client: WeChatClient, req: ReportRequest, parts: Parts): Promise<CohortsData> {
  const periods = periodsEnding(req.period, shapeOf(req.period.granularity).cohorts);
  const limit = fanOut();
  const retain = await Promise.all(
    periods.map((p) =>
      parts.get(
        'cohorts',
        limit(() => client.getRetain(p)),
      ),
    ),
  );
  parts.assertAny();
  return { periods, retain };
}

/**
 * One row per cohort: its size (new users, offset 0) and the share back after each offset.
 * A cell whose period has not ended yet is null, whatever WeChat sent (it can send 0 for the future).
 */
export function buildCohorts(req: ReportRequest, data: CohortsData, meta: ReportMeta & { now: Date }, parts: Parts): CohortsReport {
  const { offsets } = shapeOf(req.period.granularity);
  const cohorts = data.periods.map((period, i): CohortRow => {
    const series = data.retain[i]?.visitUvNew;
    const size = series?.get(0) ?? null;
    return {
      period,
      size,
      shares: offsets.map((k) => {
        const count = series?.get(k);
        if (count === undefined || size === null || size === 0 || !isComplete(after(period, k), meta.now)) return null;
        return count / size;
      }),
    };
  });
  const empty = cohorts.every((c) => c.size === null);
  // One note for the failed cohorts, not one per call.
  const missing = parts.notes.find((n) => n.kind === 'part_missing');
  return {
    kind: 'cohorts',
    period: req.period,
    appName: meta.appName,
    sandbox: meta.sandbox,
    empty,
    notes: [...req.notes, ...(missing ? [missing] : []), ...(empty ? [{ kind: 'no_data' as const, period: req.period }] : [])],
    offsets,
    cohorts,
  };
}
