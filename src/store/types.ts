import type { Granularity } from '../calendar/period';

/** What a schedule posts: summary (= retain), retain, visits, or the digest (the default of a new weekly schedule). */
export type ScheduleReport = 'summary' | 'retain' | 'visits' | 'digest';

export interface Schedule {
  id: string;
  report: ScheduleReport;
  granularity: Granularity;
  /** HH:MM in `timezone`. */
  time: string;
  /** ISO weekday 1 (Monday)..7 for weekly schedules; null otherwise. */
  weekday: number | null;
  timezone: string;
  channel: string;
  /** Which mini program (WECHAT_APPS_FILE name); absent = the channel's default at run time. */
  app?: string;
  createdBy: string;
  createdAt: number;
}

/**
 * A scheduled run's life: running -> posted | waiting_data -> ... -> not_ready_notice | failed;
 * retrying: the summary is in the channel but the chart is not, tried again at nextAttemptAt;
 * done: finished without posting (an alert evaluated as normal, muted, or without enough history).
 */
export type RunState = 'running' | 'waiting_data' | 'retrying' | 'posted' | 'not_ready_notice' | 'failed' | 'done';

export interface RunRecord {
  /** Idempotency key: schedule id + period. */
  key: string;
  scheduleId: string;
  periodBegin: string;
  state: RunState;
  owner: string;
  attempts: number;
  /** While running: until when the owner holds it; after that another instance may take over. */
  leaseUntil: number;
  /** While waiting_data or retrying: when to try again. */
  nextAttemptAt: number | null;
  firstAttemptAt: number;
  detail: string | null;
  updatedAt: number;
  /**
   * What already reached Slack, recorded after each step so that a takeover (the owner died, or its
   * store writes failed) resumes from there instead of posting the report again.
   */
  delivered?: DeliveredParts;
}

/** The parts of a report that are in the channel: the summary message's ts, the chart's file ids. */
export interface DeliveredParts {
  ts?: string;
  fileIds?: string[];
  /**
   * Recorded just before the message is posted: when, and the tag the message carries (Slack message
   * metadata). A takeover that finds this without a ts looks for the tagged message before posting,
   * so a worker that died between Slack's answer and recording it does not get the message posted twice.
   */
  posting?: { at: number; tag: string };
  /** Recorded once Slack has given the chart its file id, before it is shared: a takeover looks for that file first. */
  uploading?: { at: number; fileId: string };
}

export type RunPatch = Partial<Pick<RunRecord, 'state' | 'leaseUntil' | 'nextAttemptAt' | 'detail' | 'delivered'>>;

/**
 * Everything that must survive a restart or be shared between instances: schedules, the run log,
 * and small expiring values (the access_token, cached datacube results) plus short locks.
 */
export interface Store {
  readonly kind: 'sqlite' | 'redis';
  ping(): Promise<void>;
  close(): Promise<void>;

  saveSchedule(s: Schedule): Promise<void>;
  getSchedule(id: string): Promise<Schedule | undefined>;
  listSchedules(): Promise<Schedule[]>;
  deleteSchedule(id: string): Promise<boolean>;

  /** Atomically takes the run for this key if nobody has, or its owner's lease ran out, or its retry is due. */
  claimRun(
    key: string,
    scheduleId: string,
    periodBegin: string,
    owner: string,
    leaseMs: number,
    now: number,
  ): Promise<RunRecord | undefined>;
  /** Updates a run the caller owns; returns false if someone else owns it now. */
  updateRun(key: string, owner: string, patch: RunPatch, now: number): Promise<boolean>;
  getRun(key: string): Promise<RunRecord | undefined>;
  lastRun(scheduleId: string): Promise<RunRecord | undefined>;
  /** Unfinished runs needing attention: retry due, or owner's lease ran out. */
  dueRuns(now: number): Promise<RunRecord[]>;

  /**
   * Small JSON documents by collection and id (alerts), listed oldest first by `createdAt`. The
   * store keeps the text as given: the owner of a collection validates what it reads back.
   */
  putDoc(collection: string, id: string, body: string, createdAt: number): Promise<void>;
  getDoc(collection: string, id: string): Promise<string | undefined>;
  listDocs(collection: string): Promise<string[]>;
  deleteDoc(collection: string, id: string): Promise<boolean>;

  kvGet(key: string): Promise<string | undefined>;
  /** ttlMs undefined = keep forever. */
  kvSet(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Deletes key only if it still holds `expected` (compare-and-drop). */
  kvDeleteIf(key: string, expected: string): Promise<boolean>;

  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  unlock(name: string, owner: string): Promise<void>;
}
