import type { Schedule } from '../store/types';

/** Fires schedules: in-process (croner) with the SQLite store, or on BullMQ with Redis. */
export interface Scheduler {
  readonly mode: 'local' | 'bullmq';
  start(): Promise<void>;
  /** Stops firing and waits for runs in progress. */
  stop(): Promise<void>;
  added(s: Schedule): Promise<void>;
  removed(id: string): Promise<void>;
}
