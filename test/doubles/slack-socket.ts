import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SlackDouble } from './slack-api';
import { commandBody, type CommandFields } from './slack-requests';

/**
 * A stand-in for Slack's Socket Mode: a real WebSocket server on 127.0.0.1. The Web API double
 * answers apps.connections.open with one of its URLs (a single-use ticket, as Slack's are); the
 * bot connects, gets `hello`, receives envelopes and acks them over the socket.
 */

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
  at: number;
}

export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets';

export const APP_ID = 'A0WXA';

export class SlackSocketDouble {
  readonly acks: SocketAck[] = [];
  /** Connections that got hello, ever. */
  connections = 0;
  /** Handshakes refused (unknown or reused ticket). */
  refused = 0;
  private readonly server = http.createServer((_req, res) => res.writeHead(404).end());
  private readonly wss: WebSocketServer;
  private readonly tickets = new Set<string>();
  private readonly open = new Set<WebSocket>();
  private readonly events = new EventEmitter();
  private port = 0;

  constructor() {
    this.wss = new WebSocketServer({
      server: this.server,
      verifyClient: (info: { req: http.IncomingMessage }, cb: (ok: boolean, code?: number) => void) => {
        const url = new URL(info.req.url ?? '/', 'http://double');
        const ticket = url.searchParams.get('ticket') ?? '';
        const ok = url.pathname === '/link/' && this.tickets.delete(ticket);
        if (!ok) this.refused++;
        cb(ok, ok ? undefined : 401);
      },
    });
    this.wss.on('connection', (ws) => {
      this.open.add(ws);
      this.connections++;
      ws.on('message', (data) => {
        let m: { envelope_id?: string; payload?: Record<string, unknown> };
        try {
          m = JSON.parse(String(data)) as typeof m;
        } catch {
          return;
        }
        if (!m.envelope_id) return;
        this.acks.push({ envelope_id: m.envelope_id, payload: m.payload, at: Date.now() });
        this.events.emit('change');
      });
      ws.on('close', () => {
        this.open.delete(ws);
        this.events.emit('change');
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.open.size,
          debug_info: { host: 'applink-double-1', build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: APP_ID },
        }),
      );
      this.events.emit('change');
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Makes the Web API double answer apps.connections.open with this server's URLs. */
  attach(slack: SlackDouble): this {
    slack.socketUrl = () => this.issueUrl();
    return this;
  }

  /** A WebSocket URL with a fresh single-use ticket, as apps.connections.open returns. */
  issueUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=${APP_ID}`;
  }

  /** WebSocket connections open right now. */
  get openConnections(): number {
    return this.open.size;
  }

  /** Sends a slash command envelope (the payload has a slash command body's fields) to the newest connection. */
  sendCommand(f: CommandFields): string {
    const payload = { ...Object.fromEntries(new URLSearchParams(commandBody(f))), is_enterprise_install: 'false' };
    return this.sendEnvelope('slash_commands', payload);
  }

  sendEnvelope(type: string, payload: Record<string, unknown>): string {
    const ws = [...this.open].pop();
    if (!ws) throw new Error('SlackSocketDouble: no open connection to send to');
    const envelope_id = randomUUID();
    ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type === 'slash_commands' || type === 'interactive' }));
    return envelope_id;
  }

  /** Slack's request to reconnect; the client is expected to close the link itself. */
  disconnect(reason: DisconnectReason): void {
    for (const ws of this.open) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-double-1' } }));
  }

  /** Every open link cut without a close frame, as when a network path or a Slack host dies. */
  drop(): void {
    for (const ws of this.open) ws.terminate();
  }

  ackFor(envelopeId: string): SocketAck | undefined {
    return this.acks.find((a) => a.envelope_id === envelopeId);
  }

  waitForAck(envelopeId: string, timeoutMs = 10_000): Promise<SocketAck> {
    return this.waitFor(() => this.ackFor(envelopeId), `an ack for ${envelopeId}`, timeoutMs);
  }

  /** Resolves with predicate()'s value once truthy, checked on every connection change and ack. */
  waitFor<T>(predicate: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    const now = predicate();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = predicate();
        if (!v) return;
        clearTimeout(timer);
        this.events.off('change', check);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.events.off('change', check);
        reject(
          new Error(
            `SlackSocketDouble.waitFor timed out waiting for ${what} (connections: ${this.connections}, open: ${this.open.size}, acks: ${this.acks.length})`,
          ),
        );
      }, timeoutMs);
      this.events.on('change', check);
    });
  }

  async close(): Promise<void> {
    for (const ws of this.open) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export async function startSlackSocketDouble(): Promise<SlackSocketDouble> {
  return new SlackSocketDouble().start();
}
