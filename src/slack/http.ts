import http from 'node:http';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';

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
  /** Slack requests timestamped further ahead than this are refused (Bolt only refuses old ones). */
  maxFutureSkewSec?: number;
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
        (e: unknown) => json(res, 503, { ok: false, checks: { error: e instanceof Error ? e.message : String(e) } }),
      );
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      void o.metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': o.metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    if (o.receiver && path === '/slack/events') {
      if (draining) return json(res, 503, { error: 'shutting down; try again in a moment' });
      const ts = Number(req.headers['x-slack-request-timestamp']);
      if (Number.isFinite(ts) && ts - Date.now() / 1000 > (o.maxFutureSkewSec ?? 300)) {
        o.logger.warn({ skewSec: Math.round(ts - Date.now() / 1000) }, 'refused a Slack request timestamped in the future');
        return json(res, 401, { error: 'request timestamp is too far in the future' });
      }
      receivedAt.set(req, performance.now());
      return o.receiver.requestListener(req, res);
    }
    json(res, 404, { error: 'not found' });
  });
  return {
    server,
    drain: () => {
      draining = true;
    },
  };
}
