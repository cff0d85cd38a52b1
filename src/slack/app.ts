import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { ReportContext } from '../pipeline';
import { registerListeners } from './listeners';
import { boltLogger } from './logger';
import { slackClientOptions } from './client';
import type { ScheduleService } from '../schedule/service';

export interface BotOptions {
  config: Config;
  reports: ReportContext;
  logger: Logger;
  schedules?: ScheduleService;
  now?: () => Date;
}

export interface Bot {
  app: App;
  /** Starts the receiver; resolves to the HTTP port it listens on (undefined in Socket Mode). */
  start(): Promise<number | undefined>;
  /** Stops taking requests and waits for reports in flight. */
  stop(): Promise<void>;
}

export function createBot(o: BotOptions): Bot {
  const { config: c, logger } = o;
  const socketMode = Boolean(c.SLACK_APP_TOKEN);
  const inFlight = new Set<Promise<unknown>>();
  const app = new App({
    token: c.SLACK_BOT_TOKEN,
    signingSecret: c.SLACK_SIGNING_SECRET,
    socketMode,
    appToken: c.SLACK_APP_TOKEN,
    logger: boltLogger(logger),
    logLevel: LogLevel.INFO,
    clientOptions: slackClientOptions(c),
    customRoutes: socketMode
      ? []
      : [
          {
            path: '/healthz',
            method: ['GET'],
            handler: (_req, res) => {
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ ok: true }));
            },
          },
        ],
  });
  registerListeners(app, { reports: o.reports, logger, schedules: o.schedules, now: o.now ?? (() => new Date()), inFlight });
  app.error(async (e) => {
    logger.error({ err: e.message }, 'unhandled Bolt error');
  });
  return {
    app,
    async start() {
      if (socketMode) {
        await app.start();
        logger.info({ mode: 'socket' }, 'bot started');
        return undefined;
      }
      const server = await app.start({ port: c.PORT, host: c.HOST });
      const port = (server.address() as AddressInfo).port;
      logger.info({ mode: 'http', host: c.HOST, port }, 'bot started');
      return port;
    },
    async stop() {
      await app.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}
