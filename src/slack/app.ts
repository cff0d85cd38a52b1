import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type AuthorizeResult, type AuthorizeSourceData } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { ProgramDirectory } from '../apps/directory';
import type { JobQueue } from '../jobs/types';
import { accessLists, adminUsers, type Config } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { ScheduleService } from '../schedule/service';
import { slackClientOptions } from './client';
import { slackErrorCode } from './errors';
import { createHttpFront, receivedAt, type Readiness } from './http';
import { randomUUID } from 'node:crypto';
import type { Language } from '../i18n';
import { ChannelSettings } from '../store/channel-settings';
import type { Store } from '../store/types';
import { CLICK_WINDOW_MS } from './listeners/actions';
import { type CommandDeps, registerListeners } from './listeners';
import { boltLogger } from './logger';
import { SocketConnection, type SocketReconnectOptions, type SocketState } from './socket';
import { InFlight } from '../util/in-flight';
import { errorText } from '../util/error-text';

export interface BotOptions {
  config: Config;
  programs: ProgramDirectory;
  /** Where report work is handed to workers. */
  jobs: JobQueue;
  logger: Logger;
  metrics: Metrics;
  ready: () => Promise<Readiness>;
  schedules?: ScheduleService;
  alerts?: CommandDeps['alerts'];
  now?: () => Date;
  /** Socket Mode reconnect backoff (tests shorten it). */
  socketReconnect?: SocketReconnectOptions;
  /** Channel settings (language) and the click locks live here; without it, English and no click dedup. */
  store?: Store;
}

export interface Bot {
  app: App;
  /**
   * Starts the HTTP front, checks the bot token, then Slack (HTTP receiver, or Socket Mode: the first
   * connection attempt under way, not made); resolves to the HTTP port.
   */
  start(): Promise<number>;
  /** Stops taking new commands (HTTP 503, readyz not ready). */
  drain(): void;
  /** Waits up to `ms` for commands still running after their ack; resolves to how many remain. */
  settle(ms: number): Promise<number>;
  stop(): Promise<void>;
  /** 'http' on the HTTP receiver; in Socket Mode, where the link to Slack stands. */
  connection(): 'http' | SocketState;
}

/**
 * The bot's identity for Bolt, from one auth.test. Given `token`, Bolt sends auth.test from its
 * constructor and nobody awaits it: if Slack cannot be reached then, the process dies of an
 * unhandled rejection a few seconds later. Here start() awaits the check and says what is wrong.
 */
function botAuthorization(
  c: Config,
  logger: Logger,
): (source?: Pick<AuthorizeSourceData<boolean>, 'isEnterpriseInstall'>) => Promise<AuthorizeResult> {
  const token = c.SLACK_BOT_TOKEN ?? '';
  const client = new WebClient(token, { ...slackClientOptions(c), logger: boltLogger(logger) });
  let identity: Promise<{ botId?: string; botUserId?: string }> | undefined;
  const check = () =>
    (identity ??= client.auth.test().then(
      (r) => ({ botId: r.bot_id, botUserId: r.user_id }),
      (e: unknown) => {
        identity = undefined; // ask again next time
        const code = slackErrorCode(e);
        throw new Error(
          code
            ? `Slack refused SLACK_BOT_TOKEN (auth.test: ${code}). Check the token in the app's OAuth & Permissions page.`
            : `Could not reach Slack to check SLACK_BOT_TOKEN (${errorText(e)}). Check the network and SLACK_API_URL.`,
        );
      },
    ));
  // A fresh object per event, as Bolt's own single-token authorize gives: Bolt adds the event's
  // user and enterprise to it, and takes the team from the event.
  return async (source) => ({ isEnterpriseInstall: source?.isEnterpriseInstall, botToken: token, ...(await check()) });
}

/** Per-channel language, and one claim per clicked target across instances (a lock left to expire). */
function clickDeps(store: Store, language: Language): Pick<CommandDeps, 'settings' | 'claimClick'> {
  return {
    settings: new ChannelSettings(store, language),
    // A fresh owner per click: a lock is re-entrant for its owner, and two clicks here must not share one.
    claimClick: (key) => store.tryLock(key, randomUUID(), CLICK_WINDOW_MS),
  };
}

export function createBot(o: BotOptions): Bot {
  const { config: c, logger } = o;
  const socketMode = Boolean(c.SLACK_APP_TOKEN);
  const inFlight = new InFlight();
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: c.SLACK_SIGNING_SECRET ?? '',
        // The HTTP front (http.ts) checks every signature once, with the replay check that needs it.
        signatureVerification: false,
        logger: boltLogger(logger),
        processBeforeResponse: false,
        customPropertiesExtractor: (req) => ({ receivedAt: receivedAt.get(req) ?? performance.now() }),
      });
  // Socket Mode: our own receiver, so its socket client gets its own Web API options (not the bounded
  // SLACK_RETRY below, which is for interactive calls) and a supervisor that keeps it connected.
  const socket = socketMode
    ? new SocketConnection({
        config: c,
        logger,
        reconnect: o.socketReconnect,
        onState: (s) => o.metrics.slackSocketConnected.set(s === 'connected' ? 1 : 0),
        customProperties: () => ({ receivedAt: performance.now() }),
      })
    : undefined;
  const authorize = botAuthorization(c, logger);
  const app = new App({
    authorize,
    receiver: socket?.receiver ?? receiver,
    signingSecret: socketMode ? undefined : c.SLACK_SIGNING_SECRET,
    logger: boltLogger(logger),
    logLevel: LogLevel.INFO,
    clientOptions: slackClientOptions(c),
  });
  registerListeners(app, {
    programs: o.programs,
    jobs: o.jobs,
    timezone: c.REPORT_TIMEZONE,
    logger,
    metrics: o.metrics,
    access: accessLists(c),
    admins: adminUsers(c),
    schedules: o.schedules,
    alerts: o.alerts,
    now: o.now ?? (() => new Date()),
    inFlight,
    language: c.REPORT_LANGUAGE,
    ...(o.store ? clickDeps(o.store, c.REPORT_LANGUAGE) : {}),
  });
  app.error(async (e) => {
    logger.error({ err: e.message }, 'unhandled Bolt error');
  });
  const front = createHttpFront({
    receiver,
    metrics: o.metrics,
    ready: o.ready,
    logger,
    signingSecret: receiver ? c.SLACK_SIGNING_SECRET : undefined,
  });
  return {
    app,
    // The front listens first, so /healthz answers whatever Slack does. Then the bot token is checked
    // (bounded retries; a refused token stops the start). In Socket Mode start() then only sets the
    // connection going and resolves: Slack may be unreachable for minutes, and waiting for it here
    // would keep the scheduler stopped and, under a process manager, get the process restarted in a
    // loop for nothing. The supervisor reconnects by itself; /readyz answers 503 until the link is up.
    async start() {
      await new Promise<void>((resolve, reject) => {
        front.server.once('error', reject);
        front.server.listen(c.PORT, c.HOST, () => resolve());
      });
      try {
        await authorize();
      } catch (e) {
        await new Promise<void>((r) => front.server.close(() => r()));
        throw e;
      }
      socket?.start();
      const port = (front.server.address() as AddressInfo).port;
      logger.info({ mode: socketMode ? 'socket' : 'http', host: c.HOST, port }, 'bot started');
      return port;
    },
    drain: () => {
      front.drain();
      // Socket Mode: close the link now, so Slack sends new commands to the other instances while
      // this one finishes its reports (they post through the Web API, not the socket).
      void socket?.stop();
    },
    connection: () => socket?.state ?? 'http',
    async settle(ms) {
      return inFlight.settle(ms);
    },
    async stop() {
      front.drain();
      await socket?.stop();
      front.server.closeIdleConnections();
      await new Promise<void>((r) => front.server.close(() => r()));
    },
  };
}
