import { backOff } from 'exponential-backoff';
import { ProgramUnavailableError, type ProgramDirectory } from '../apps/directory';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Language } from '../i18n';
import { awaitsData, reportTitle } from '../reports/model';
import { QueueClosedError } from '../reports/queue';
import type { ReportService } from '../reports/service';
import type { DeliveredParts, RunPatch, RunRecord, Schedule, Store } from '../store/types';
import { WeChatError } from '../wechat/errors';
import type { Period } from '../calendar/period';
import { formatRange } from '../calendar/labels';
import { reportKind, runKey } from './spec';
import type { RunNotice, ScheduledDelivery } from './types';
import { errorText } from '../util/error-text';

export interface RunnerSettings {
  /** How long a claimed run stays ours without renewal; another instance takes over after it. */
  leaseMs: number;
  /** Data not ready: try again this often ... */
  retryIntervalMs: number;
  /** ... for this long, then post a notice instead. */
  retryWindowMs: number;
  /** Store writes once something reached Slack (Redis restarting, a full disk): tried this often. */
  storeRetry?: { attempts: number; initialDelayMs: number; maxDelayMs: number };
}

export const DEFAULT_RUNNER_SETTINGS: RunnerSettings = { leaseMs: 60_000, retryIntervalMs: 30 * 60_000, retryWindowMs: 6 * 3_600_000 };
const DEFAULT_STORE_RETRY = { attempts: 8, initialDelayMs: 250, maxDelayMs: 4_000 };

export type RunOutcome =
  | { outcome: 'posted' | 'not_ready_notice' | 'failed'; key: string }
  | { outcome: 'waiting_data' | 'retrying'; key: string; retryAt: number }
  | { outcome: 'skipped'; key: string };

/** What starts a schedule's run (the ScheduleRunner, or a job queue that hands the run to a worker). */
export interface RunsSchedules {
  run(s: Schedule, period: Period, opts?: { manual?: boolean; key?: string }): Promise<RunOutcome>;
}

export interface RunnerDeps {
  store: Store;
  programs: ProgramDirectory;
  reports: ReportService;
  /** Where reports and notices go (Slack). */
  delivery: ScheduledDelivery;
  metrics?: Metrics;
  logger: Logger;
  /** Names this instance in run records and locks. */
  owner: string;
  settings: RunnerSettings;
  now?: () => number;
  /** Told of every finished attempt, for metrics and tests. */
  onOutcome?: (o: RunOutcome, s: Schedule) => void;
  /** The channel's language (`/wxa lang`); English without. */
  languageOf?: (channel: string) => Promise<Language>;
}

class NoDataYet extends Error {}
/** The run record says another instance owns the run now: stop before posting anything more. */
class TakenOver extends Error {}

/** How a write to the run record ended. */
type Recorded = 'ok' | 'not_mine' | 'failed';

const complete = (d: DeliveredParts | undefined) => Boolean(d?.ts !== undefined && d.fileIds?.length);
/** After the inline retries, the last record of a delivered run keeps being tried this long in the background. */
const SETTLE_WINDOW_MS = 15 * 60_000;
/** Deliveries remembered while the store is behind; past this the oldest is forgotten (and logged). */
const MAX_UNRECORDED = 1_000;

/**
 * Posts a schedule's report for one period, exactly once however many instances try: the run's
 * idempotency key (schedule id + period) is claimed in the store before anything is fetched, and
 * each part that reaches Slack (summary, chart) is recorded before the next, so a takeover resumes
 * instead of posting again.
 */
export class ScheduleRunner {
  private readonly now: () => number;
  /**
   * What this process delivered but could not yet record in the store: if the store comes back
   * before the run is marked, our own retake (runDue) resumes from here instead of re-posting.
   */
  private readonly unrecorded = new Map<string, DeliveredParts>();
  /** Runs this process is working on: a retake of one of them here (lease lapsed while the store was down) waits its turn. */
  private readonly active = new Set<string>();

  constructor(private readonly d: RunnerDeps) {
    this.now = d.now ?? Date.now;
  }

  private get storeRetry() {
    return this.d.settings.storeRetry ?? DEFAULT_STORE_RETRY;
  }

  /** `key` resumes that run (a takeover); otherwise the schedule's key for the period (or a manual one). */
  async run(s: Schedule, period: Period, opts: { manual?: boolean; key?: string } = {}): Promise<RunOutcome> {
    const key = opts.key ?? (opts.manual ? `${runKey(s.id, period)}:manual:${this.now()}` : runKey(s.id, period));
    const { store, owner, settings } = this.d;
    const log = this.d.logger.child({ schedule: s.id, runKey: key, owner });
    if (this.active.has(key)) {
      log.debug('run already in progress in this process');
      return this.done({ outcome: 'skipped', key }, s);
    }
    this.active.add(key);
    try {
      // A store blip at fire time must not lose the fire: the claim is retried like any store write.
      const claimed = await this.withStoreRetry(
        () => store.claimRun(key, s.id, period.begin, owner, settings.leaseMs, this.now()),
        log,
        'claim',
      );
      if (!claimed) {
        log.debug('run already taken or finished elsewhere');
        return this.done({ outcome: 'skipped', key }, s);
      }
      log.info({ attempt: claimed.attempts, period, resumed: claimed.delivered }, 'scheduled run started');
      // Keep the lease while we work so nobody takes over a slow but live run.
      const renew = setInterval(
        () => {
          void store.updateRun(key, owner, { leaseUntil: this.now() + settings.leaseMs }, this.now()).catch(() => undefined);
        },
        Math.max(200, settings.leaseMs / 3),
      );
      try {
        return this.done(await this.attempt(s, period, claimed, log), s);
      } finally {
        clearInterval(renew);
      }
    } finally {
      this.active.delete(key);
    }
  }

  private withStoreRetry<T>(fn: () => Promise<T>, log: Logger, what: string): Promise<T> {
    const retry = this.storeRetry;
    let attempt = 0;
    return backOff(
      () => {
        attempt++;
        return fn();
      },
      {
        numOfAttempts: retry.attempts,
        startingDelay: retry.initialDelayMs,
        maxDelay: retry.maxDelayMs,
        jitter: 'full',
        retry: (e: unknown) => {
          log.warn({ err: errorText(e), attempt, what }, 'store write failed; retrying');
          return true;
        },
      },
    );
  }

  /**
   * Writes to the run record with bounded retries. Once a part is in Slack a failed write is not a
   * delivery failure: it is retried, then logged, and the run goes on.
   */
  private async record(key: string, patch: RunPatch, log: Logger, what: string): Promise<Recorded> {
    try {
      const mine = await this.withStoreRetry(() => this.d.store.updateRun(key, this.d.owner, patch, this.now()), log, what);
      if (!mine) log.warn({ what }, 'the run was taken over by another instance');
      return mine ? 'ok' : 'not_mine';
    } catch (e) {
      log.error(
        { err: errorText(e), attempts: this.storeRetry.attempts, what },
        'store write failed for good; the report is in Slack but the run record is behind',
      );
      return 'failed';
    }
  }

  private remember(key: string, delivered: DeliveredParts, log: Logger): void {
    this.unrecorded.delete(key);
    this.unrecorded.set(key, delivered);
    if (this.unrecorded.size > MAX_UNRECORDED) {
      const [oldest] = this.unrecorded.keys();
      this.unrecorded.delete(oldest);
      log.error({ forgotten: oldest }, 'too many deliveries waiting for the store: forgot the oldest');
    }
  }

  /**
   * The store stayed down past the inline retries: the run's last record is tried again in the
   * background (capped backoff, bounded time), so it lands as soon as the store is back, before
   * another instance's lease check could take the run over and post it again.
   */
  private settleLater(key: string, patch: RunPatch, log: Logger): void {
    const until = Date.now() + SETTLE_WINDOW_MS;
    let delay = Math.max(1, this.storeRetry.maxDelayMs);
    const attempt = () => {
      this.d.store.updateRun(key, this.d.owner, patch, this.now()).then(
        (mine) => {
          this.unrecorded.delete(key);
          log.info({ mine }, mine ? 'run record caught up with what was delivered' : 'run taken over before its record caught up');
        },
        (e: unknown) => {
          if (Date.now() + delay > until) {
            log.error({ err: errorText(e) }, 'gave up recording a delivered run: the store stayed unavailable');
            return;
          }
          delay = Math.min(delay * 2, 30_000);
          setTimeout(attempt, delay).unref();
        },
      );
    };
    setTimeout(attempt, delay).unref();
  }

  /** A store that cannot say the language does not stop the run: it goes out in English. */
  private async languageOf(channel: string): Promise<Language> {
    return (await this.d.languageOf?.(channel).catch(() => undefined)) ?? 'en';
  }

  private async attempt(s: Schedule, period: Period, run: RunRecord, log: Logger): Promise<RunOutcome> {
    const { store, owner, settings } = this.d;
    const key = run.key;
    const title = reportTitle({ kind: reportKind(s.report), period });
    let delivered: DeliveredParts = { ...run.delivered, ...this.unrecorded.get(key) };
    try {
      if (!complete(delivered)) {
        const found = await this.d.programs.resolve(s.app, s.channel);
        if (!found.ok) throw new ProgramUnavailableError(found.problem);
        const onPart = async (part: DeliveredParts) => {
          delivered = { ...delivered, ...part };
          this.remember(key, delivered, log);
          const r = await this.record(key, { delivered }, log, complete(delivered) ? 'chart delivered' : 'summary delivered');
          if (r === 'ok') this.unrecorded.delete(key);
          if (r === 'not_mine') throw new TakenOver();
        };
        await this.d.reports.run(
          found.program,
          { kind: reportKind(s.report), period, notes: [], language: await this.languageOf(s.channel) },
          async (r) => {
            if (awaitsData(r.report)) throw new NoDataYet();
            await this.d.delivery.deliver(s.channel, r, { done: delivered, onPart });
          },
          { logger: log },
        );
      } else {
        log.info({ delivered }, 'already in Slack: only marking the run posted');
      }
    } catch (e) {
      if (e instanceof QueueClosedError) {
        // Shutting down before the run began: its lease lapses and catch-up or another instance takes it.
        log.info('shutdown before the run started; handed back');
        return { outcome: 'skipped', key };
      }
      if (e instanceof TakenOver) {
        log.warn({ delivered }, 'another instance took the run over: stopped here');
        return { outcome: 'skipped', key };
      }
      const retryAt = this.now() + settings.retryIntervalMs;
      const inWindow = retryAt - run.firstAttemptAt <= settings.retryWindowMs;
      const hours = Math.round(settings.retryWindowMs / 360_000) / 10;
      if (delivered.ts !== undefined) return this.partlyDelivered(s, period, run, delivered, e, log, { retryAt, inWindow, hours });
      const notReady = e instanceof NoDataYet || (e instanceof WeChatError && e.kind === 'not_ready');
      if (notReady) {
        if (inWindow) {
          await store.updateRun(
            key,
            owner,
            { state: 'waiting_data', nextAttemptAt: retryAt, detail: 'WeChat data not ready yet', leaseUntil: 0 },
            this.now(),
          );
          log.info({ outcome: 'waiting_data', retryAt }, 'data not ready; will retry');
          return { outcome: 'waiting_data', key, retryAt };
        }
        // The title in the channel's language, like the notice around it.
        const noticeTitle = reportTitle({ kind: reportKind(s.report), period, language: await this.languageOf(s.channel) });
        await this.notice(s, { kind: 'not_ready', scheduleId: s.id, title: noticeTitle, range: formatRange(period), hours }, log);
        await this.record(
          key,
          { state: 'not_ready_notice', detail: 'WeChat data was still not ready; posted a notice', leaseUntil: 0 },
          log,
          'not-ready mark',
        );
        return { outcome: 'not_ready_notice', key };
      }
      const detail = this.d.delivery.failure(e, 'report');
      log.warn({ outcome: 'failed', err: errorText(e) }, 'scheduled run failed');
      await this.notice(s, { kind: 'failed', scheduleId: s.id, range: formatRange(period), error: e, ref: key }, log);
      await this.record(key, { state: 'failed', detail, leaseUntil: 0 }, log, 'failed mark');
      return { outcome: 'failed', key };
    }
    // In Slack: from here on nothing is a delivery failure, whatever the store does.
    const mark: RunPatch = { state: 'posted', detail: `posted ${title}`, leaseUntil: 0, delivered };
    const r = await this.record(key, mark, log, 'posted mark');
    if (r === 'failed') this.settleLater(key, mark, log);
    else this.unrecorded.delete(key);
    log.info({ outcome: 'posted', delivered }, 'scheduled run posted');
    return { outcome: 'posted', key };
  }

  /**
   * The summary is in the channel but the rest failed (the chart upload, or re-producing it on a
   * resume): never "could not be posted". Tried again later, resuming with the chart; past the
   * retry window, or when retrying cannot help (the bot token is refused), the channel is told.
   */
  private async partlyDelivered(
    s: Schedule,
    period: Period,
    run: RunRecord,
    delivered: DeliveredParts,
    e: unknown,
    log: Logger,
    w: { retryAt: number; inWindow: boolean; hours: number },
  ): Promise<RunOutcome> {
    const key = run.key;
    const hopeless = this.d.delivery.hopeless(e);
    if (w.inWindow && !hopeless) {
      const detail = this.d.delivery.failure(e, 'chart');
      await this.record(key, { state: 'retrying', nextAttemptAt: w.retryAt, detail, leaseUntil: 0, delivered }, log, 'retry mark');
      log.warn({ outcome: 'retrying', retryAt: w.retryAt, err: errorText(e) }, 'summary posted, chart failed; will retry the chart');
      return { outcome: 'retrying', key, retryAt: w.retryAt };
    }
    log.warn({ outcome: 'failed', err: errorText(e), delivered }, 'scheduled run: chart never delivered');
    await this.notice(
      s,
      { kind: 'chart_missing', scheduleId: s.id, range: formatRange(period), error: e, ref: key, hours: hopeless ? undefined : w.hours },
      log,
    );
    await this.record(key, { state: 'failed', detail: this.d.delivery.failure(e, 'chart'), leaseUntil: 0 }, log, 'failed mark');
    return { outcome: 'failed', key };
  }

  private async notice(s: Schedule, n: RunNotice, log: Logger): Promise<void> {
    try {
      await this.d.delivery.notice(s.channel, n, await this.languageOf(s.channel));
    } catch (e) {
      log.warn({ err: errorText(e) }, 'could not post the notice either');
    }
  }

  private done(o: RunOutcome, s: Schedule): RunOutcome {
    this.d.metrics?.scheduledRuns.inc({ outcome: o.outcome });
    this.d.onOutcome?.(o, s);
    return o;
  }
}
