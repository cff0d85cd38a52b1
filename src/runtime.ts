import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';
import { ProgramDirectory } from './apps/directory';
import { createPrograms } from './apps/factory';
import { registerConfigSecrets } from './config/secrets';
import { adminUsers, type Config } from './config';
import { DEFAULT_REPORT_CONCURRENCY } from './reports/queue';
import type { Logger } from './log';
import { Metrics, type MetricsJson } from './metrics';
import { AlertBook } from './alerts/book';
import { AlertClock } from './alerts/clock';
import { AlertService } from './alerts/service';
import type { ChecksAlerts } from './alerts/types';
import { slackCanPost } from './slack/alerted';
import { BullScheduler } from './schedule/bull';
import { LocalScheduler } from './schedule/local';
import type { RunOutcome, RunsSchedules } from './schedule/runner';
import { ScheduleService } from './schedule/service';
import type { Scheduler } from './schedule/types';
import { createBot, type Bot, type BotOptions } from './slack/app';
import { createWebClient } from './slack/client';
import { tellGivenUp } from './slack/report-job';
import { slackTokenCheck } from './slack/health';
import { createHttpFront, type Readiness } from './slack/http';
import type { TokenCache } from './wechat/token';
import { createStore, type Store } from './store';
import type { Schedule } from './store/types';
import { BullJobs } from './jobs/bull';
import { InlineJobs } from './jobs/inline';
import { ThreadJobs, threadShare } from './jobs/threads';
import type { Job, JobQueue, JobResult } from './jobs/types';
import { settlesWithin, withTimeout } from './util/deadline';
import { errorText } from './util/error-text';
import { buildWorker, type Worker, type WorkerInit } from './worker';

export interface Runtime {
  config: Config;
  store: Store;
  programs: ProgramDirectory;
  scheduler: Scheduler;
  /** Starts a schedule's run on a worker (this process's, or through Redis from a web process). */
  runner: RunsSchedules;
  alerts: { book: AlertBook; evaluator: ChecksAlerts; clock?: AlertClock; service: AlertService };
  /** The Slack receiver (absent in a WXA_ROLE=worker process). */
  bot?: Bot;
  metrics: Metrics;
  /** Where the receiver hands jobs to workers. */
  jobs: JobQueue;
  /** The worker itself when it runs on the main thread (JOB_THREADS=0). */
  work?: Worker;
  owner: string;
  port: number;
  /** Graceful stop: no new work, running work finished or handed back within the budget, everything released. */
  stop(budgetMs?: number): Promise<void>;
}

export interface RuntimeOptions {
  /** Told of every scheduled run's outcome (JOB_THREADS=0 only: the runner is on this thread). */
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

/** The compiled job thread next to this file (dist/), or, when running from sources under ts-jest, the build's. */
function jobThreadFile(): string {
  const candidates = [path.join(__dirname, 'worker-thread.js'), path.resolve(__dirname, '../dist/src/worker-thread.js')];
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new Error('the job thread is not built (dist/src/worker-thread.js): run npm run build, or set JOB_THREADS=0');
  return found;
}

/** A job's result of the kind asked for (a worker answering another kind is a bug, said plainly). */
function expect<T extends JobResult['type']>(r: JobResult, type: T): Extract<JobResult, { type: T }> {
  if (r.type === 'failed') throw new Error(`the ${type} job failed in its worker: ${r.error}`);
  if (r.type !== type) throw new Error(`a worker answered a ${type} job with a ${r.type} result`);
  return r as Extract<JobResult, { type: T }>;
}

/**
 * Everything `npm start` runs, by WXA_ROLE: `web` receives Slack's requests and hands the work to
 * workers; `worker` runs that work (reports, scheduled runs, alert checks) and the clocks that start
 * it; `all` (the default) both. Without Redis the workers are threads of this process; with Redis,
 * report jobs go through a BullMQ queue any worker process takes from.
 */
export async function startRuntime(config: Config, logger: Logger, opts: RuntimeOptions = {}): Promise<Runtime> {
  registerConfigSecrets(config);
  const role = config.WXA_ROLE;
  const receives = role !== 'worker';
  const works = role !== 'web';
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  // Both are built below; /metrics reads them only once running.
  let jobsForMetrics: JobQueue | undefined;
  let threadsForMetrics: ThreadJobs | undefined;
  const metrics = new Metrics({
    processMetrics: true,
    queue: async () => jobsForMetrics?.counts(),
    elsewhere: async () => ((await threadsForMetrics?.threadMetrics()) ?? []) as MetricsJson[],
  });
  const store = createStore({ redisUrl: config.REDIS_URL, redisPrefix: config.REDIS_PREFIX, dataDir: config.DATA_DIR });
  await store.ping();
  const env = opts.env ?? process.env;
  const { programs: list, defaultName } = await createPrograms(config, env, { logger, shared: { store, owner }, metrics });
  const programs = new ProgramDirectory(list, store, defaultName);
  const opened: (() => Promise<unknown>)[] = [() => programs.close(), () => store.close()];
  const release = async () => {
    for (const r of opened.reverse()) await r().catch(() => undefined);
  };

  // The working side: on this thread (JOB_THREADS=0), or in job threads that build their own.
  let work: Worker | undefined;
  let local: JobQueue | undefined;
  let jobs: JobQueue;
  const perWorker = config.REPORT_CONCURRENCY ?? DEFAULT_REPORT_CONCURRENCY;
  // Built at the first given-up job only: one Web API client for telling their askers.
  let giveUpClient: ReturnType<typeof createWebClient> | undefined;
  try {
    if (works && config.JOB_THREADS === 0) {
      work = await buildWorker({ config, env, owner, stillWorkingMs: opts.stillWorkingMs }, logger, {
        store,
        programs,
        metrics,
        onRunOutcome: opts.onRunOutcome,
      });
      opened.push(() => work?.close() ?? Promise.resolve());
      const q = work.queue;
      local = new InlineJobs(work.handle, () => ({ waiting: q.waiting, running: q.running }));
    } else if (works) {
      // Keep canvas's native library loaded here too: if only worker threads load it, it is unloaded
      // when they exit and the process segfaults on shutdown.
      require('canvas');
      // WeChat's per-minute quota is kept by each thread's clients: each gets its share of the process's.
      const share = threadShare(config.WECHAT_CALLS_PER_MINUTE, config.JOB_THREADS);
      const init: WorkerInit = {
        config: { ...config, WECHAT_CALLS_PER_MINUTE: share },
        env: { ...env },
        owner,
        stillWorkingMs: opts.stillWorkingMs,
      };
      const threads = new ThreadJobs({
        file: jobThreadFile(),
        threads: config.JOB_THREADS,
        // Room for scheduled runs and alert checks beside a full set of report jobs.
        perThread: perWorker + 8,
        workerData: init,
        log: logger.child({ component: 'jobs' }),
      });
      opened.push(() => threads.close(1_000));
      await threads.start();
      threadsForMetrics = threads;
      local = threads;
    }
    if (config.REDIS_URL) {
      const bull = new BullJobs({
        redisUrl: config.REDIS_URL,
        prefix: config.REDIS_PREFIX,
        local,
        concurrency: Math.max(1, config.JOB_THREADS) * perWorker,
        lockMs: config.JOB_LEASE_MS,
        waitMs: config.REPORT_TIMEOUT_MS + 60_000,
        log: logger.child({ component: 'jobs' }),
        onGiveUp: async (job) => {
          if (job.type !== 'report') return;
          giveUpClient ??= createWebClient(config, logger);
          await tellGivenUp(job, { client: giveUpClient, store, logger });
        },
      });
      opened.push(() => bull.close(1_000));
      await bull.start();
      jobs = bull;
    } else {
      jobs = local as JobQueue; // embedded: WXA_ROLE=all (config refuses another role without Redis)
    }
  } catch (e) {
    await release();
    throw e;
  }
  jobsForMetrics = jobs;

  // Scheduled runs and alert checks run where the work is: here in a worker, through Redis from a web process.
  const runsHere = local ?? jobs;
  const run = (job: Job) => runsHere.run(job);
  const runner: RunsSchedules = {
    run: async (s, period, o = {}) =>
      expect(await run({ type: 'schedule', id: `schedule:${s.id}:${period.begin}:${randomUUID()}`, schedule: s, period, ...o }), 'schedule')
        .outcome,
  };
  const evaluator: ChecksAlerts = {
    evaluate: async (alert, period) =>
      expect(await run({ type: 'alert', id: `alert:${alert.id}:${period.begin}:${randomUUID()}`, alert, period }), 'alert').outcome,
    closeRemoved: async (r) => {
      expect(await run({ type: 'alert_close', id: `alert_close:${r.key}:${randomUUID()}`, run: r }), 'alert_close');
    },
  };

  const schedLog = logger.child({ component: 'scheduler' });
  const scheduler: Scheduler = config.REDIS_URL
    ? new BullScheduler({
        redisUrl: config.REDIS_URL,
        prefix: config.REDIS_PREFIX,
        store,
        runner,
        log: schedLog,
        lockMs: config.SCHEDULER_LEASE_MS,
        consume: works,
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
  const alertClock = works
    ? new AlertClock({
        book,
        evaluator,
        store,
        log: alertLog,
        time: config.ALERT_TIME,
        pollMs: Math.min(60_000, config.SCHEDULER_LEASE_MS),
      })
    : undefined;
  // One Web API client for what the receiver itself asks Slack (the readiness token check, channel membership).
  const slack = createWebClient(config, logger);
  const alerts = new AlertService({ book, evaluator, programs, admins: adminUsers(config), canPost: slackCanPost(slack) });

  const slackToken = slackTokenCheck(slack);
  let bot: Bot | undefined;
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
    // A receiver with nobody to run its jobs is not ready: commands would only queue.
    const counts = await jobs.counts().catch(() => undefined);
    checks.workers = !counts
      ? 'could not read the job queue'
      : counts.workers > 0
        ? 'ok'
        : 'no worker is taking jobs (start a WXA_ROLE=worker process)';
    // Socket Mode: not ready while the link to Slack is down (commands cannot reach us).
    const socket = bot?.connection() ?? 'http';
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

  let port: number;
  let closeFront: (() => Promise<void>) | undefined;
  try {
    if (receives) {
      bot = createBot({
        config,
        programs,
        jobs,
        logger,
        metrics,
        ready,
        schedules,
        alerts: { service: alerts, time: config.ALERT_TIME },
        socketReconnect: opts.socketReconnect,
        store,
      });
      port = await bot.start();
    } else {
      // A worker process receives nothing from Slack, but answers /healthz, /readyz and /metrics.
      const front = createHttpFront({ metrics, ready, logger });
      await new Promise<void>((resolve, reject) => {
        front.server.once('error', reject);
        front.server.listen(config.PORT, config.HOST, () => resolve());
      });
      port = (front.server.address() as AddressInfo).port;
      closeFront = async () => {
        front.drain();
        front.server.closeIdleConnections();
        await new Promise<void>((r) => front.server.close(() => r()));
      };
    }
  } catch (e) {
    // Slack could not be reached or refused the token: release what was opened, keep the reason.
    await release();
    throw e;
  }
  if (works) {
    await scheduler.start();
    alertClock?.start();
  } else {
    await scheduler.start(); // web: keeps BullMQ's schedulers in step with the store, runs nothing
  }
  logger.info(
    {
      role,
      store: store.kind,
      scheduler: scheduler.mode,
      jobs: jobs.mode,
      apps: programs.all.map((p) => p.name),
      jobThreads: works ? config.JOB_THREADS : 0,
      renderThreads: works ? config.RENDER_THREADS : 0,
      reportConcurrency: perWorker,
      owner,
    },
    'runtime ready',
  );

  let stopped: Promise<void> | undefined;
  return {
    config,
    store,
    programs,
    scheduler,
    runner,
    alerts: { book, evaluator, clock: alertClock, service: alerts },
    bot,
    metrics,
    jobs,
    work,
    owner,
    port,
    stop(budgetMs = SHUTDOWN_BUDGET_MS) {
      stopped ??= (async () => {
        const deadline = Date.now() + budgetMs;
        const left = () => Math.max(1000, deadline - Date.now() - 2000);
        bot?.drain();
        const [unfinished] = await Promise.all([
          bot?.settle(budgetMs - 2000) ?? Promise.resolve(0),
          scheduler.stop(Math.max(1000, budgetMs - 2000)),
          alertClock?.stop(Math.max(1000, budgetMs - 2000)),
        ]);
        if (unfinished > 0) {
          logger.warn({ left: unfinished }, 'shutdown budget spent with commands still running');
          // Reports still queued are refused, and their authors told to ask again.
          work?.queue.close();
          await bot?.settle(Math.min(1500, Math.max(0, deadline - Date.now() - 500)));
        }
        await settlesWithin(jobs.close(left()), left() + 15_000);
        await withTimeout(bot?.stop() ?? closeFront?.() ?? Promise.resolve(), Math.max(500, deadline - Date.now()), 'HTTP close').catch(
          () => undefined,
        );
        await work?.close();
        await programs.close();
        await store.close();
      })();
      return stopped;
    },
  };
}
