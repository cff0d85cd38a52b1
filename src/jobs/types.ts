import type { Alert, AlertOutcome } from '../alerts/types';
import type { Period } from '../calendar/period';
import type { Report, ReportRequest } from '../reports/model';
import type { RunOutcome } from '../schedule/runner';
import type { RunRecord, Schedule } from '../store/types';

/**
 * A report someone asked for in Slack (a slash command or a button under a report), as the receiver
 * hands it to a worker: plain data only (it crosses threads and Redis), nothing that needs the request.
 */
export interface ReportJob {
  type: 'report';
  /** Idempotency id: what was delivered for it is recorded under it, so a takeover never posts twice. */
  id: string;
  requestId: string;
  /** The mini program's name (resolved by the receiver). */
  program: string;
  request: ReportRequest;
  channel: string;
  user: string;
  /** Post in this thread (a button clicked under a report). */
  threadTs?: string;
  /** Where the asker is told privately (still working, failures); Slack's, from the signed request. */
  responseUrl?: string;
  /** What asked: the command (for metrics), 'button' or 'home'. */
  origin: string;
  /** The audit line's "what": the command and its text (cut to 200 characters), or the button clicked. */
  what: string;
  /** When the receiver got Slack's request (epoch ms): the end-to-end time and "still working" count from it. */
  receivedAt: number;
}

/** A schedule's run for one period (its fire, a catch-up, a retry or takeover, `/wxa schedule run`). */
export interface ScheduleJob {
  type: 'schedule';
  id: string;
  schedule: Schedule;
  period: Period;
  manual?: boolean;
  key?: string;
}

/** An alert's check for one period. */
export interface AlertJob {
  type: 'alert';
  id: string;
  alert: Alert;
  period: Period;
}

/** A removed alert's unfinished check, closed. */
export interface AlertCloseJob {
  type: 'alert_close';
  id: string;
  run: Pick<RunRecord, 'key' | 'scheduleId' | 'periodBegin'>;
}

/** A report's model only, nothing posted (the Home tab's figures). */
export interface ModelJob {
  type: 'model';
  id: string;
  program: string;
  request: ReportRequest;
}

export type Job = ReportJob | ScheduleJob | AlertJob | AlertCloseJob | ModelJob;

/** How a report job ended: posted, told the asker it failed, or already done (a takeover of a finished job). */
export type ReportJobOutcome = 'posted' | 'failed' | 'already_done';

export type JobResult =
  | { type: 'report'; outcome: ReportJobOutcome }
  | { type: 'schedule'; outcome: RunOutcome }
  | { type: 'alert'; outcome: AlertOutcome }
  | { type: 'alert_close' }
  /** `report` absent: it could not be made (`error` says why, for the log). */
  | { type: 'model'; report?: Report; error?: string }
  /** The handler threw (a store outage under a scheduled run, a malformed job): said, not a thread's death. */
  | { type: 'failed'; error: string };

/** Runs one job where the work happens (a worker thread, a worker process, or inline). Never rejects for the job's own failures. */
export type JobHandler = (job: Job) => Promise<JobResult>;

/** What the queue looks like: jobs waiting for a worker, running, and the workers taking them. */
export interface QueueCounts {
  waiting: number;
  running: number;
  workers: number;
}

/**
 * Where receivers hand jobs to workers. Embedded: worker threads in this process (or inline, for
 * tests); shared: a BullMQ queue on Redis that worker processes take from.
 */
export interface JobQueue {
  readonly mode: 'inline' | 'threads' | 'bullmq';
  /** Hands the job over and waits for its result (a manual run whose outcome is told to its author). */
  run(job: Job): Promise<JobResult>;
  /**
   * Hands the job over. Resolves when it has run here, or once it is safely queued for another process;
   * rejects only if it could not be handed over (then nothing of it happened).
   */
  submit(job: Job): Promise<void>;
  counts(): Promise<QueueCounts>;
  /** Stops taking jobs; waits up to `ms` for running ones, then hands the rest back (shared) or drops them (embedded). */
  close(ms: number): Promise<void>;
}

/**
 * Thrown when a job could not be handed to a worker or did not come back: `closed` (the bot is
 * stopping), `busy` (too many jobs waiting), `unreachable` (Redis did not confirm it: it may still
 * run), `crashed` (its job thread died twice running it), `failed` (the worker's handler threw).
 */
export class JobQueueError extends Error {
  override readonly name = 'JobQueueError';
  constructor(
    readonly reason: 'closed' | 'busy' | 'unreachable' | 'crashed' | 'failed',
    message: string,
  ) {
    super(message);
  }
}
