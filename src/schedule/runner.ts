import type { WebClient } from '@slack/web-api';
import { JobsClosedError } from '../jobs';
import type { Logger } from '../log';
import { produceReport, runReportJob } from '../pipeline';
import type { AppDirectory } from '../apps/directory';
import type { Metrics } from '../metrics';
import { reportTitle } from '../render/blocks';
import { deliverReport } from '../slack/deliver';
import { DeliveryError, userMessage } from '../slack/errors';
import type { RunRecord, Schedule, Store } from '../store/types';
import { WeChatError } from '../wechat/errors';
import { formatRange, type Period } from '../wechat/period';
import { reportKind, runKey } from './spec';

export interface RunnerSettings {
  /** How long a claimed run stays ours without renewal; another instance takes over after it. */
  leaseMs: number;
  /** Data not ready: try again this often ... */
  retryIntervalMs: number;
  /** ... for this long, then post a notice instead. */
  retryWindowMs: number;
}

export const DEFAULT_RUNNER_SETTINGS: RunnerSettings = { leaseMs: 60_000, retryIntervalMs: 30 * 60_000, retryWindowMs: 6 * 3_600_000 };

export type RunOutcome =
  | { outcome: 'posted' | 'not_ready_notice' | 'failed'; key: string }
  | { outcome: 'waiting_data'; key: string; retryAt: number }
  | { outcome: 'skipped'; key: string };

export interface RunnerDeps {
  store: Store;
  apps: AppDirectory;
  metrics?: Metrics;
  slack: WebClient;
  logger: Logger;
  /** Names this instance in run records and locks. */
  owner: string;
  settings: RunnerSettings;
  now?: () => number;
  /** Told of every finished attempt, for metrics and tests. */
  onOutcome?: (o: RunOutcome, s: Schedule) => void;
}

class NoDataYet extends Error {}

/**
 * Posts a schedule's report for one period, exactly once however many instances try: the run's
 * idempotency key (schedule id + period) is claimed in the store before anything is fetched.
 */
export class ScheduleRunner {
  private readonly now: () => number;

  constructor(private readonly d: RunnerDeps) {
    this.now = d.now ?? Date.now;
  }

  async run(s: Schedule, period: Period, opts: { manual?: boolean } = {}): Promise<RunOutcome> {
    const key = opts.manual ? `${runKey(s.id, period)}:manual:${this.now()}` : runKey(s.id, period);
    const { store, owner, settings } = this.d;
    const claimed = await store.claimRun(key, s.id, period.begin, owner, settings.leaseMs, this.now());
    const log = this.d.logger.child({ schedule: s.id, runKey: key, owner });
    if (!claimed) {
      log.debug('run already taken or finished elsewhere');
      return this.done({ outcome: 'skipped', key }, s);
    }
    log.info({ attempt: claimed.attempts, period }, 'scheduled run started');
    // Keep the lease while we work so nobody takes over a slow but live run.
    const renew = setInterval(() => {
      void store.updateRun(key, owner, { leaseUntil: this.now() + settings.leaseMs }, this.now()).catch(() => undefined);
    }, Math.max(200, settings.leaseMs / 3));
    try {
      return this.done(await this.attempt(s, period, claimed, log), s);
    } finally {
      clearInterval(renew);
    }
  }

  private async attempt(s: Schedule, period: Period, run: RunRecord, log: Logger): Promise<RunOutcome> {
    const { store, owner, settings } = this.d;
    const key = run.key;
    const finish = (state: 'posted' | 'not_ready_notice' | 'failed', detail: string) => store.updateRun(key, owner, { state, detail, leaseUntil: 0 }, this.now());
    try {
      const app = await this.d.apps.resolve(s.app, s.channel);
      if (!app.ok) throw new DeliveryError('app', app.error);
      const ctx = { ...app.app.context, logger: log, metrics: this.d.metrics };
      const rendered = await runReportJob(ctx, async () => {
        const r = await produceReport({ kind: reportKind(s.report), period, notes: [] }, ctx);
        if (r.report.empty) throw new NoDataYet();
        await deliverReport(this.d.slack, s.channel, r, (method, error) => this.d.metrics?.slackErrors.inc({ method, error }));
        return r;
      });
      await finish('posted', `posted ${reportTitle(rendered.report)}`);
      log.info({ outcome: 'posted' }, 'scheduled run posted');
      return { outcome: 'posted', key };
    } catch (e) {
      if (e instanceof JobsClosedError) {
        // Shutting down before the run began: its lease lapses and catch-up or another instance takes it.
        log.info('shutdown before the run started; handed back');
        return { outcome: 'skipped', key };
      }
      const notReady = e instanceof NoDataYet || (e instanceof WeChatError && e.kind === 'not_ready');
      if (notReady) {
        const retryAt = this.now() + settings.retryIntervalMs;
        if (retryAt - run.firstAttemptAt <= settings.retryWindowMs) {
          await store.updateRun(key, owner, { state: 'waiting_data', nextAttemptAt: retryAt, detail: 'WeChat data not ready yet', leaseUntil: 0 }, this.now());
          log.info({ outcome: 'waiting_data', retryAt }, 'data not ready; will retry');
          return { outcome: 'waiting_data', key, retryAt };
        }
        const hours = Math.round(settings.retryWindowMs / 360_000) / 10;
        await this.notice(
          s,
          `:hourglass: The scheduled ${reportTitle({ kind: reportKind(s.report), period }).toLowerCase()} is not available: WeChat still had no data for ${formatRange(period)} after ${hours} hours of retries. Run \`/wxa schedule run ${s.id}\` later to post it.`,
          log,
        );
        await finish('not_ready_notice', 'WeChat data was still not ready; posted a notice');
        return { outcome: 'not_ready_notice', key };
      }
      const detail = userMessage(e, key).replace(/^:warning: /, '');
      log.warn({ outcome: 'failed', err: e instanceof Error ? e.message : String(e) }, 'scheduled run failed');
      await this.notice(s, `:warning: Scheduled report \`${s.id}\` (${formatRange(period)}) could not be posted: ${detail}`, log);
      await finish('failed', detail);
      return { outcome: 'failed', key };
    }
  }

  private async notice(s: Schedule, text: string, log: Logger): Promise<void> {
    try {
      await this.d.slack.chat.postMessage({ channel: s.channel, text });
    } catch (e) {
      log.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not post the notice either');
    }
  }

  private done(o: RunOutcome, s: Schedule): RunOutcome {
    this.d.metrics?.scheduledRuns.inc({ outcome: o.outcome });
    this.d.onOutcome?.(o, s);
    return o;
  }
}
