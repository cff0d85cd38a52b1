import type { Schedule } from '../store/types';

/** Fires schedules: in-process (croner) with the SQLite store, or on BullMQ with Redis. */
export interface Scheduler {
  readonly mode: 'local' | 'bullmq';
  start(): Promise<void>;
  /** Stops firing; waits up to graceMs for runs in progress, then hands the rest back. */
  stop(graceMs: number): Promise<void>;
  added(s: Schedule): Promise<void>;
  removed(id: string): Promise<void>;
}
