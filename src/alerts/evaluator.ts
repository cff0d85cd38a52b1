import { backOff } from 'exponential-backoff';
import { ProgramUnavailableError, type ProgramDirectory } from '../apps/directory';
import type { Period } from '../calendar/period';
import type { Language } from '../i18n';
import type { Logger } from '../log';
import { type AlertReport, METRIC_UNITS } from '../reports/alert';
import { untilDeadline } from '../reports/queue';
import type { ReportService } from '../reports/service';
import type { MiniProgram } from '../apps/program';
import type { RunnerSettings } from '../schedule/runner';
import type { DeliveredParts, RunPatch, RunRecord, Store } from '../store/types';
import { withTimeout } from '../util/deadline';
import { errorText } from '../util/error-text';
import { WeChatError } from '../wechat/errors';
import { DEFAULT_ANOMALY_K, evaluate } from './detect';
import { fetchSeries } from './series';
import type { Alert, AlertDelivery, AlertOutcome, FiringState } from './types';

/** The run log key of an alert's evaluation for one period: claimed before anything is fetched. */
export function alertRunKey(alertId: string, p: Period): string {
  return `alert:${alertId}:${p.granularity}:${p.begin}`;
}

/** Where the last firing post of an alert is (its thread gets the "back to normal"). */
const firingKey = (alertId: string) => `alert-firing:${alertId}`;

/** WeChat has not published the period yet (an empty answer, or errcode 61503). */
class NoDataYet extends Error {}
/** Another instance owns the run now: stop before posting anything more. */
class TakenOver extends Error {}

const STORE_RETRY = { numOfAttempts: 6, startingDelay: 250, maxDelay: 4_000, jitter: 'full' as const };
/** Deliveries remembered while the store is behind; past this the oldest is forgotten. */
const MAX_UNRECORDED = 1_000;

export interface EvaluatorDeps {
  store: Store;
  programs: ProgramDirectory;
  reports: ReportService;
  delivery: AlertDelivery;
  logger: Logger;
  owner: string;
  /** The schedules' lease and data-not-ready retry settings. */
  settings: RunnerSettings;
  /** The anomaly condition's width (median ± k·MAD). */
  anomalyK?: number;
  /**
   * When WeChat's data for a period is expected (ALERT_TIME the day after it): the retry window
   * counts from then, so a check run earlier (by hand, at midnight) does not use it up before the data is due.
   */
  dataDue?: (p: Period) => number;
  now?: () => number;
  languageOf?: (channel: string) => Promise<Language>;
  onOutcome?: (o: AlertOutcome, a: Alert) => void;
}

/**
 * Evaluates an alert for one period, exactly once however many instances try (the period's key
 * is claimed in the store first, as scheduled runs are), and posts what fired, what recovered,
 * or why it could not be checked. `/wxa alert run` and the daily clock both come here.
 */
export class AlertEvaluator {
  private readonly now: () => number;
  /** Evaluations this process is working on. */
  private readonly active = new Set<string>();
  /** What this process posted but could not record yet (the store failed). */
  private readonly unrecorded = new Map<string, DeliveredParts>();

  constructor(private readonly d: EvaluatorDeps) {
    this.now = d.now ?? Date.now;
  }

  async evaluate(a: Alert, period: Period): Promise<AlertOutcome> {
    const key = alertRunKey(a.id, period);
    const { store, owner, settings } = this.d;
    const log = this.d.logger.child({ alert: a.id, runKey: key, owner });
    // This process is on it already (the due poll met its own evaluation): one at a time.
    if (this.active.has(key)) return this.done({ outcome: 'skipped', key }, a);
    this.active.add(key);
    try {
      const claimed = await backOff(() => store.claimRun(key, a.id, period.begin, owner, settings.leaseMs, this.now()), STORE_RETRY);
      if (!claimed) {
        log.debug('evaluation already taken or finished');
        return this.done({ outcome: 'skipped', key }, a);
      }
      const renew = setInterval(
        () => void store.updateRun(key, owner, { leaseUntil: this.now() + settings.leaseMs }, this.now()).catch(() => undefined),
        Math.max(200, settings.leaseMs / 3),
      );
      try {
        return this.done(await this.attempt(a, period, claimed, log), a);
      } finally {
        clearInterval(renew);
      }
    } finally {
      this.active.delete(key);
    }
  }

  /** An unfinished check whose alert was removed: claimed and closed, so it stops coming back as due. */
  async closeRemoved(run: Pick<RunRecord, 'key' | 'scheduleId' | 'periodBegin'>): Promise<void> {
    const { store, owner, settings } = this.d;
    const claimed = await store.claimRun(run.key, run.scheduleId, run.periodBegin, owner, settings.leaseMs, this.now());
    if (!claimed) return;
    const log = this.d.logger.child({ alert: run.scheduleId, runKey: run.key, owner });
    await this.record(run.key, { state: 'done', detail: JSON.stringify({ outcome: 'removed' }), leaseUntil: 0, nextAttemptAt: null }, log);
    log.info('alert removed: its unfinished check closed');
  }

  private done(o: AlertOutcome, a: Alert): AlertOutcome {
    this.d.onOutcome?.(o, a);
    return o;
  }

  private async languageOf(channel: string): Promise<Language> {
    return (await this.d.languageOf?.(channel).catch(() => undefined)) ?? 'en';
  }

  /** Writes the run record with bounded retries; false when another instance owns the run now. */
  private async record(key: string, patch: RunPatch, log: Logger): Promise<boolean> {
    try {
      const mine = await backOff(() => this.d.store.updateRun(key, this.d.owner, patch, this.now()), STORE_RETRY);
      if (mine) this.unrecorded.delete(key);
      return mine;
    } catch (e) {
      log.error({ err: errorText(e) }, 'could not record the alert evaluation');
      return true;
    }
  }

  /** What this process posted but the store may not hold (it failed): a retake here resumes from it. */
  private remember(key: string, delivered: DeliveredParts): void {
    this.unrecorded.delete(key);
    this.unrecorded.set(key, delivered);
    if (this.unrecorded.size > MAX_UNRECORDED) this.unrecorded.delete(this.unrecorded.keys().next().value ?? '');
  }

  private muted(a: Alert): boolean {
    return a.mutedUntil !== undefined && a.mutedUntil > this.now();
  }

  /** Fetches the series and decides, in a report queue slot, within the queue's deadline. */
  private measure(a: Alert, period: Period, program: MiniProgram, language: Language): Promise<AlertReport> {
    const queue = this.d.reports.queue;
    const k = this.d.anomalyK ?? DEFAULT_ANOMALY_K;
    return queue.run((deadline) => untilDeadline(measureAlert(program, a, period, { language, k }), deadline, queue.deadlineMs));
  }

  private async attempt(a: Alert, period: Period, run: RunRecord, log: Logger): Promise<AlertOutcome> {
    const key = run.key;
    let delivered: DeliveredParts = { ...run.delivered, ...this.unrecorded.get(key) };
    const language = await this.languageOf(a.channel);
    const noticed = readDetail(run.detail).noticed === true;
    try {
      const found = await this.d.programs.resolve(a.app, a.channel);
      if (!found.ok) throw new ProgramUnavailableError(found.problem);
      const program = found.program;
      const report = await this.measure(a, period, program, language);
      const v = report.verdict;
      if (v.state === 'no_value') throw new NoDataYet();
      const finish = async (state: 'done' | 'posted', outcome: AlertOutcome['outcome']) => {
        await this.record(
          key,
          { state, detail: JSON.stringify({ outcome, verdict: v, noticed }), leaseUntil: 0, nextAttemptAt: null },
          log,
        );
      };
      if (v.state === 'not_enough_history') {
        await finish('done', 'not_enough_history');
        log.info({ points: v.points }, 'alert: not enough history to decide');
        return { outcome: 'not_enough_history', key, report };
      }
      const firing = await this.firingState(a.id, log);
      if (v.state === 'ok') {
        // Only a newer period closes a firing: an older one checked late says nothing about now.
        if (!firing || firing.periodBegin >= period.begin) {
          await finish('done', 'ok');
          return { outcome: 'ok', key, report };
        }
        let quiet = this.muted(a);
        if (delivered.ts === undefined && !quiet) {
          try {
            delivered = { ts: await this.d.delivery.recovered(a.channel, firing.ts, report) };
            this.remember(key, delivered);
            if (!(await this.record(key, { delivered }, log))) throw new TakenOver();
          } catch (e) {
            if (e instanceof TakenOver) throw e;
            // The firing post may be gone (deleted, the bot removed): not a reason to tell the channel it could not check.
            log.warn({ err: errorText(e) }, 'the "back to normal" post failed; the alert is closed anyway');
            quiet = true;
          }
        }
        await backOff(() => this.d.store.kvDeleteIf(firingKey(a.id), JSON.stringify(firing)), STORE_RETRY).catch((e: unknown) =>
          log.error({ err: errorText(e) }, 'could not close the firing state'),
        );
        await finish(quiet ? 'done' : 'posted', quiet ? 'recovered_quietly' : 'recovered');
        log.info({ posted: !quiet }, 'alert back to normal');
        return { outcome: quiet ? 'recovered_quietly' : 'recovered', key, report };
      }
      if (this.muted(a)) {
        await finish('done', 'muted');
        log.info({ mutedUntil: a.mutedUntil }, 'alert fired while muted: not posted');
        return { outcome: 'muted', key, report };
      }
      const chart = await withTimeout(this.d.reports.chart(report), this.d.reports.queue.deadlineMs, 'alert chart').catch((e: unknown) => {
        log.error({ err: errorText(e) }, 'alert chart failed: posting the alert without it');
        return undefined;
      });
      try {
        await this.d.delivery.fire(
          a.channel,
          { report, program: program.name, chart, chartFilename: `alert-${a.id}-${period.begin}.png` },
          {
            done: delivered,
            onPart: async (part) => {
              delivered = { ...delivered, ...part };
              this.remember(key, delivered);
              if (!(await this.record(key, { delivered }, log))) throw new TakenOver();
            },
          },
        );
      } catch (e) {
        // The alert itself is in the channel and only its chart failed: it fired, and is not posted again.
        if (delivered.ts === undefined || e instanceof TakenOver) throw e;
        log.warn({ err: errorText(e) }, 'alert posted, its chart failed');
      }
      if (delivered.ts !== undefined) {
        const state: FiringState = { ts: delivered.ts, periodBegin: period.begin };
        await this.d.store.kvSet(firingKey(a.id), JSON.stringify(state)).catch((e: unknown) => {
          log.error({ err: errorText(e) }, 'could not remember the firing post: no "back to normal" will follow it');
        });
      }
      await finish('posted', 'fired');
      log.info({ value: v.value }, 'alert fired: posted');
      return { outcome: 'fired', key, report };
    } catch (e) {
      if (e instanceof TakenOver) {
        log.warn('another instance took the evaluation over: stopped here');
        return { outcome: 'skipped', key };
      }
      return this.failed(a, period, run, { delivered, noticed }, e, log);
    }
  }

  private async firingState(alertId: string, log: Logger): Promise<FiringState | undefined> {
    try {
      const raw = await this.d.store.kvGet(firingKey(alertId));
      if (raw === undefined) return undefined;
      const v = JSON.parse(raw) as Partial<FiringState>;
      return typeof v.ts === 'string' && typeof v.periodBegin === 'string' ? { ts: v.ts, periodBegin: v.periodBegin } : undefined;
    } catch (e) {
      log.warn({ err: errorText(e) }, 'could not read the firing state: treated as not firing');
      return undefined;
    }
  }

  /**
   * Could not check. The channel is told once, at the first failure (or, when WeChat's data is not
   * ready, once the retry window has passed); meanwhile the check is tried again every retry
   * interval within the window, and succeeds quietly if WeChat recovers.
   */
  private async failed(
    a: Alert,
    period: Period,
    run: RunRecord,
    o: { delivered: DeliveredParts; noticed: boolean },
    e: unknown,
    log: Logger,
  ): Promise<AlertOutcome> {
    const { settings } = this.d;
    const key = run.key;
    const notReady = e instanceof NoDataYet || (e instanceof WeChatError && e.kind === 'not_ready');
    const retryAt = this.now() + settings.retryIntervalMs;
    const windowStart = Math.max(run.firstAttemptAt, this.d.dataDue?.(period) ?? 0);
    const inWindow = retryAt - windowStart <= settings.retryWindowMs;
    const hours = Math.round(settings.retryWindowMs / 360_000) / 10;
    const failure = notReady ? undefined : this.d.delivery.failure(e, 'report');
    let noticed = o.noticed;
    if (!noticed && (!notReady || !inWindow) && !this.muted(a)) {
      log.warn({ err: errorText(e), notReady }, 'alert could not be checked: telling the channel');
      try {
        await this.d.delivery.notice(
          a.channel,
          notReady
            ? { kind: 'not_ready', alert: a, period, hours }
            : {
                kind: 'failed',
                alert: a,
                period,
                error: e,
                ref: key,
                retry: inWindow ? { minutes: Math.round(settings.retryIntervalMs / 60_000), hours } : undefined,
              },
          await this.languageOf(a.channel),
        );
        noticed = true;
      } catch (noticeError) {
        log.error({ err: errorText(noticeError) }, 'the "could not check" notice failed too');
      }
    }
    const detail = JSON.stringify({ outcome: 'could_not_check', notReady, failure, noticed });
    if (inWindow) {
      await this.record(
        key,
        { state: notReady ? 'waiting_data' : 'retrying', nextAttemptAt: retryAt, detail, leaseUntil: 0, delivered: o.delivered },
        log,
      );
      log.info({ retryAt, err: errorText(e) }, 'alert: could not check; will try again');
      return { outcome: notReady ? 'waiting_data' : 'retrying', key, retryAt };
    }
    await this.record(key, { state: notReady ? 'not_ready_notice' : 'failed', detail, leaseUntil: 0, nextAttemptAt: null }, log);
    return { outcome: 'could_not_check', key };
  }
}

/** The facts an evaluation keeps in its run record's detail. */
function readDetail(detail: string | null): { noticed?: boolean } {
  try {
    const v: unknown = detail ? JSON.parse(detail) : {};
    return typeof v === 'object' && v !== null ? (v as { noticed?: boolean }) : {};
  } catch {
    return {};
  }
}

/** An alert's report for one period: the metric's series from WeChat and what the detection decides. */
export async function measureAlert(
  program: Pick<MiniProgram, 'client' | 'displayName' | 'sandbox'>,
  a: Pick<Alert, 'id' | 'metric' | 'subject' | 'granularity' | 'condition'>,
  period: Period,
  o: { language: Language; k?: number },
): Promise<AlertReport> {
  const series = await fetchSeries(program.client, a.metric, period, a.subject);
  const verdict = evaluate(a.condition, series, { k: o.k ?? DEFAULT_ANOMALY_K, unit: METRIC_UNITS[a.metric] });
  return {
    kind: 'alert',
    period,
    appName: program.displayName,
    sandbox: program.sandbox,
    empty: verdict.state === 'no_value',
    language: o.language,
    alertId: a.id,
    metric: a.metric,
    subject: a.subject,
    granularity: a.granularity,
    condition: a.condition,
    series,
    verdict,
  };
}
