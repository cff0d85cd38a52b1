import { ProgramDirectory } from './apps/directory';
import { createPrograms } from './apps/factory';
import { AlertEvaluator } from './alerts/evaluator';
import { dataDueAt } from './alerts/clock';
import type { Alert, AlertOutcome } from './alerts/types';
import type { Config } from './config';
import { registerConfigSecrets } from './config/secrets';
import type { Job, JobHandler, JobResult } from './jobs/types';
import type { Logger } from './log';
import { Metrics } from './metrics';
import { createChartRenderer } from './render/pool';
import { DEFAULT_REPORT_CONCURRENCY, ReportQueue } from './reports/queue';
import { ReportService } from './reports/service';
import { type RunOutcome, ScheduleRunner } from './schedule/runner';
import { slackAlertDelivery } from './slack/alerted';
import { createWebClient } from './slack/client';
import { runReportJob } from './slack/report-job';
import { slackScheduledDelivery } from './slack/scheduled';
import { createStore, type Store } from './store';
import { ChannelSettings } from './store/channel-settings';
import type { Schedule } from './store/types';
import { errorText } from './util/error-text';

/** What a worker is built from: plain data, so a worker thread can be given it. */
export interface WorkerInit {
  config: Config;
  /** The environment the mini programs are read from (WECHAT_APPS_FILE's secrets). */
  env: Record<string, string | undefined>;
  /** Names this process in run records and leases. */
  owner: string;
  stillWorkingMs?: number;
}

/** Objects a worker on the main thread shares with the receiver instead of building its own (JOB_THREADS=0). */
export interface WorkerShared {
  store: Store;
  programs: ProgramDirectory;
  metrics: Metrics;
  onRunOutcome?: (o: RunOutcome, s: Schedule) => void;
}

/** Where jobs run: everything a report, a scheduled run or an alert check needs, and the handler that runs each job. */
export interface Worker {
  handle: JobHandler;
  metrics: Metrics;
  reports: ReportService;
  queue: ReportQueue;
  runner: ScheduleRunner;
  evaluator: AlertEvaluator;
  close(): Promise<void>;
}

/**
 * Builds the working side: the store, the mini programs' WeChat clients (tokens shared through the
 * store), the chart render pool, the ReportService and its queue, the Slack Web API client, the
 * schedule runner and the alert evaluator. A job thread builds its own; JOB_THREADS=0 shares the
 * receiver's store, programs and metrics.
 */
export async function buildWorker(init: WorkerInit, logger: Logger, shared?: WorkerShared): Promise<Worker> {
  const { config, owner } = init;
  registerConfigSecrets(config);
  const metrics = shared?.metrics ?? new Metrics();
  // A job thread's own connection; the main thread holds DATA_DIR's claim for the process.
  const store =
    shared?.store ?? createStore({ redisUrl: config.REDIS_URL, redisPrefix: config.REDIS_PREFIX, dataDir: config.DATA_DIR, joining: true });
  const programs =
    shared?.programs ??
    (await (async () => {
      const made = await createPrograms(config, init.env, { logger, shared: { store, owner }, metrics });
      return new ProgramDirectory(made.programs, store, made.defaultName);
    })());
  const charts = createChartRenderer(config.RENDER_THREADS, config.RENDER_CACHE_MB * 1024 * 1024, {
    onRender: (s) => metrics.renderSeconds.observe(s),
    onCacheHit: () => metrics.chartCacheHits.inc(),
  });
  const queue = new ReportQueue(config.REPORT_CONCURRENCY ?? DEFAULT_REPORT_CONCURRENCY, config.REPORT_TIMEOUT_MS);
  const reports = new ReportService({
    charts,
    queue,
    logger,
    onStage: (stage, seconds) => metrics.jobStageSeconds.observe({ stage }, seconds),
  });
  const slack = createWebClient(config, logger);
  const channelSettings = new ChannelSettings(store, config.REPORT_LANGUAGE);
  const languageOf = (channel: string) => channelSettings.language(channel);
  // Scheduled runs and alert checks share the lease and the data-not-ready retries.
  const settings = {
    leaseMs: config.SCHEDULER_LEASE_MS,
    retryIntervalMs: config.SCHEDULE_RETRY_MINUTES * 60_000,
    retryWindowMs: config.SCHEDULE_RETRY_HOURS * 3_600_000,
  };
  const runner = new ScheduleRunner({
    store,
    programs,
    reports,
    delivery: slackScheduledDelivery(slack, { metrics, timezone: config.REPORT_TIMEZONE }),
    metrics,
    languageOf,
    logger: logger.child({ component: 'scheduler' }),
    owner,
    settings,
    onOutcome: shared?.onRunOutcome,
  });
  const alertLog = logger.child({ component: 'alerts' });
  const evaluator = new AlertEvaluator({
    store,
    programs,
    reports,
    delivery: slackAlertDelivery(slack, { metrics }),
    logger: alertLog,
    owner,
    settings,
    anomalyK: config.ALERT_ANOMALY_K,
    dataDue: (p) => dataDueAt(p, config.ALERT_TIME),
    languageOf,
    onOutcome: (o, a) => alertOutcome(o, a, metrics, alertLog),
  });
  const reportDeps = {
    programs,
    reports,
    client: slack,
    store,
    metrics,
    logger,
    timezone: config.REPORT_TIMEZONE,
    stillWorkingMs: init.stillWorkingMs ?? 8_000,
  };

  const handle = async (job: Job): Promise<JobResult> => {
    switch (job.type) {
      case 'report':
        return runReportJob(job, reportDeps);
      case 'schedule':
        return { type: 'schedule', outcome: await runner.run(job.schedule, job.period, { manual: job.manual, key: job.key }) };
      case 'alert':
        return { type: 'alert', outcome: await evaluator.evaluate(job.alert, job.period) };
      case 'alert_close':
        await evaluator.closeRemoved(job.run);
        return { type: 'alert_close' };
      case 'model': {
        const program = programs.get(job.program);
        if (!program) return { type: 'model', error: `mini program ${job.program} is no longer configured` };
        try {
          return { type: 'model', report: await reports.run(program, job.request, async (produced) => produced.report) };
        } catch (e) {
          return { type: 'model', error: errorText(e) };
        }
      }
    }
  };

  let closed: Promise<void> | undefined;
  return {
    handle,
    metrics,
    reports,
    queue,
    runner,
    evaluator,
    close() {
      closed ??= (async () => {
        queue.close();
        await charts.close();
        if (!shared) {
          await programs.close();
          await store.close();
        }
      })();
      return closed;
    },
  };
}

/** Counted, and every firing, recovery and failed check in the audit log, whoever triggered it. */
function alertOutcome(o: AlertOutcome, a: Alert, metrics: Metrics, log: Logger): void {
  // Every minute's sweep meets the checks already done: those are not evaluations.
  if (o.outcome === 'skipped') return;
  metrics.alertEvaluations.inc({ outcome: o.outcome });
  if (o.outcome !== 'ok' && o.outcome !== 'not_enough_history') {
    log.info({ audit: { who: 'alerts', where: a.channel, what: `alert ${a.id} ${o.key}`, outcome: `alert:${o.outcome}` } }, 'audit');
  }
}
