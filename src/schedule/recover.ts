import type { Logger } from '../log';
import type { Store } from '../store/types';
import { periodContaining } from '../calendar/period';
import type { RunsSchedules } from './runner';
import { periodForFire, previousFire, runKey } from './spec';

/**
 * After downtime: each schedule's latest missed fire is posted once (only the latest period, no
 * flood of older ones). Fires from before a schedule existed do not count.
 */
export async function catchUp(store: Store, runner: RunsSchedules, now: Date, log: Logger): Promise<void> {
  for (const s of await store.listSchedules()) {
    const last = previousFire(s, now);
    if (!last || last.getTime() < s.createdAt) continue;
    const period = periodForFire(s, last);
    const run = await store.getRun(runKey(s.id, period));
    if (run && (run.state !== 'running' || run.leaseUntil > now.getTime())) continue;
    log.info({ schedule: s.id, missedFire: last.toISOString(), period }, 'catching up a missed scheduled run');
    await runner.run(s, period);
  }
}

/** Runs whose retry is due, or whose owner died mid-run (lease ran out). */
export async function runDue(store: Store, runner: RunsSchedules, now: Date): Promise<void> {
  for (const r of await store.dueRuns(now.getTime())) {
    const s = await store.getSchedule(r.scheduleId);
    if (!s) continue;
    // The run's own key: a manual run taken over stays that run (and resumes what it delivered).
    await runner.run(s, periodContaining(s.granularity, r.periodBegin), { key: r.key });
  }
}
