import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Slack's Web API (reached through SLACK_API_URL), its file upload URLs
 * and command response_urls. It records every call so tests and the benchmark can see what
 * Slack received. Test and benchmark tooling: the bot itself never starts it.
 */

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  /** Date.now() when it arrived. */
  at: number;
}

export interface Upload {
  fileId: string;
  bytes: Buffer;
  filename: string | undefined;
}

/** One failed answer: an HTTP status, a Slack error, or (reset) the connection destroyed without an answer. */
export type SlackFault = { status: 429; retryAfterSec: number } | { status: 500 } | { error: string } | { reset: true };

export class SlackDouble {
  readonly calls: RecordedCall[] = [];
  readonly uploads: Upload[] = [];
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  /** Every message posted (chat.postMessage), as conversations.history and .replies give them back. */
  readonly messages: {
    channel: string;
    ts: string;
    thread_ts?: string;
    text: unknown;
    metadata?: unknown;
    files?: { id: string }[];
    bot_id: string;
  }[] = [];
  private lastTs = 0;
  /** Channels the bot is a member of. Public channels start with C; the bot may join them. */
  readonly members = new Set<string>();
  /** Channels Slack says do not exist (deleted, or never visible to the bot). */
  readonly gone = new Set<string>();
  /**
   * The channels each user is in, for users.conversations. A user not listed is in the channels the
   * bot is a member of.
   */
  readonly userChannels = new Map<string, string[]>();
  /** response_url ids that answer 404, as Slack does after 30 minutes or 5 uses. */
  readonly expiredResponses = new Set<string>();
  private readonly events = new EventEmitter();
  private readonly server: http.Server;
  private readonly faults = new Map<string, SlackFault[]>();
  private port = 0;
  private nextId = 1;
  private readonly pendingFiles = new Map<string, { filename: string; length: number }>();
  private readonly gates = new Map<string, (call: RecordedCall) => Promise<void>>();
  /**
   * What apps.connections.open answers as the Socket Mode WebSocket URL (a function is asked on
   * every call, for a fresh ticket). Unset: the method answers unknown_method.
   */
  socketUrl: string | (() => string) | undefined;

  /**
   * The benchmark turns keepUploadBytes off so thousands of PNGs are not kept in memory, and
   * memberEverywhere on so each of its thousands of channels needs no set-up.
   */
  constructor(private readonly opts: { keepUploadBytes?: boolean; memberEverywhere?: boolean } = {}) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        res.writeHead(500).end(String(e));
      });
    });
    this.events.setMaxListeners(100);
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id = String(this.nextId++)): string {
    return `${this.url}/respond/${id}`;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  fail(method: string, fault: SlackFault, times = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method, list);
  }

  private isMember(channel: string): boolean {
    return this.opts.memberEverywhere === true || this.members.has(channel);
  }

  /**
   * Before answering a call of `method`, waits for `fn` (recorded already): a test does something
   * at that exact point, e.g. stops the bot's store between a post and its record.
   */
  gate(method: string, fn: ((call: RecordedCall) => Promise<void>) | undefined): void {
    if (fn) this.gates.set(method, fn);
    else this.gates.delete(method);
  }

  /**
   * Holds every `method` call until release(): `arrived` resolves at the first one. release() lets the
   * held calls go on and stops holding new ones.
   */
  hold(method: string): { arrived: Promise<void>; release: () => void } {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let arrive: () => void = () => {};
    const arrived = new Promise<void>((r) => (arrive = r));
    this.gate(method, async () => {
      arrive();
      await held;
    });
    return {
      arrived,
      release: () => {
        this.gate(method, undefined);
        release();
      },
    };
  }

  /** Calls `fn` with every Web API call as it is recorded; returns a function that stops it. */
  onCall(fn: (call: RecordedCall) => void): () => void {
    this.events.on('call', fn);
    return () => void this.events.off('call', fn);
  }

  /** Resolves once `predicate` holds, checked after every request; rejects after timeoutMs. */
  waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.events.off('request', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.events.off('request', check);
        reject(new Error(`SlackDouble.waitFor timed out; calls so far: ${this.calls.map((c) => c.method).join(', ')}`));
      }, timeoutMs);
      this.events.on('request', check);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', this.url).pathname;
    try {
      if (path.startsWith('/upload/')) return await this.upload(path.slice(8), req, raw, res);
      if (path.startsWith('/respond/')) {
        const id = path.slice(9);
        if (this.expiredResponses.has(id)) return void res.writeHead(404).end('expired_url');
        this.responses.push({ id, body: JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown> });
        res.writeHead(200).end('ok');
        return;
      }
      if (!path.startsWith('/api/')) return void res.writeHead(404).end();
      const method = path.slice(5);
      const args = parseArgs(req.headers['content-type'] ?? '', raw);
      const call = { method, args, headers: req.headers, at: Date.now() };
      this.calls.push(call);
      this.events.emit('call', call);
      const gate = this.gates.get(method);
      if (gate) await gate(call);
      const fault = this.faults.get(method)?.shift();
      if (fault && 'reset' in fault) return void req.socket.destroy();
      if (fault && 'status' in fault) {
        const headers: Record<string, string> = fault.status === 429 ? { 'retry-after': String(fault.retryAfterSec) } : {};
        return void res.writeHead(fault.status, headers).end();
      }
      const body = fault ? { ok: false, error: fault.error } : this.api(method, args, req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } finally {
      this.events.emit('request');
    }
  }

  /** A ts unique in the double, as Slack's are in a channel (two posts in one millisecond get different ones). */
  private nextTs(): string {
    this.lastTs = Math.max(this.lastTs + 1, Date.now() * 1000);
    return `${Math.floor(this.lastTs / 1e6)}.${String(this.lastTs % 1e6).padStart(6, '0')}`;
  }

  private api(method: string, a: Record<string, unknown>, headers: http.IncomingHttpHeaders = {}): Record<string, unknown> {
    const channel = String(a.channel ?? a.channel_id ?? '');
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://double.slack.test/',
          team: 'Double',
          user: 'wxa',
          team_id: 'T0DOUBLE',
          user_id: 'UBOT',
          bot_id: 'BBOT',
        };
      case 'chat.postMessage': {
        if (!this.isMember(channel)) return { ok: false, error: 'not_in_channel' };
        const ts = this.nextTs();
        const thread = a.thread_ts ? { thread_ts: String(a.thread_ts) } : {};
        this.messages.push({ channel, ts, ...thread, text: a.text, metadata: a.metadata, bot_id: 'BBOT' });
        return { ok: true, channel, ts, message: { text: a.text } };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        if (!this.isMember(channel)) return { ok: false, error: 'not_in_channel' };
        const oldest = Number(a.oldest ?? 0);
        const inThread = (m: { ts: string; thread_ts?: string }) => m.ts === String(a.ts) || m.thread_ts === String(a.ts);
        const found = this.messages
          .filter((m) => m.channel === channel && Number(m.ts) >= oldest)
          .filter((m) => (method === 'conversations.replies' ? inThread(m) : m.thread_ts === undefined))
          .map(({ channel: _c, metadata, ...m }) => ({ type: 'message', ...m, ...(a.include_all_metadata ? { metadata } : {}) }));
        return { ok: true, messages: method === 'conversations.history' ? found.reverse() : found, has_more: false };
      }
      case 'chat.postEphemeral':
        if (!this.isMember(channel)) return { ok: false, error: 'not_in_channel' };
        return { ok: true, message_ts: `${Date.now() / 1000}` };
      case 'views.open':
      case 'views.push':
        // A trigger_id is good for one view within 3 s; the double only checks there is one.
        if (!a.trigger_id) return { ok: false, error: 'invalid_arguments' };
        return { ok: true, view: this.viewAnswer(a.view) };
      case 'views.update':
        if (!a.view_id && !a.external_id) return { ok: false, error: 'invalid_arguments' };
        return { ok: true, view: this.viewAnswer(a.view) };
      case 'views.publish':
        if (!a.user_id) return { ok: false, error: 'invalid_arguments' };
        return { ok: true, view: this.viewAnswer(a.view) };
      case 'users.conversations': {
        const all = this.userChannels.get(String(a.user ?? '')) ?? [...this.members];
        const limit = Math.min(Math.max(Number(a.limit) || 100, 1), 1000);
        const from = Number(a.cursor || 0);
        const page = all.slice(from, from + limit);
        const next = from + limit < all.length ? String(from + limit) : '';
        return {
          ok: true,
          channels: page.map((id) => ({ id, is_channel: id.startsWith('C'), is_private: id.startsWith('G') })),
          response_metadata: { next_cursor: next },
        };
      }
      case 'conversations.info':
        if (this.gone.has(channel)) return { ok: false, error: 'channel_not_found' };
        return {
          ok: true,
          channel: { id: channel, is_member: this.isMember(channel), is_private: channel.startsWith('G'), is_archived: false },
        };
      case 'conversations.join':
        if (!channel.startsWith('C')) return { ok: false, error: 'method_not_supported_for_channel_type' };
        this.members.add(channel);
        return { ok: true, channel: { id: channel } };
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(this.nextId++).padStart(6, '0')}`;
        this.pendingFiles.set(fileId, { filename: String(a.filename), length: Number(a.length) });
        return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        if (channel && !this.isMember(channel)) return { ok: false, error: 'not_in_channel' };
        const files = (Array.isArray(a.files) ? a.files : []) as { id: string; title?: string }[];
        // Shared as a message of the channel (or thread), as Slack shows an upload.
        const thread = a.thread_ts ? { thread_ts: String(a.thread_ts) } : {};
        this.messages.push({ channel, ts: this.nextTs(), ...thread, text: '', files: files.map((f) => ({ id: f.id })), bot_id: 'BBOT' });
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title, name: this.pendingFiles.get(f.id)?.filename })) };
      }
      case 'apps.connections.open': {
        const url = typeof this.socketUrl === 'function' ? this.socketUrl() : this.socketUrl;
        if (!url) return { ok: false, error: 'unknown_method' };
        // Slack wants the app-level token here, never the bot token.
        if (!/^Bearer xapp-/.test(String(headers.authorization ?? ''))) return { ok: false, error: 'not_allowed_token_type' };
        return { ok: true, url };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private viewAnswer(view: unknown): Record<string, unknown> {
    const v = view && typeof view === 'object' ? (view as Record<string, unknown>) : {};
    return { ...v, id: `V${String(this.nextId++).padStart(6, '0')}` };
  }

  private async upload(fileId: string, req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): Promise<void> {
    const fault = this.faults.get('upload')?.shift();
    if (fault && 'reset' in fault) return void req.socket.destroy();
    if (fault && 'status' in fault) {
      this.calls.push({ method: 'upload', args: { fileId, failed: fault.status }, headers: req.headers, at: Date.now() });
      const headers: Record<string, string> = fault.status === 429 ? { 'retry-after': String(fault.retryAfterSec) } : {};
      return void res.writeHead(fault.status, headers).end();
    }
    const type = req.headers['content-type'] ?? 'application/octet-stream';
    let bytes = raw;
    let filename: string | undefined;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string');
      if (part && typeof part !== 'string') {
        bytes = Buffer.from(await part.arrayBuffer());
        filename = part.name;
      }
    }
    this.uploads.push({ fileId, bytes: this.opts.keepUploadBytes === false ? bytes.subarray(0, 32) : bytes, filename });
    this.calls.push({ method: 'upload', args: { fileId, length: bytes.length }, headers: req.headers, at: Date.now() });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }
}

function parseArgs(contentType: string, raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType.includes('application/json')) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export async function startSlackDouble(opts: { keepUploadBytes?: boolean; memberEverywhere?: boolean } = {}): Promise<SlackDouble> {
  return new SlackDouble(opts).start();
}
