import {
  constants,
  createCipheriv,
  createDecipheriv,
  type KeyObject,
  randomBytes,
  sign as rsaSign,
  verify as rsaVerify,
} from 'node:crypto';
import { errorFromErrcode, WeChatSecurityError } from './errors';
import type { RawAnswer } from './http';

// WeChat's API security mode (服务端 API 签名加密指南): every request body is encrypted with
// AES-256-GCM and signed with the app's RSA key (RSASSA-PSS, SHA-256, salt 32); every answer is
// signed with the platform's key and encrypted with the same symmetric key. Node's crypto only.

/** The most an answer's timestamp may be from this server's clock. */
export const ANSWER_MAX_SKEW_SEC = 300;

/** Where each part of the key material was configured, so that errors name the setting to fix. */
export interface SecuritySettingNames {
  symKey: string;
  symSn: string;
  privateKey: string;
  certs: string;
}

export const ENV_SETTING_NAMES: SecuritySettingNames = {
  symKey: 'WECHAT_SECURITY_SYM_KEY',
  symSn: 'WECHAT_SECURITY_SYM_SN',
  privateKey: 'WECHAT_SECURITY_PRIVATE_KEY_FILE',
  certs: 'WECHAT_SECURITY_CERTS',
};

/** What one mini program needs for API security mode, read and checked. */
export interface SecurityKeys {
  appid: string;
  /** The 32-byte AES-256-GCM key (the console's "API 对称密钥"). */
  symKey: Buffer;
  /** Its number in the admin console. */
  symSn: string;
  /** The app's RSA private key; its public key is the one registered in the console. */
  privateKey: KeyObject;
  /** The platform certificates' public keys by their number in the console (not the X.509 serial). */
  certs: ReadonlyMap<string, KeyObject>;
  names: SecuritySettingNames;
}

/** `urlpath|appid|timestamp|sn`: GCM's additional authenticated data, for requests and answers alike. */
export function aadOf(urlpath: string, appid: string, timestamp: number | string, sn: string): string {
  return `${urlpath}|${appid}|${timestamp}|${sn}`;
}

/** `urlpath\nappid\ntimestamp\nbody`: what is signed, for requests and answers alike (no final newline). */
export function signedText(urlpath: string, appid: string, timestamp: number | string, body: string): string {
  return `${urlpath}\n${appid}\n${timestamp}\n${body}`;
}

/** AES-256-GCM with a 12-byte iv and a 16-byte tag. */
export function gcmSeal(key: Buffer, iv: Buffer, plaintext: string, aad: string): { data: Buffer; authtag: Buffer } {
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return { data, authtag: c.getAuthTag() };
}

/** The plaintext, or a throw when the tag, key, iv or AAD do not match. */
export function gcmOpen(key: Buffer, iv: Buffer, data: Buffer, authtag: Buffer, aad: string): string {
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(authtag);
  return Buffer.concat([d.update(data), d.final()]).toString('utf8');
}

/** The body actually sent: `{"iv","data","authtag"}`, each base64. */
export function envelope(iv: Buffer, sealed: { data: Buffer; authtag: Buffer }): string {
  return JSON.stringify({ iv: iv.toString('base64'), data: sealed.data.toString('base64'), authtag: sealed.authtag.toString('base64') });
}

/** The plaintext: WeChat's three security fields first, then the call's own fields. */
export function securedPlaintext(body: object, appid: string, timestamp: number, nonce: string): string {
  return JSON.stringify({ _n: nonce, _appid: appid, _timestamp: timestamp, ...body });
}

/** RSASSA-PSS, SHA-256, salt length 32 (the guide's), base64. */
export function pssSign(key: KeyObject, text: string): string {
  return rsaSign('sha256', Buffer.from(text, 'utf8'), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
}

/**
 * Checks a PSS signature. Requests are signed with salt length 32; for answers the guide says the
 * salt length "usually need not be given", so by default it is read from the signature.
 */
export function pssVerify(
  key: KeyObject,
  text: string,
  signatureB64: string,
  saltLength: number = constants.RSA_PSS_SALTLEN_AUTO,
): boolean {
  const sig = Buffer.from(signatureB64, 'base64');
  if (sig.length === 0) return false;
  try {
    return rsaVerify('sha256', Buffer.from(text, 'utf8'), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig);
  } catch {
    return false;
  }
}

/** A random `_n`: 16-32 bytes of base64, of varying length, as the guide recommends. */
export function randomNonce(): string {
  return randomBytes(16 + Math.floor(Math.random() * 9))
    .toString('base64')
    .replace(/=+$/, '');
}

export interface SealedRequest {
  /** The exact body to send (signed as is). */
  body: string;
  headers: Record<string, string>;
  timestamp: number;
}

export interface ApiSecurityOptions {
  /** Called when an answer could only be verified with the certificate WeChat is retiring. */
  onDeprecated?: (sn: string) => void;
  maxSkewSec?: number;
}

/** One mini program's API security mode: seals requests, verifies and opens answers. */
export class ApiSecurity {
  constructor(
    readonly keys: SecurityKeys,
    private readonly opts: ApiSecurityOptions = {},
  ) {}

  /** Encrypts and signs `body` for `urlpath` (the URL without its query) at `timestamp` (Unix seconds). */
  seal(urlpath: string, body: object, timestamp: number, fixed: { iv?: Buffer; nonce?: string } = {}): SealedRequest {
    const { appid, symKey, symSn, privateKey } = this.keys;
    const iv = fixed.iv ?? randomBytes(12);
    const plaintext = securedPlaintext(body, appid, timestamp, fixed.nonce ?? randomNonce());
    const sent = envelope(iv, gcmSeal(symKey, iv, plaintext, aadOf(urlpath, appid, timestamp, symSn)));
    return {
      body: sent,
      timestamp,
      headers: {
        'content-type': 'application/json',
        'Wechatmp-Appid': appid,
        'Wechatmp-TimeStamp': String(timestamp),
        'Wechatmp-Signature': pssSign(privateKey, signedText(urlpath, appid, timestamp, sent)),
      },
    };
  }

  /**
   * The answer's plain object, once it is verified: signed by a configured platform certificate,
   * signed within 5 minutes of `nowSec`, for this mini program, decrypted, its inner _appid and
   * _timestamp those it was signed with. Nothing of an answer that fails is used. An unsigned
   * answer is accepted only as what it can do no harm as: WeChat refusing the call (an errcode).
   */
  open(urlpath: string, answer: RawAnswer, nowSec: number, label: string): Record<string, unknown> {
    const { appid, symKey, symSn, certs, names } = this.keys;
    const h = answer.headers;
    const current = { sn: h['wechatmp-serial'], sig: h['wechatmp-signature'] };
    const deprecated = { sn: h['wechatmp-serial-deprecated'], sig: h['wechatmp-signature-deprecated'] };
    const notUsed = 'The answer was not used.';
    if (!current.sig && !deprecated.sig) return this.unsigned(answer.text, label);

    const signedBy = [current, deprecated].filter((c): c is { sn: string; sig: string } => !!c.sn && !!c.sig);
    const held = signedBy.filter((c) => certs.has(c.sn.toLowerCase()));
    if (held.length === 0) {
      // The number comes from an unverified header: shown only when it looks like one (hex, 1-64 characters).
      const sns = signedBy.map((c) => (/^[0-9a-f]{1,64}$/i.test(c.sn) ? c.sn : 'an unrecognisable number'));
      const named =
        sns.length > 1
          ? `platform certificates ${sns.join(' and ')}, neither of which is configured`
          : `platform certificate ${sns[0]}, which is not configured`;
      throw new WeChatSecurityError(
        'unknown_serial',
        `WeChat's answer to ${label} was signed with ${named}: download the current platform certificate from the admin console ` +
          `(Development > Development settings > API security) and add it to ${names.certs} as <number>:<file>. ${notUsed}`,
      );
    }
    const answerAppid = h['wechatmp-appid'];
    if (answerAppid !== undefined && answerAppid !== appid) {
      throw new WeChatSecurityError(
        'wrong_app',
        `WeChat's answer to ${label} is signed for mini program ${answerAppid.slice(0, 40)}, not ${appid}. ${notUsed} Check WECHAT_API_BASE_URL and any proxy between this server and WeChat.`,
      );
    }
    const tsText = h['wechatmp-timestamp'] ?? '';
    if (!/^\d{1,12}$/.test(tsText)) {
      throw new WeChatSecurityError(
        'malformed',
        `WeChat's answer to ${label} has no usable Wechatmp-TimeStamp header. ${notUsed} Check any proxy between this server and WeChat.`,
      );
    }
    const text = signedText(urlpath, appid, tsText, answer.text);
    const good = held.find((c) => pssVerify(certs.get(c.sn.toLowerCase()) as KeyObject, text, c.sig));
    if (!good) {
      throw new WeChatSecurityError(
        'bad_signature',
        `WeChat's answer to ${label} failed its signature check with platform certificate ${held.map((c) => c.sn).join(' and ')}: ` +
          `it was changed on the way, or it did not come from WeChat. ${notUsed} If this persists, check any proxy between this server and WeChat.`,
      );
    }
    if (good === deprecated) this.opts.onDeprecated?.(good.sn);

    const ts = Number(tsText);
    const skew = ts - nowSec;
    if (Math.abs(skew) > (this.opts.maxSkewSec ?? ANSWER_MAX_SKEW_SEC)) {
      const off = Math.abs(skew) < 600 ? `${Math.abs(skew)} s` : `${Math.round(Math.abs(skew) / 60)} minutes`;
      throw new WeChatSecurityError(
        'stale',
        `WeChat's answer to ${label} was signed at ${new Date(ts * 1000).toISOString()}, ${off} ${skew < 0 ? 'before' : 'after'} this server's clock ` +
          `(at most 5 minutes allowed): an old answer replayed, or this server's clock is wrong. ${notUsed} Check the server's clock (NTP).`,
      );
    }

    const env = parseEnvelope(answer.text);
    let plaintext: string;
    try {
      if (!env) throw new Error('not an envelope');
      plaintext = gcmOpen(symKey, env.iv, env.data, env.authtag, aadOf(urlpath, appid, tsText, symSn));
    } catch {
      throw new WeChatSecurityError(
        'undecryptable',
        `WeChat's answer to ${label} is signed but could not be decrypted with symmetric key ${symSn}: ${names.symKey} or ${names.symSn} ` +
          `does not match the key and its number in the admin console (Development > Development settings > API security). ${notUsed}`,
      );
    }
    let inner: unknown;
    try {
      inner = JSON.parse(plaintext);
    } catch {
      inner = undefined;
    }
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
      throw new WeChatSecurityError(
        'malformed',
        `WeChat's answer to ${label} decrypted to something that is not a JSON object. ${notUsed}`,
      );
    }
    const { _n, _appid, _timestamp, ...plain } = inner as Record<string, unknown>;
    if (_appid !== appid) {
      throw new WeChatSecurityError(
        'wrong_app',
        `WeChat's answer to ${label} is for mini program ${String(_appid).slice(0, 40)}, not ${appid}. ${notUsed}`,
      );
    }
    if (Number(_timestamp) !== ts) {
      throw new WeChatSecurityError(
        'malformed',
        `WeChat's answer to ${label} carries _timestamp ${String(_timestamp).slice(0, 20)} inside, not the ${ts} it was signed with. ${notUsed}`,
      );
    }
    void _n;
    return plain;
  }

  /** No signature: WeChat's refusal of the call (its errcode) is believed, since it can only make the call fail; nothing else is. */
  private unsigned(text: string, label: string): never {
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      o = undefined;
    }
    const errcode = typeof o === 'object' && o !== null ? Number((o as Record<string, unknown>).errcode ?? 0) : 0;
    if (Number.isInteger(errcode) && errcode !== 0) {
      // Anyone between here and WeChat can write an unsigned answer: it may only make this call fail. Its
      // errmsg is not repeated (no IP or link of theirs in an admin's instructions), and it is final: not
      // retried, and a "token invalid" does not make the bot drop and refetch the token.
      throw errorFromErrcode(errcode, '', label).asFinal();
    }
    throw new WeChatSecurityError(
      'unsigned',
      `WeChat's answer to ${label} was not signed, though this bot calls WeChat in API security mode: it did not come from WeChat as it is, ` +
        'or API security is not switched on for this API in the admin console. The answer was not used. Check WECHAT_API_BASE_URL and any proxy between this server and WeChat.',
    );
  }
}

function parseEnvelope(text: string): { iv: Buffer; data: Buffer; authtag: Buffer } | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const { iv, data, authtag } = o as Record<string, unknown>;
  if (typeof iv !== 'string' || typeof data !== 'string' || typeof authtag !== 'string') return undefined;
  const out = { iv: Buffer.from(iv, 'base64'), data: Buffer.from(data, 'base64'), authtag: Buffer.from(authtag, 'base64') };
  return out.iv.length === 12 && out.authtag.length === 16 ? out : undefined;
}

/** The URL WeChat verifies: the request's URL without its query (`https://api.weixin.qq.com/datacube/…`). */
export function urlPathOf(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '').split('?')[0]}`;
}
