import http from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { isValidSlackRequest, type HTTPReceiver } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import getRawBody from 'raw-body';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { errorText } from '../util/error-text';

export interface Readiness {
  ok: boolean;
  checks: Record<string, string>;
}

export interface HttpServerOptions {
  /** Slack's requests go to Bolt's receiver; absent in Socket Mode. */
  receiver?: HTTPReceiver;
  metrics: Metrics;
  ready: () => Promise<Readiness>;
  logger: Logger;
  /** Slack's requests are verified here, once (HTTP mode; Bolt's receiver has its own check off). */
  signingSecret?: string;
  /** Slack requests timestamped further ahead than this are refused (Bolt only refuses old ones). */
  maxFutureSkewSec?: number;
}

/** Slack's payloads are a few KB; anything near this is not from Slack and is refused unread. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Bolt refuses requests older than 5 minutes; a signature seen within that window is a replay. */
const REPLAY_WINDOW_MS = 5 * 60_000 + 30_000;

/** Parsed the way Bolt parses it: must be a JSON object (a null or an array would crash Bolt's receiver). */
export function slackBodyShapeOk(contentType: string | undefined, raw: string): boolean {
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const { payload } = parseQuery(raw);
      if (payload === undefined) return true;
      return typeof payload === 'string' && isObject(JSON.parse(payload));
    }
    return isObject(JSON.parse(raw));
  } catch {
    return false;
  }
}

/** When each request arrived, for the ack latency histogram (read back through Bolt's customProperties). */
export const receivedAt = new WeakMap<http.IncomingMessage, number>();

export interface HttpFront {
  server: http.Server;
  /** Refuse new Slack work (503) and report not-ready, while running work finishes. */
  drain(): void;
}

/**
 * The process's HTTP front: POST /slack/events (HTTP mode), GET /healthz, GET /readyz, GET /metrics.
 * Owning the server lets us refuse future-dated requests before Bolt sees them and drain on SIGTERM.
 */
export function createHttpFront(o: HttpServerOptions): HttpFront {
  let draining = false;
  const seen = new LRUCache<string, true>({ max: 100_000, ttl: REPLAY_WINDOW_MS });

  /**
   * Reads the body (refusing one over MAX_BODY_BYTES before buffering it), refuses replays and
   * bodies Bolt cannot handle, then hands Bolt the request with its body already read.
   */
  const slackEvent = async (req: http.IncomingMessage, res: http.ServerResponse, receiver: HTTPReceiver): Promise<void> => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      res.setHeader('connection', 'close');
      json(res, 413, { error: 'request body too large' });
      req.destroy();
      return;
    }
    let raw: Buffer;
    try {
      raw = await getRawBody(req, { limit: MAX_BODY_BYTES });
    } catch {
      res.setHeader('connection', 'close');
      json(res, 413, { error: 'request body too large or cut short' });
      req.destroy();
      return;
    }
    const text = raw.toString('utf8');
    const contentType = req.headers['content-type'];
    // Slack's connectivity check is unsigned: only `ssl_check=1` goes on (as Bolt does), nothing smuggled.
    if (contentType === 'application/x-www-form-urlencoded' && parseQuery(text).ssl_check === '1') {
      (req as http.IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.from('ssl_check=1');
      await receiver.requestListener(req, res);
      return;
    }
    // The one signature check (Bolt's own is off, see app.ts): signed by Slack and under 5 minutes old.
    const signature = req.headers['x-slack-signature'];
    const ts = Number(req.headers['x-slack-request-timestamp']);
    const signed =
      o.signingSecret !== undefined &&
      typeof signature === 'string' &&
      isValidSlackRequest({
        signingSecret: o.signingSecret,
        body: text,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
      });
    if (!signed) {
      o.logger.warn('refused a Slack request with a missing, wrong or stale signature');
      return json(res, 401, { error: 'invalid signature' });
    }
    if (seen.has(signature)) {
      o.logger.warn('dropped a replayed Slack request (same signature seen in the last 5 minutes)');
      return json(res, 401, { error: 'replayed request' });
    }
    // Remembered until the request is too old to pass the check anyway (its timestamp + 5 minutes).
    seen.set(signature, true, { ttl: Math.max(1000, ts * 1000 + REPLAY_WINDOW_MS - Date.now()) });
    if (!slackBodyShapeOk(contentType, text)) {
      o.logger.warn({ contentType }, 'refused a signed Slack request whose body is not a JSON object');
      return json(res, 400, { error: 'malformed body' });
    }
    (req as http.IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    await receiver.requestListener(req, res);
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/readyz') {
      if (draining) return json(res, 503, { ok: false, checks: { process: 'shutting down' } });
      void o.ready().then(
        (r) => json(res, r.ok ? 200 : 503, r),
        (e: unknown) => json(res, 503, { ok: false, checks: { error: errorText(e) } }),
      );
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      void o.metrics.text().then(
        (text) => {
          res.writeHead(200, { 'content-type': o.metrics.registry.contentType });
          res.end(text);
        },
        (e: unknown) => {
          o.logger.error({ err: errorText(e) }, 'metrics collection failed');
          json(res, 500, { error: 'metrics collection failed' });
        },
      );
      return;
    }
    if (o.receiver && path === '/slack/events') {
      // Slack only POSTs; anything else would reach Bolt as a deferred-request error (a 500 and an error log line).
      if (req.method !== 'POST') return json(res, 405, { error: 'method not allowed' });
      if (draining) return json(res, 503, { error: 'shutting down; try again in a moment' });
      const ts = Number(req.headers['x-slack-request-timestamp']);
      if (Number.isFinite(ts) && ts - Date.now() / 1000 > (o.maxFutureSkewSec ?? 300)) {
        o.logger.warn({ skewSec: Math.round(ts - Date.now() / 1000) }, 'refused a Slack request timestamped in the future');
        return json(res, 401, { error: 'request timestamp is too far in the future' });
      }
      receivedAt.set(req, performance.now());
      void slackEvent(req, res, o.receiver).catch((e: unknown) => {
        o.logger.error({ err: errorText(e) }, 'Slack request failed in the HTTP front');
        if (!res.headersSent) json(res, 500, { error: 'internal error' });
      });
      return;
    }
    json(res, 404, { error: 'not found' });
  });
  // A client that trickles its headers or body cannot hold a connection for Node's default 5 minutes.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  return {
    server,
    drain: () => {
      draining = true;
    },
  };
}
