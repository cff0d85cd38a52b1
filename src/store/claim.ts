import type { RunRecord } from './types';

/**
 * The one rule for taking a scheduled run, shared by every store: a new key is taken; a finished
 * run never again; a running one only when its owner's lease has run out (the owner died); a run
 * waiting for data once its retry is due.
 */
export function claimDecision(
  existing: RunRecord | undefined,
  key: string,
  scheduleId: string,
  periodBegin: string,
  owner: string,
  leaseMs: number,
  now: number,
): RunRecord | undefined {
  if (!existing) {
    return {
      key,
      scheduleId,
      periodBegin,
      state: 'running',
      owner,
      attempts: 1,
      leaseUntil: now + leaseMs,
      nextAttemptAt: null,
      firstAttemptAt: now,
      detail: null,
      updatedAt: now,
    };
  }
  const takeable =
    (existing.state === 'running' && existing.leaseUntil <= now) ||
    ((existing.state === 'waiting_data' || existing.state === 'retrying') && (existing.nextAttemptAt ?? 0) <= now);
  if (!takeable) return undefined;
  return {
    ...existing,
    state: 'running',
    owner,
    attempts: existing.attempts + 1,
    leaseUntil: now + leaseMs,
    nextAttemptAt: null,
    updatedAt: now,
  };
}

/** When an unfinished run needs attention: its retry time, or the end of its owner's lease. */
export function dueAt(r: RunRecord): number | null {
  if (r.state === 'waiting_data' || r.state === 'retrying') return r.nextAttemptAt;
  if (r.state === 'running') return r.leaseUntil;
  return null;
}
