import { SocketModeReceiver } from '@slack/bolt';
import type { Config } from '../config';
import type { Logger } from '../log';
import { slackErrorCode } from './errors';
import { boltLogger } from './logger';
import { settlesWithin } from '../util/deadline';
import { errorText } from '../util/error-text';

/** Where the Socket Mode link to Slack stands. */
export type SocketState = 'connecting' | 'connected' | 'disconnected';

export interface SocketReconnectOptions {
  /** Delay after the first failed attempt; it doubles with each further failure (default 1 s). */
  minDelayMs?: number;
  /** The longest delay between two attempts (default 30 s). A link that stayed up this long resets the backoff. */
  maxDelayMs?: number;
  /** How long one apps.connections.open call may take (default 10 s). */
  openTimeoutMs?: number;
}

export interface SocketModeOptions {
  config: Config;
  logger: Logger;
  reconnect?: SocketReconnectOptions;
  /** Called on every state change (the metric). */
  onState?: (s: SocketState) => void;
  /** Goes to Bolt's customPropertiesExtractor: its result is merged into each listener's context. */
  customProperties?: () => Record<string, unknown>;
}

/** Errors from apps.connections.open that mean the app-level token itself is refused. */
const TOKEN_REFUSED = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'user_removed_from_team',
  'team_disabled',
  'not_allowed_token_type',
  'token_revoked',
]);

/** Exponential backoff with "equal jitter": between half and all of min·2^(n-1), capped at max. */
export function reconnectDelay(failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** What went wrong, in words fit for a log line (no URL, no token). */
function describe(e: unknown): string {
  if (e === undefined) return 'the WebSocket closed before Slack said hello';
  const code = slackErrorCode(e);
  if (code) return `apps.connections.open: ${code}`;
  return errorText(e);
}

/**
 * Bolt's Socket Mode receiver under a supervisor that keeps it connected for as long as the process runs.
 *
 * Why not the library's own reconnecting: @slack/socket-mode 3.x reconnects by calling its start()
 * from a timer without handling the promise, and its start() gives up (rejects) as soon as
 * apps.connections.open answers an HTTP error or the connection is reset. Slack down for a few
 * seconds during a reconnect therefore ended in an unhandled rejection, and the process with it.
 * Before this, the socket client also inherited the bot's bounded Web API retries (3) through
 * App's clientOptions. Here the library's auto-reconnect is off, its WebClient (used for
 * apps.connections.open only) does not retry, and this loop alone decides when to try again:
 * at once after a link that lived a while is lost (Slack's `disconnect` refreshes, for instance),
 * otherwise after an exponential delay with jitter capped at maxDelayMs, never giving up.
 */
export class SocketConnection {
  readonly receiver: SocketModeReceiver;
  private current: SocketState = 'connecting';
  private stopped = false;
  private loop?: Promise<void>;
  /** Ends the backoff wait in progress. */
  private wake?: () => void;
  /** Ends the wait on a live link (it was lost, or we stop). */
  private lost?: () => void;
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly o: SocketModeOptions) {
    const c = o.config;
    this.log = o.logger.child({ component: 'socket-mode' });
    this.minDelayMs = o.reconnect?.minDelayMs ?? 1_000;
    this.maxDelayMs = Math.max(this.minDelayMs, o.reconnect?.maxDelayMs ?? 30_000);
    const stopSignal = this.abort.signal;
    this.receiver = new SocketModeReceiver({
      appToken: c.SLACK_APP_TOKEN ?? '',
      logger: boltLogger(o.logger),
      autoReconnectEnabled: false,
      // Only apps.connections.open goes through this client. The chat.postMessage etc. client is App's own.
      installerOptions: {
        clientOptions: {
          slackApiUrl: c.SLACK_API_URL ? c.SLACK_API_URL.replace(/\/?$/, '/') : undefined,
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          timeout: o.reconnect?.openTimeoutMs ?? 10_000,
          // stop() cuts a call in flight short, so a SIGTERM never waits on Slack.
          fetch: (url, init) => fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, stopSignal]) : stopSignal }),
        },
      },
      customPropertiesExtractor: () => o.customProperties?.() ?? {},
    });
    this.receiver.client.on('disconnected', () => this.lost?.());
  }

  get state(): SocketState {
    return this.current;
  }

  /**
   * Starts connecting and returns at once: the first attempt is under way and the loop carries on
   * by itself. Nothing waits on Slack here, so that the HTTP front (/healthz, /readyz, /metrics) and
   * the scheduler run while Slack is unreachable; /readyz says when the link is up.
   */
  start(): void {
    if (this.loop || this.stopped) return;
    this.loop = this.run().catch((e: unknown) => {
      // run() handles its own errors; this is a last guard against an unhandled rejection.
      this.log.error({ err: describe(e) }, 'Socket Mode supervisor stopped unexpectedly');
    });
  }

  /** No more attempts, the link closed, no timer left behind. Bounded by budgetMs (plus a little). */
  async stop(budgetMs = 3_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    this.lost?.();
    await this.closeLink(budgetMs);
    if (this.loop) await settlesWithin(this.loop, budgetMs);
    // An apps.connections.open answered just before the abort may have opened a link after all.
    if (this.receiver.client.websocket?.readyState !== undefined) await this.closeLink(budgetMs);
    this.set('disconnected');
  }

  private set(s: SocketState): void {
    if (s === this.current) return;
    this.current = s;
    this.o.onState?.(s);
  }

  private async run(): Promise<void> {
    /** Failed attempts (and links that dropped soon after opening) since the last link that held. */
    let failures = 0;
    let downSince = Date.now();
    while (!this.stopped) {
      this.set('connecting');
      try {
        // apps.connections.open, then the WebSocket, then Slack's hello.
        await this.receiver.start();
      } catch (e) {
        if (this.stopped) break;
        failures++;
        const delay = this.delayAfter(failures, e);
        this.set('disconnected');
        const code = slackErrorCode(e);
        const fields = { attempt: failures, retryInMs: delay, err: describe(e) };
        if (code && TOKEN_REFUSED.has(code)) {
          this.log.error(
            fields,
            'Slack refused SLACK_APP_TOKEN for Socket Mode (it needs an app-level token with connections:write); will try again',
          );
        } else {
          this.log.warn(fields, 'could not connect to Slack (Socket Mode); will try again');
        }
        await this.sleep(delay);
        continue;
      }
      if (this.stopped) break;
      const upSince = Date.now();
      this.set('connected');
      this.log.info({ attempts: failures + 1, downMs: upSince - downSince }, 'connected to Slack (Socket Mode)');
      await this.untilLost();
      if (this.stopped) break;
      downSince = Date.now();
      this.set('disconnected');
      // A link that held a while is replaced at once (Slack refreshes links routinely); one that
      // dropped soon after opening counts as a failure, so a flapping Slack is not hammered.
      failures = downSince - upSince >= this.maxDelayMs ? 0 : failures + 1;
      const delay = failures === 0 ? 0 : this.delayAfter(failures, undefined);
      // Routine for a link that held (Slack refreshes them every few hours): info; otherwise a warning.
      this.log[failures === 0 ? 'info' : 'warn'](
        { upMs: downSince - upSince, retryInMs: delay },
        'Socket Mode connection to Slack lost; reconnecting',
      );
      if (delay > 0) await this.sleep(delay);
    }
  }

  private delayAfter(failures: number, e: unknown): number {
    const delay = reconnectDelay(failures, this.minDelayMs, this.maxDelayMs);
    // Slack's Retry-After on apps.connections.open is honoured (up to 5 minutes).
    const retryAfter = (e as { retryAfter?: unknown } | undefined)?.retryAfter;
    return typeof retryAfter === 'number' ? Math.max(delay, Math.min(retryAfter * 1000, 300_000)) : delay;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (this.stopped) done();
    });
  }

  private untilLost(): Promise<void> {
    return new Promise((resolve) => {
      this.lost = () => {
        this.lost = undefined;
        resolve();
      };
      // Lost between Slack's hello and here (the socket is already cleaned up).
      if (this.stopped || this.receiver.client.websocket?.readyState === undefined) this.lost();
    });
  }

  /** Close handshake with Slack; if Slack does not answer within budgetMs, the socket is torn down. */
  private async closeLink(budgetMs: number): Promise<void> {
    const client = this.receiver.client;
    const closed = client.disconnect();
    if (await settlesWithin(closed, budgetMs)) return;
    // A second disconnect() while the close frame is unanswered (CLOSING) destroys the socket.
    client.websocket?.disconnect();
    await settlesWithin(closed, 500);
  }
}
