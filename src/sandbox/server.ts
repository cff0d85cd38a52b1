import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PERFORMANCE_PATH } from '../wechat/client';
import { ENDPOINTS } from '../wechat/endpoints';
import type { EndpointKind } from '../wechat/types';
import { addDays, chinaToday, isComplete, periodContaining, type Granularity, type Period } from '../calendar/period';
import { hasData, refDate, retainBody, type Scale, summaryRow, visitRow } from './data';
import { type DipDay, dipDay, dipsFromEnv, MAX_DIP_FACTOR, validFactor, YESTERDAY } from './dip';
import { distributionBody, pageBody } from './analytics';
import { portraitBody } from './portrait';
import { performanceAnswer } from './performance';
import { type Refusal, type SecurityFault, SimulatorSecurity, type SimulatorSecurityOptions } from './security';

/**
 * An offline stand-in for api.weixin.qq.com: the token endpoints, the datacube analytics
 * endpoints and wxa/business/performance/boot, with WeChat's validation and errcodes. It is the
 * product's sandbox (used when no WECHAT_APPID is configured) and the double every test talks to.
 */

export const SANDBOX_APPID = 'wx00000000sandbox';
export const SANDBOX_SECRET = 'sandbox-secret-0000000000000000';

/** A failure to serve instead of the real answer, for fault tests. */
export type Fault =
  | { type: 'errcode'; errcode: number; errmsg?: string }
  | { type: 'status'; status: number }
  | { type: 'malformed' }
  | { type: 'delay'; ms: number }
  /** Answers only once releaseHeld() is called: a test decides when, instead of a timer. */
  | { type: 'hold' }
  | { type: 'empty' }
  | { type: 'hangup' }
  /**
   * Headers at once, then the real answer one byte every intervalMs (padded with leading
   * whitespace to `bytes` if given): an idle-gap timeout never fires, only a total deadline does.
   */
  | { type: 'drip'; intervalMs: number; bytes?: number }
  /** A 200 application/json answer of `bytes` bytes (`{"list":[`, spaces, `]}`), streamed in chunks. */
  | { type: 'huge'; bytes: number }
  /** Headers and the first half of the real answer, then the socket is destroyed. */
  | { type: 'cut' }
  /** In API security mode: an answer that fails verification in one way (see SecurityFault). */
  | SecurityFault;

const SECURITY_FAULTS: ReadonlySet<Fault['type']> = new Set([
  'tamper_signature',
  'tamper_answer',
  'unknown_serial',
  'stale_timestamp',
  'wrong_key',
  'wrong_appid',
  'unsigned',
]);

/** How a streamed fault answer (drip, huge, cut) ended. */
export type StreamOutcome =
  | 'writing'
  /** Every byte was written. */
  | 'finished'
  /** The client closed the connection before the simulator had written everything. */
  | 'client_gone'
  /** The simulator cut it on purpose (fault 'cut'). */
  | 'cut'
  /** Ended by close(). */
  | 'stopped';

export interface StreamRecord {
  path: string;
  fault: 'drip' | 'huge' | 'cut';
  /** Bytes the answer would have had in full. */
  total: number;
  /** Bytes handed to the socket so far. */
  bytesWritten: number;
  outcome: StreamOutcome;
}

export type FaultTarget = 'token' | 'datacube';

export interface SimulatorOptions {
  appid?: string;
  secret?: string;
  /** More mini programs served by the same simulator (each with its own figures and tokens). */
  extraApps?: { appid: string; secret: string }[];
  /** Fail this share of datacube calls with `errcode`, deterministically from `seed`. */
  errorRate?: { rate: number; errcode: number; seed?: number };
  now?: () => Date;
  tokenTtlSec?: number;
  host?: string;
  port?: number;
  /**
   * Days whose counts are multiplied by a factor (see `dip`): `{ '20170313': 0.5 }`. When absent,
   * the SANDBOX_DIP variable's (`20170313:0.5`, comma-separated for more); a bad value throws.
   */
  dips?: Readonly<Record<string, number>>;
  /**
   * WeChat's API security mode for the analytics endpoints: requests verified and decrypted (plain
   * ones refused while enforced), answers encrypted and signed. `true` generates every key.
   */
  security?: SimulatorSecurityOptions | true;
}

export interface SimulatorStats {
  tokenRequests: number;
  datacubeRequests: number;
  /** Analytics requests that were signed and encrypted, and verified. */
  secureRequests: number;
  /** Analytics requests refused by API security mode (errcodes 40230-40240). */
  securityRefusals: number;
  byPath: Record<string, number>;
  /** Every drip, huge and cut answer, in order of arrival. */
  streams: StreamRecord[];
}

const PADDING = Buffer.alloc(64 * 1024, 0x20);

interface IssuedToken {
  expiresAt: number;
  appid: string;
}

/** Datacube endpoints served, by name: the client's own table, so a new row is served too. */
const DATACUBE: ReadonlyMap<string, { kind: EndpointKind; granularity: Granularity; spans?: readonly number[] }> = new Map(
  Object.values(ENDPOINTS).map((e) => [e.path, { kind: e.kind, granularity: e.granularity, spans: e.spans }]),
);

/** Not under /datacube, but an analytics call all the same: same tokens, faults and stats. */

/** A WeChat error answer. */
type ErrorAnswer = { errcode: number; errmsg: string };

export class WeChatSimulator {
  readonly appid: string;
  readonly secret: string;
  readonly stats: SimulatorStats = {
    tokenRequests: 0,
    datacubeRequests: 0,
    secureRequests: 0,
    securityRefusals: 0,
    byPath: {},
    streams: [],
  };
  /** API security mode, when it is on: its keys, rotate(), enforce. */
  readonly security: SimulatorSecurity | undefined;
  private readonly server: http.Server;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly stableTokens = new Map<string, string>();
  private readonly secrets = new Map<string, string>();
  private random: () => number;
  private readonly faults: { target: FaultTarget; fault: Fault; remaining: number }[] = [];
  private readonly now: () => Date;
  private readonly ttlSec: number;
  private address: AddressInfo | undefined;
  private readonly arrivals = new EventEmitter();
  private readonly held = new EventEmitter().setMaxListeners(0);
  /** Stops for every streamed answer still being written, so close() leaves no timer running. */
  private readonly streaming = new Set<() => void>();
  private readonly dips = new Map<DipDay, number>();

  constructor(private readonly opts: SimulatorOptions = {}) {
    this.appid = opts.appid ?? SANDBOX_APPID;
    this.secret = opts.secret ?? SANDBOX_SECRET;
    this.now = opts.now ?? (() => new Date());
    this.ttlSec = opts.tokenTtlSec ?? 7200;
    this.secrets.set(this.appid, this.secret);
    for (const a of opts.extraApps ?? []) this.secrets.set(a.appid, a.secret);
    this.random = mulberry32(opts.errorRate?.seed ?? 1);
    for (const [d, factor] of Object.entries(opts.dips ?? dipsFromEnv())) this.dip(d, factor);
    this.security = opts.security ? new SimulatorSecurity(this.appid, opts.security === true ? {} : opts.security, this.now) : undefined;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server.keepAliveTimeout = 1000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.address = this.server.address() as AddressInfo;
    return this;
  }

  get url(): string {
    if (!this.address) throw new Error('simulator not started');
    return `http://127.0.0.1:${this.address.port}`;
  }

  async close(): Promise<void> {
    for (const stop of [...this.streaming]) stop();
    this.releaseHeld();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Serve `fault` for the next `times` requests to `target`. */
  inject(target: FaultTarget, fault: Fault, times = 1): void {
    this.faults.push({ target, fault, remaining: times });
  }

  /** Resolves once the simulator has received at least n datacube requests (counted on arrival). */
  waitForRequests(n: number, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        if (this.stats.datacubeRequests >= n) return resolve();
        if (Date.now() > deadline) return reject(new Error(`only ${this.stats.datacubeRequests} of ${n} datacube requests arrived`));
        this.arrivals.once('request', check);
      };
      check();
    });
  }

  /** Resolves once at least n streamed fault answers (drip, huge, cut) have ended, however they ended. */
  waitForStreams(n: number, timeoutMs = 20_000): Promise<StreamRecord[]> {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        const ended = this.stats.streams.filter((r) => r.outcome !== 'writing');
        if (ended.length >= n) return resolve(ended);
        if (Date.now() > deadline) return reject(new Error(`only ${ended.length} of ${n} streamed answers ended`));
        this.arrivals.once('stream-end', check);
      };
      check();
    });
  }

  /** Lets every request held by a `hold` fault go on to its real answer. */
  releaseHeld(): void {
    this.held.emit('release');
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /**
   * Multiplies the counts of `day` (visitors, new users, sessions, page views, shares) by `factor`,
   * for every mini program served, in every answer that covers the day: the daily and weekly (and
   * monthly) visit trend, retention, the daily summary, the visit distribution, pages and portraits.
   * `day` is YYYYMMDD, YYYY-MM-DD or 'yesterday' (the last complete day in China at each request);
   * a factor of 1 removes the dip, one above 1 makes a spike.
   */
  dip(day: string, factor: number): void {
    const key = dipDay(day);
    if (key === undefined) throw new Error(`a dip's day must be YYYYMMDD, YYYY-MM-DD or ${YESTERDAY}, not "${day}"`);
    if (!validFactor(factor)) throw new Error(`a dip's factor must be a number from 0 to ${MAX_DIP_FACTOR}, not ${factor}`);
    if (factor === 1) this.dips.delete(key);
    else this.dips.set(key, factor);
  }

  clearDips(): void {
    this.dips.clear();
  }

  /** The factor the counts of day d are multiplied by (1 when it has no dip). */
  dipOn(d: string): number {
    const fixed = this.dips.get(d);
    if (fixed !== undefined) return fixed;
    const yesterday = this.dips.get(YESTERDAY);
    return yesterday !== undefined && d === addDays(chinaToday(this.now()), -1) ? yesterday : 1;
  }

  /** An app of size `appScale`, with the dips. */
  private sized(appScale: number): Scale {
    return this.dips.size === 0 ? appScale : (d) => appScale * this.dipOn(d);
  }

  /** Every token issued so far stops working (answers 40001), as when another server rotates it. */
  revokeTokens(): void {
    this.tokens.clear();
    this.stableTokens.clear();
  }

  private takeFault(target: FaultTarget): Fault | undefined {
    const i = this.faults.findIndex((f) => f.target === target);
    if (i < 0) return undefined;
    const f = this.faults[i];
    if (--f.remaining <= 0) this.faults.splice(i, 1);
    return f.fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const { raw, json } = await readBody(req);
    let body = json;
    const path = url.pathname;
    this.stats.byPath[path] = (this.stats.byPath[path] ?? 0) + 1;
    const send = (o: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(o));
    };

    const isToken = path === '/cgi-bin/token' || path === '/cgi-bin/stable_token';
    const isPerformance = path === `/${PERFORMANCE_PATH}`;
    if (isToken) this.stats.tokenRequests++;
    else if (path.startsWith('/datacube/') || isPerformance) this.stats.datacubeRequests++;
    else return void res.writeHead(404).end();
    this.arrivals.emit('request');

    const fault = this.takeFault(isToken ? 'token' : 'datacube');
    const token = url.searchParams.get('access_token');

    // API security mode: the gateway's checks come before anything else looks at the request.
    let securedFor: string | undefined;
    const sec = this.security;
    if (sec && !isToken) {
      const signed = req.headers['wechatmp-signature'] !== undefined || req.headers['wechatmp-appid'] !== undefined;
      const tokenAppid = token ? this.tokens.get(token)?.appid : undefined;
      if (signed || (sec.enforce && sec.covers(tokenAppid ?? this.appid))) {
        const opened = sec.openRequest(`${sec.publicUrl ?? this.url}${path}`, req.headers, raw, tokenAppid);
        if ('errcode' in opened) {
          this.stats.securityRefusals++;
          return send(opened satisfies Refusal);
        }
        this.stats.secureRequests++;
        securedFor = opened.appid;
        body = opened.body;
      }
    }
    /** The answer as WeChat's: encrypted and signed when the request was. */
    const respond = (o: object) => {
      if (!sec || securedFor === undefined || fault?.type === 'unsigned') return send(o);
      const sealed = sec.sealAnswer(
        `${sec.publicUrl ?? this.url}${path}`,
        securedFor,
        o,
        fault && SECURITY_FAULTS.has(fault.type) ? (fault as SecurityFault) : undefined,
      );
      res.writeHead(200, { 'content-type': 'application/json', ...sealed.headers });
      res.end(sealed.body);
    };

    const answer = (): object => {
      if (isToken) return this.issueToken(path, url, body);
      if (isPerformance) return this.performance(token, body);
      return this.datacube(path.slice('/datacube/'.length), token, body);
    };
    if (fault) {
      if (fault.type === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
      else if (fault.type === 'hold') await new Promise((r) => this.held.once('release', r));
      else if (fault.type === 'errcode') {
        const o = { errcode: fault.errcode, errmsg: fault.errmsg ?? 'simulated error' };
        // The gateway refuses a badly secured call in the clear; other errors come as any answer does.
        return fault.errcode >= 40230 && fault.errcode <= 40240 ? send(o) : respond(o);
      } else if (fault.type === 'status')
        return void res.writeHead(fault.status, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
      else if (fault.type === 'malformed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"list": [');
      else if (fault.type === 'empty') return respond({ list: [], visit_uv: [], visit_uv_new: [] });
      else if (fault.type === 'drip') return this.drip(res, path, JSON.stringify(answer()), fault.intervalMs, fault.bytes);
      else if (fault.type === 'huge') return this.huge(res, path, fault.bytes);
      else if (fault.type === 'cut') return this.cut(res, path, JSON.stringify(answer()));
      else if (fault.type === 'hangup') return void req.socket.destroy();
    }

    return respond(answer());
  }

  /** Records a streamed answer and notes how it ended; `cleanup` runs once the response closes. */
  private track(res: http.ServerResponse, path: string, fault: StreamRecord['fault'], total: number, cleanup?: () => void): StreamRecord {
    const rec: StreamRecord = { path, fault, total, bytesWritten: 0, outcome: 'writing' };
    this.stats.streams.push(rec);
    const stop = () => {
      if (rec.outcome === 'writing') rec.outcome = 'stopped';
      res.destroy();
    };
    this.streaming.add(stop);
    res.once('close', () => {
      this.streaming.delete(stop);
      cleanup?.();
      if (rec.outcome === 'writing') rec.outcome = res.writableFinished && rec.bytesWritten >= total ? 'finished' : 'client_gone';
      this.arrivals.emit('stream-end');
    });
    return rec;
  }

  private drip(res: http.ServerResponse, path: string, json: string, intervalMs: number, bytes?: number): Promise<void> {
    const buf = Buffer.from(bytes !== undefined && bytes > json.length ? ' '.repeat(bytes - json.length) + json : json);
    let timer: NodeJS.Timeout | undefined;
    return new Promise((resolve) => {
      const rec = this.track(res, path, 'drip', buf.length, () => {
        clearInterval(timer);
        resolve();
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': buf.length });
      res.flushHeaders();
      timer = setInterval(
        () => {
          if (res.destroyed) return;
          res.write(buf.subarray(rec.bytesWritten, rec.bytesWritten + 1));
          rec.bytesWritten++;
          if (rec.bytesWritten >= buf.length) {
            clearInterval(timer);
            res.end();
          }
        },
        Math.max(1, intervalMs),
      );
    });
  }

  /** Streams `bytes` bytes with backpressure, never holding more than a chunk; stops once the client is gone. */
  private async huge(res: http.ServerResponse, path: string, bytes: number): Promise<void> {
    const head = Buffer.from('{"list":[');
    const tail = Buffer.from(']}');
    const total = Math.max(bytes, head.length + tail.length);
    const rec = this.track(res, path, 'huge', total);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': total });
    const write = async (chunk: Buffer): Promise<void> => {
      const ok = res.write(chunk);
      rec.bytesWritten += chunk.length;
      if (ok) return;
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go);
          res.off('close', go);
          resolve();
        };
        res.on('drain', go);
        res.on('close', go);
      });
    };
    await write(head);
    let left = total - head.length - tail.length;
    while (left > 0) {
      if (res.destroyed || rec.outcome !== 'writing') return;
      const n = Math.min(left, PADDING.length);
      await write(PADDING.subarray(0, n));
      left -= n;
    }
    if (res.destroyed || rec.outcome !== 'writing') return;
    await write(tail);
    res.end();
  }

  /** Headers and the first half of the answer, then the socket is destroyed once that half is sent. */
  private cut(res: http.ServerResponse, path: string, json: string): void {
    const buf = Buffer.from(json);
    const rec = this.track(res, path, 'cut', buf.length);
    const part = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': buf.length });
    res.write(part, () => {
      rec.bytesWritten = part.length;
      rec.outcome = 'cut';
      res.socket?.destroy();
    });
  }

  private issueToken(path: string, url: URL, body: Record<string, unknown>): object {
    const stable = path === '/cgi-bin/stable_token';
    const appid = stable ? body.appid : url.searchParams.get('appid');
    const secret = stable ? body.secret : url.searchParams.get('secret');
    const grant = stable ? body.grant_type : url.searchParams.get('grant_type');
    if (grant !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
    if (typeof appid !== 'string' || !this.secrets.has(appid)) return { errcode: 40013, errmsg: 'invalid appid' };
    if (secret !== this.secrets.get(appid)) return { errcode: 40125, errmsg: 'invalid appsecret' };
    const now = this.now().getTime();
    const current = this.stableTokens.get(appid);
    if (stable && body.force_refresh !== true && current) {
      // stable_token returns the same token while it is valid, rotating it 5 minutes before expiry.
      const t = this.tokens.get(current);
      if (t && t.expiresAt - now > 300_000) return { access_token: current, expires_in: Math.floor((t.expiresAt - now) / 1000) };
    }
    const token = `SBX${randomBytes(24).toString('hex')}`;
    this.tokens.set(token, { expiresAt: now + this.ttlSec * 1000, appid });
    if (stable) this.stableTokens.set(appid, token);
    return { access_token: token, expires_in: this.ttlSec };
  }

  /** The token checks every analytics call makes, then the simulated error rate; the caller's app size if all is well. */
  private authorize(token: string | null): { scale: number } | ErrorAnswer {
    if (!token) return { errcode: 41001, errmsg: 'access_token missing' };
    const t = this.tokens.get(token);
    if (!t) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    if (t.expiresAt <= this.now().getTime()) return { errcode: 42001, errmsg: 'access_token expired' };
    const er = this.opts.errorRate;
    if (er && this.random() < er.rate) return { errcode: er.errcode, errmsg: 'system error (simulated)' };
    return { scale: t.appid === this.appid ? 1 : appScale(t.appid) };
  }

  private performance(token: string | null, body: Record<string, unknown>): object {
    const auth = this.authorize(token);
    return 'errcode' in auth ? auth : performanceAnswer(body, this.now(), auth.scale);
  }

  private datacube(name: string, token: string | null, body: Record<string, unknown>): object {
    const ep = DATACUBE.get(name);
    if (!ep) return { errcode: 48001, errmsg: 'api unauthorized' };
    const auth = this.authorize(token);
    if ('errcode' in auth) return auth;
    const scale = this.sized(auth.scale);

    const begin = String(body.begin_date ?? '');
    const end = String(body.end_date ?? '');
    if (!validDate(begin) || !validDate(end)) return { errcode: 61500, errmsg: 'date format error' };
    if (ep.spans) return this.span(ep.spans, begin, end, scale);
    const p: Period = periodContaining(ep.granularity, begin);
    if (p.begin !== begin || p.end !== end || !isComplete(p, this.now())) return this.rangeError();
    switch (ep.kind) {
      case 'retain':
        return hasData(p) ? retainBody(p, this.now(), scale) : { ref_date: refDate(p), visit_uv_new: [], visit_uv: [] };
      case 'visitTrend':
        return { list: hasData(p) ? [visitRow(p, scale)] : [] };
      case 'dailySummary':
        // The summary's shares have never been sized per app; a dip applies all the same.
        return { list: hasData(p) ? [summaryRow(p, this.sized(1))] : [] };
      case 'visitDistribution':
        return distributionBody(p, scale);
      case 'visitPage':
        return pageBody(p, scale);
      case 'userPortrait':
        // A portrait takes spans (see `span`); served here too should its row ever lose them.
        return portraitBody(begin, end, 1, scale);
    }
  }

  /** An endpoint over the last 1, 7 or 30 days (the user portrait): end - begin is 0, 6 or 29, end at most yesterday. */
  private span(spans: readonly number[], begin: string, end: string, scale: Scale): object {
    const n = spans.find((days) => addDays(end, 1 - days) === begin);
    if (n === undefined || !isComplete({ granularity: 'daily', begin: end, end }, this.now())) return this.rangeError();
    return portraitBody(begin, end, n, scale);
  }

  private rangeError(): ErrorAnswer {
    return { errcode: 61501, errmsg: `date range error (today in China is ${chinaToday(this.now())})` };
  }
}

/** Another mini program: the same shapes, its own size. */
function appScale(appid: string): number {
  let h = 7;
  for (const c of appid) h = (h * 31 + c.charCodeAt(0)) % 1000;
  return 0.2 + h / 1000;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validDate(s: string): boolean {
  if (!/^\d{8}$/.test(s)) return false;
  const d = new Date(Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8)));
  return d.getUTCFullYear() === +s.slice(0, 4) && d.getUTCMonth() === +s.slice(4, 6) - 1 && d.getUTCDate() === +s.slice(6, 8);
}

/** The body as sent (API security mode signs it byte for byte) and as a JSON object ({} when it is not one). */
async function readBody(req: http.IncomingMessage): Promise<{ raw: string; json: Record<string, unknown> }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (chunks.length === 0) return { raw, json: {} };
  try {
    const o: unknown = JSON.parse(raw);
    return { raw, json: typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {} };
  } catch {
    return { raw, json: {} };
  }
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<WeChatSimulator> {
  return new WeChatSimulator(opts).start();
}
