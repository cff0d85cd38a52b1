import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { adminUsers, type Config } from './config';
import { createWeChatContext, registerConfigSecrets, type WeChatContext } from './context';
import type { Logger } from './log';
import { BullScheduler } from './schedule/bull';
import { LocalScheduler } from './schedule/local';
import { ScheduleRunner, type RunOutcome } from './schedule/runner';
import { ScheduleService } from './schedule/service';
import type { Scheduler } from './schedule/types';
import { createBot, type Bot } from './slack/app';
import { createWebClient } from './slack/client';
import { createStore, type Store } from './store';
import type { Schedule } from './store/types';

export interface Runtime {
  config: Config;
  store: Store;
  wechat: WeChatContext;
  scheduler: Scheduler;
  runner: ScheduleRunner;
  bot: Bot;
  owner: string;
  /** HTTP port (undefined in Socket Mode). */
  port: number | undefined;
  /** Stop taking work, let what runs finish, release everything. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  onRunOutcome?: (o: RunOutcome, s: Schedule) => void;
}

/** Everything `npm start` runs: store, WeChat side, scheduler, Slack app. */
export async function startRuntime(config: Config, logger: Logger, opts: RuntimeOptions = {}): Promise<Runtime> {
  registerConfigSecrets(config);
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const store = createStore({ redisUrl: config.REDIS_URL, redisPrefix: config.REDIS_PREFIX, dataDir: config.DATA_DIR });
  await store.ping();
  const wechat = await createWeChatContext(config, logger, { store, owner });
  const runner = new ScheduleRunner({
    store,
    reports: wechat,
    slack: createWebClient(config, logger),
    logger: logger.child({ component: 'scheduler' }),
    owner,
    settings: { leaseMs: config.SCHEDULER_LEASE_MS, retryIntervalMs: config.SCHEDULE_RETRY_MINUTES * 60_000, retryWindowMs: config.SCHEDULE_RETRY_HOURS * 3_600_000 },
    onOutcome: opts.onRunOutcome,
  });
  const schedLog = logger.child({ component: 'scheduler' });
  const scheduler: Scheduler = config.REDIS_URL
    ? new BullScheduler({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, store, runner, log: schedLog, lockMs: config.SCHEDULER_LEASE_MS })
    : new LocalScheduler(store, runner, schedLog, Math.min(60_000, config.SCHEDULER_LEASE_MS));
  const schedules = new ScheduleService({ store, scheduler, runner, admins: adminUsers(config), defaultTimezone: config.REPORT_TIMEZONE });
  const bot = createBot({ config, reports: wechat, logger, schedules });
  const port = await bot.start();
  await scheduler.start();
  logger.info({ store: store.kind, scheduler: scheduler.mode, owner }, 'runtime ready');
  return {
    config,
    store,
    wechat,
    scheduler,
    runner,
    bot,
    owner,
    port,
    async stop() {
      await bot.stop();
      await scheduler.stop();
      await wechat.close();
      await store.close();
    },
  };
}
