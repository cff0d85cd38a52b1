import { ChannelSettings } from './store/channel-settings';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ProgramDirectory } from './apps/directory';
import { createPrograms } from './apps/factory';
import { registerConfigSecrets } from './config/secrets';
import { adminUsers, type Config } from './config';
import { defaultReportConcurrency, ReportQueue } from './reports/queue';
import { ReportService } from './reports/service';
import { slackScheduledDelivery } from './slack/scheduled';
import type { Logger } from './log';
import { Metrics } from './metrics';
import { createChartRenderer } from './render/pool';
import { AlertBook } from './alerts/book';
import { AlertClock, dataDueAt } from './alerts/clock';
import { AlertEvaluator } from './alerts/evaluator';
import { AlertService } from './alerts/service';
import { slackAlertDelivery, slackCanPost } from './slack/alerted';
import { BullScheduler } from './schedule/bull';
import { LocalScheduler } from './schedule/local';
import { ScheduleRunner, type RunOutcome } from './schedule/runner';
import { ScheduleService } from './schedule/service';
import type { Scheduler } from './schedule/types';
import { createBot, type Bot, type BotOptions } from './slack/app';
import { createWebClient } from './slack/client';
import { slackTokenCheck } from './slack/health';
import type { TokenCache } from './wechat/token';
import type { Readiness } from './slack/http';
import { createStore, type Store } from './store';
import type { Schedule } from './store/types';
import { withTimeout } from './util/deadline';
import { errorText } from './util/error-text';

export interface Runtime {
  config: Config;
  store: Store;
  programs: ProgramDirectory;
  reports: ReportService;
  scheduler: Scheduler;
  runner: ScheduleRunner;
  alerts: { book: AlertBook; evaluator: AlertEvaluator; clock: AlertClock; service: AlertService };
  bot: Bot;
  metrics: Metrics;
  /** Reports (fetch, render, deliver) wait here, REPORT_CONCURRENCY at a time. */
  queue: ReportQueue;
  owner: string;
  port: number;
  /** Graceful stop: no new work, running work finished or handed back within the budget, everything released. */
  stop(budgetMs?: number): Promise<void>;
}

export interface RuntimeOptions {
  onRunOutcome?: (o: RunOutcome, s: Schedule) => void;
  env?: NodeJS.ProcessEnv;
  stillWorkingMs?: number;
  /** Socket Mode reconnect backoff, passed to the bot (tests shorten it). */
  socketReconnect?: BotOptions['socketReconnect'];
}

/** SIGTERM budget: Kubernetes and most process managers give 30 s before SIGKILL. */
export const SHUTDOWN_BUDGET_MS = 25_000;

/** How long readiness waits after a failed token fetch before it may trigger another. */
const TOKEN_RETRY_FROM_READYZ_MS = 30_000;

/**
 * A mini program's token as readiness sees it. Anyone may call /readyz, so it reads the cache's
 * state and fetches only when nothing is known yet or the last failure is 30 s old; concurrent
 * checks share that one fetch (the cache's single flight).
 */
async function tokenReadiness(tokens: TokenCache): Promise<string> {
  let h = tokens.health();
  if (h.state === 'ok') return 'ok';
  if (h.state === 'unknown' || h.fetching || Date.now() - h.at >= TOKEN_RETRY_FROM_READYZ_MS) {
    await withTimeout(tokens.get(), 3000, 'access_token').catch(() => undefined);
    h = tokens.health();
  }
  if (h.state === 'ok') return 'ok';
  return h.state === 'failed' ? h.reason : 'no access_token yet: WeChat has not answered the token request';
}

/** Everything `npm start` runs: store, mini programs, scheduler, Slack app, HTTP front. */
export async function startRuntime(config: Config, logger: Logger, opts: RuntimeOptions = {}): Promise<Runtime> {
  registerConfigSecrets(config);
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  // The queue is built below (it needs the render pool's size); /metrics reads it only once running.
  let queueForMetrics: ReportQueue | undefined;
  const metrics = new Metrics({ processMetrics: true, queue: () => queueForMetrics });
  const store = createStore({ redisUrl: config.REDIS_URL, redisPrefix: config.REDIS_PREFIX, dataDir: config.DATA_DIR });
  await store.ping();
  const charts = createChartRenderer(config.RENDER_THREADS, config.RENDER_CACHE_MB * 1024 * 1024, {
    onRender: (s) => metrics.renderSeconds.observe(s),
    onCacheHit: () => metrics.chartCacheHits.inc(),
  });
  const queue = new ReportQueue(config.REPORT_CONCURRENCY ?? defaultReportConcurrency(charts.threads), config.REPORT_TIMEOUT_MS);
  queueForMetrics = queue;
  const reports = new ReportService({ charts, queue, logger });
  const { programs: list, defaultName } = await createPrograms(config, opts.env ?? process.env, {
    logger,
    shared: { store, owner },
    metrics,
  });
  const programs = new ProgramDirectory(list, store, defaultName);
  const schedLog = logger.child({ component: 'scheduler' });
  // One Web API client for work no command waits on: scheduled posts and the readiness token check.
  const slack = createWebClient(config, logger);
  const channelSettings = new ChannelSettings(store, config.REPORT_LANGUAGE);
  // Scheduled runs and alert checks share the lease and the data-not-ready retries.
  const runSettings = {
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
    languageOf: (channel) => channelSettings.language(channel),
    logger: schedLog,
    owner,
    settings: runSettings,
    onOutcome: opts.onRunOutcome,
  });
  const scheduler: Scheduler = config.REDIS_URL
    ? new BullScheduler({
        redisUrl: config.REDIS_URL,
        prefix: config.REDIS_PREFIX,
        store,
        runner,
        log: schedLog,
        lockMs: config.SCHEDULER_LEASE_MS,
      })
    : new LocalScheduler(store, runner, schedLog, Math.min(60_000, config.SCHEDULER_LEASE_MS));
  const schedules = new ScheduleService({
    store,
    scheduler,
    runner,
    programs,
    admins: adminUsers(config),
    defaultTimezone: config.REPORT_TIMEZONE,
  });

  const alertLog = logger.child({ component: 'alerts' });
  const book = new AlertBook(store, alertLog);
  const evaluator = new AlertEvaluator({
    store,
    programs,
    reports,
    delivery: slackAlertDelivery(slack, { metrics }),
    logger: alertLog,
    owner,
    settings: runSettings,
    anomalyK: config.ALERT_ANOMALY_K,
    dataDue: (p) => dataDueAt(p, config.ALERT_TIME),
    languageOf: (channel) => channelSettings.language(channel),
    onOutcome: (o, a) => {
      // Every minute's sweep meets the checks already done: those are not evaluations.
      if (o.outcome === 'skipped') return;
      metrics.alertEvaluations.inc({ outcome: o.outcome });
      // The audit log: every firing, recovery and failed check, whoever triggered it.
      if (o.outcome !== 'ok' && o.outcome !== 'not_enough_history') {
        alertLog.info(
          { audit: { who: 'alerts', where: a.channel, what: `alert ${a.id} ${o.key}`, outcome: `alert:${o.outcome}` } },
          'audit',
        );
      }
    },
  });
  const alertClock = new AlertClock({
    book,
    evaluator,
    store,
    log: alertLog,
    time: config.ALERT_TIME,
    pollMs: Math.min(60_000, config.SCHEDULER_LEASE_MS),
  });
  const alerts = new AlertService({ book, evaluator, programs, admins: adminUsers(config), canPost: slackCanPost(slack) });

  const slackToken = slackTokenCheck(slack);
  const ready = async (): Promise<Readiness> => {
    const checks: Record<string, string> = {};
    await withTimeout(store.ping(), 2000, 'store ping').then(
      () => (checks[store.kind] = 'ok'),
      (e: unknown) => (checks[store.kind] = errorText(e)),
    );
    // Cached state only: readiness never sends WeChat more than one token request per 30 s.
    for (const p of programs.all) checks[`token:${p.name}`] = await tokenReadiness(p.client.tokenCache);
    // API security mode: one signed call answered and verified (cached; at most one call per 30 s after a failure).
    for (const p of programs.all) if (p.client.securityMode) checks[`security:${p.name}`] = await p.client.securityReadiness();
    checks.slack_token = await withTimeout(slackToken(), 3000, 'Slack auth.test').catch((e: unknown) => errorText(e));
    // Socket Mode: not ready while the link to Slack is down (commands cannot reach us).
    const socket = bot.connection();
    if (socket !== 'http') {
      checks.slack_socket =
        socket === 'connected'
          ? 'ok'
          : socket === 'connecting'
            ? 'connecting to Slack (Socket Mode)…'
            : 'disconnected: reconnecting to Slack (Socket Mode)';
    }
    return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
  };
  const bot = createBot({
    config,
    programs,
    reports,
    logger,
    metrics,
    ready,
    schedules,
    alerts: { service: alerts, time: config.ALERT_TIME },
    stillWorkingMs: opts.stillWorkingMs,
    socketReconnect: opts.socketReconnect,
    store,
  });
  const port = await bot.start().catch(async (e: unknown) => {
    // Slack could not be reached or refused the token: release what was opened, keep the reason.
    for (const release of [
      () => scheduler.stop(0),
      () => alertClock.stop(0),
      () => programs.close(),
      () => charts.close(),
      () => store.close(),
    ])
      await release().catch(() => undefined);
    throw e;
  });
  await scheduler.start();
  alertClock.start();
  logger.info(
    {
      store: store.kind,
      scheduler: scheduler.mode,
      apps: programs.all.map((p) => p.name),
      renderThreads: charts.threads,
      reportConcurrency: queue.concurrency,
      owner,
    },
    'runtime ready',
  );

  let stopped: Promise<void> | undefined;
  return {
    config,
    store,
    programs,
    reports,
    scheduler,
    runner,
    alerts: { book, evaluator, clock: alertClock, service: alerts },
    bot,
    metrics,
    queue,
    owner,
    port,
    stop(budgetMs = SHUTDOWN_BUDGET_MS) {
      stopped ??= (async () => {
        const deadline = Date.now() + budgetMs;
        bot.drain();
        const [left] = await Promise.all([
          bot.settle(budgetMs - 2000),
          scheduler.stop(Math.max(1000, budgetMs - 2000)),
          alertClock.stop(Math.max(1000, budgetMs - 2000)),
        ]);
        if (left > 0) {
          logger.warn({ left, waiting: queue.waiting }, 'shutdown budget spent with commands still running');
          // Reports still queued are refused, and their authors told to ask again.
          queue.close();
          await bot.settle(Math.min(1500, Math.max(0, deadline - Date.now() - 500)));
        }
        await withTimeout(bot.stop(), Math.max(500, deadline - Date.now()), 'HTTP close').catch(() => undefined);
        await programs.close();
        await charts.close();
        await store.close();
      })();
      return stopped;
    },
  };
}
