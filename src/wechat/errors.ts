/** What kind of failure a WeChat call hit; decides retries and the words users see. */
export type WeChatErrorKind =
  | 'token_invalid'
  | 'ip_not_whitelisted'
  | 'quota_daily'
  | 'quota_minute'
  | 'bad_credentials'
  | 'unauthorized'
  | 'bad_dates'
  | 'not_ready'
  | 'busy'
  | 'http'
  /** Could not connect at all: refused, DNS, no route. */
  | 'network'
  /** Connected, but WeChat or a proxy cut the connection before the answer was complete. */
  | 'connection_cut'
  | 'timeout'
  /** The answer was bigger than MAX_ANSWER_BYTES; the same answer would come again, so not retried. */
  | 'too_large'
  | 'bad_response'
  | 'token_service'
  /**
   * API security mode (signed and encrypted calls): an answer that failed verification (see
   * WeChatSecurityError.problem), or WeChat refusing a request's signature or encryption (errcodes
   * 40230-40240). The same would happen again: never retried, and the answer is never used.
   */
  | 'security'
  | 'other';

const RETRYABLE: ReadonlySet<WeChatErrorKind> = new Set([
  'busy',
  'not_ready',
  'http',
  'network',
  'connection_cut',
  'timeout',
  'bad_response',
]);

export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/**
 * A failed WeChat call. `message` is safe to show to users and to log: it never holds
 * the access_token, the AppSecret or a URL with either in it.
 */
export class WeChatError extends Error {
  override readonly name = 'WeChatError';
  constructor(
    readonly kind: WeChatErrorKind,
    message: string,
    /** WeChat's errcode, or the HTTP status for kind "http"; undefined for network failures. */
    readonly code?: number,
    /** Already retried at a lower level (e.g. the token fetch): retrying again would multiply the waits. */
    readonly final = false,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return !this.final && RETRYABLE.has(this.kind);
  }

  asFinal(): WeChatError {
    return new WeChatError(this.kind, this.message, this.code, true);
  }
}

/** What went wrong in API security mode. */
export type SecurityProblem =
  /** The answer carried no signature although the call was signed (and no WeChat errcode either). */
  | 'unsigned'
  /** Signed with a platform certificate number that is not configured. */
  | 'unknown_serial'
  /** The signature does not verify with the certificate it names. */
  | 'bad_signature'
  /** The answer's timestamp is more than 5 minutes from this server's clock. */
  | 'stale'
  /** Signed for, or encrypted for, another mini program. */
  | 'wrong_app'
  /** Verified, but it does not decrypt with the configured symmetric key. */
  | 'undecryptable'
  /** Verified and decrypted, but its inner _timestamp differs from the signed one, or it is not the documented envelope. */
  | 'malformed'
  /** Verified, but it answers other dates than those asked for (an old answer replayed). */
  | 'mismatched'
  /** WeChat refused the request's signature or encryption (errcode 40230-40240). */
  | 'refused';

/** A failure of API security mode: kind 'security', never retried, the answer never used. */
export class WeChatSecurityError extends WeChatError {
  constructor(
    readonly problem: SecurityProblem,
    message: string,
    code?: number,
    final = false,
  ) {
    super('security', message, code, final);
  }

  override asFinal(): WeChatSecurityError {
    return new WeChatSecurityError(this.problem, this.message, this.code, true);
  }
}

/** WeChat's errcodes for a request that API security mode refused (服务端 API 签名加密指南, 错误码). */
export const SECURITY_ERRCODES: Readonly<Record<number, string>> = {
  40230: 'Wechatmp-Serial',
  40231: 'Wechatmp-TimeStamp',
  40232: 'Wechatmp-Signature',
  40233: 'Wechatmp-Appid',
};

const CONSOLE = 'the admin console (Development > Development settings > API security)';
const SETTINGS_NOTE = '(for a mini program of WECHAT_APPS_FILE: its security: fields)';

function ipFrom(errmsg: string): string | undefined {
  return errmsg.match(/\b(\d{1,3}(?:\.\d{1,3}){3})\b/)?.[1] ?? errmsg.match(/ipv6\s+([0-9a-f:.]+)/i)?.[1];
}

/** Maps a WeChat `{errcode, errmsg}` answer to a typed error with actionable text. */
export function errorFromErrcode(errcode: number, errmsg: string, endpoint: string): WeChatError {
  const tail = `(WeChat errcode ${errcode} on ${endpoint})`;
  switch (errcode) {
    case 40001:
    case 40014:
    case 42001:
      return new WeChatError('token_invalid', `WeChat rejected the access token ${tail}.`, errcode);
    case 40164: {
      const ip = ipFrom(errmsg);
      const who = ip ? `this server's IP ${ip} is` : "this server's IP is";
      return new WeChatError(
        'ip_not_whitelisted',
        `WeChat refused the call: ${who} not on the mini program's IP whitelist. ` +
          `An admin should add ${ip ?? 'it'} under Development > Development settings > IP whitelist in the WeChat admin console, then try again ${tail}.`,
        errcode,
      );
    }
    case 89503:
      return new WeChatError(
        'unauthorized',
        `WeChat wants an admin of the mini program to confirm calls from this server's IP. Approve it in the WeChat admin notification, then try again ${tail}.`,
        errcode,
      );
    case 45009:
      return new WeChatError(
        'quota_daily',
        `The mini program's daily WeChat API quota is used up. Try again tomorrow, or have an admin reset the quota in the WeChat admin console ${tail}.`,
        errcode,
      );
    case 45011:
      return new WeChatError('quota_minute', `WeChat's per-minute API limit was reached. Wait a minute and try again ${tail}.`, errcode);
    case 40013:
      return new WeChatError(
        'bad_credentials',
        `WeChat does not recognise the AppID. Check WECHAT_APPID in the bot's configuration ${tail}.`,
        errcode,
      );
    case 40125:
      return new WeChatError(
        'bad_credentials',
        `WeChat rejected the AppSecret. Check WECHAT_SECRET in the bot's configuration; it changes when someone resets it in the admin console ${tail}.`,
        errcode,
      );
    case 41001:
    case 48001:
      return new WeChatError(
        'unauthorized',
        `This mini program is not allowed to call ${endpoint}. Check that the AppID is a mini program with analytics access ${tail}.`,
        errcode,
      );
    case 61500:
    case 61501:
      return new WeChatError(
        'bad_dates',
        `WeChat rejected the dates: it only serves one complete day, Monday-to-Sunday week or calendar month at a time ${tail}.`,
        errcode,
      );
    case 61503:
      return new WeChatError(
        'not_ready',
        `WeChat has not finished preparing this data yet. It is usually ready by mid-morning China time; try again later ${tail}.`,
        errcode,
      );
    case 40230:
      return new WeChatSecurityError(
        'refused',
        `WeChat refused the call for lack of a Wechatmp-Serial header, which its API security guide does not ask for in requests. Please report this to the bot's maintainers ${tail}.`,
        errcode,
      );
    case 40231:
    case 40232:
    case 40233:
      return new WeChatSecurityError(
        'refused',
        `WeChat expects ${endpoint} signed and encrypted (API security is on for it in ${CONSOLE}), but the request had no ${SECURITY_ERRCODES[errcode]} header. ` +
          `Set WECHAT_SECURITY_SYM_KEY, WECHAT_SECURITY_SYM_SN, WECHAT_SECURITY_PRIVATE_KEY_FILE and WECHAT_SECURITY_CERTS ${SETTINGS_NOTE}; if they are set, a proxy between this server and WeChat drops the Wechatmp-* headers ${tail}.`,
        errcode,
      );
    case 40234:
      return new WeChatSecurityError(
        'refused',
        `WeChat could not verify the request's signature: the private key in WECHAT_SECURITY_PRIVATE_KEY_FILE ${SETTINGS_NOTE} is not the one whose public key is registered in ${CONSOLE}, or a proxy changed the request on the way ${tail}.`,
        errcode,
      );
    case 40235:
      return new WeChatSecurityError(
        'refused',
        `WeChat could not decrypt the request: WECHAT_SECURITY_SYM_KEY or WECHAT_SECURITY_SYM_SN ${SETTINGS_NOTE} does not match the symmetric key and its number in ${CONSOLE} ${tail}.`,
        errcode,
      );
    case 40236:
      return new WeChatSecurityError(
        'refused',
        `WeChat does not accept the AppID of the request's Wechatmp-Appid header. Check WECHAT_APPID ${tail}.`,
        errcode,
      );
    case 40237:
      return new WeChatSecurityError(
        'refused',
        `WeChat says the request's AppID and its access token belong to different mini programs. Check WECHAT_APPID and where the token comes from (WECHAT_TOKEN_MODE, WECHAT_TOKEN_URL) ${tail}.`,
        errcode,
      );
    case 40238:
    case 40239:
      return new WeChatSecurityError(
        'refused',
        `API security is not set up for this mini program: WeChat has no ${errcode === 40238 ? 'symmetric key' : 'public key'} for it. ` +
          `Set one in ${CONSOLE}, or unset WECHAT_SECURITY_SYM_KEY to call WeChat without security mode ${tail}.`,
        errcode,
      );
    case 40240:
      return new WeChatSecurityError(
        'refused',
        `WeChat found the request's timestamp too far from its own clock. Set this server's clock right (NTP) ${tail}.`,
        errcode,
      );
    case -1:
      return new WeChatError('busy', `WeChat is busy and kept failing. Try again in a few minutes ${tail}.`, errcode);
    default:
      return new WeChatError('other', `WeChat returned an error: ${sanitizeErrmsg(errmsg)} ${tail}.`, errcode);
  }
}

/** errmsg is WeChat's text; keep it short and free of anything that looks like a query string. */
export function sanitizeErrmsg(errmsg: string): string {
  return errmsg.replace(/[?&][a-z_]+=[^\s&]*/gi, '').slice(0, 200);
}
