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
