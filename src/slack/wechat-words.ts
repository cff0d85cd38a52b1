import { type Language, translator, type Translate } from '../i18n';
import { type WeChatError, WeChatSecurityError } from '../wechat/errors';

// A WeChatError in the reader's language. The English is the error's own message (written in
// src/wechat); other languages are built from its kind and the facts its message carries (errcode,
// endpoint, IP, sizes). Plain text: the caller redacts and escapes the whole, as for English.

/** One of the message forms src/wechat writes, and its words in another language. */
type Form = [RegExp, (m: RegExpMatchArray, t: Translate, e: WeChatError) => string];

const TAIL = /\s*\(WeChat errcode (-?\d+) on (.+?)\)\.$/s;

/** A request's name as src/wechat writes it ("the access_token request", an endpoint). */
function label(raw: string, t: Translate): string {
  if (raw === 'the stable_token request') return t('error.wechat.label.stable');
  if (raw === 'the access_token request') return t('error.wechat.label.access');
  const service = raw.match(/^[Tt]he token service (.+)$/s);
  if (service) return t('error.wechat.label.service', { url: service[1] });
  return raw;
}

/** The forms that end with "(WeChat errcode N on endpoint)." — by errcode and kind. */
function errcodeWords(e: WeChatError, body: string, tail: string, endpoint: string, t: Translate): string | undefined {
  switch (e.kind) {
    case 'token_invalid':
      return t('error.wechat.token_invalid', { tail });
    case 'ip_not_whitelisted': {
      const ip = body.match(/IP (\S+) is not/)?.[1];
      return ip
        ? `${t('error.wechat.ip', { ip })}${t('error.wechat.ipAction', { ip, tail })}`
        : `${t('error.wechat.ipUnknown')}${t('error.wechat.ipUnknownAction', { tail })}`;
    }
    case 'unauthorized':
      return e.code === 89503 ? t('error.wechat.confirmIp', { tail }) : t('error.wechat.notAllowed', { endpoint, tail });
    case 'quota_daily':
      return t('error.wechat.quota_daily', { tail });
    case 'quota_minute':
      return t('error.wechat.quota_minute', { tail });
    case 'bad_credentials':
      return e.code === 40125 ? t('error.wechat.secret', { tail }) : t('error.wechat.appid', { tail });
    case 'bad_dates':
      return t('error.wechat.bad_dates', { tail });
    case 'not_ready':
      return t('error.wechat.not_ready', { tail });
    case 'busy':
      return t('error.wechat.busy', { tail });
    default: {
      const errmsg = body.match(/^WeChat returned an error: (.*)$/s)?.[1];
      return errmsg === undefined ? undefined : t('error.wechat.errmsg', { errmsg, tail });
    }
  }
}

const FORMS: Form[] = [
  [
    /^WeChat answered HTTP (\d+) for (.+)\. Try again in a few minutes\.$/s,
    (m, t) => t('error.wechat.http5xx', { status: m[1], label: label(m[2], t) }),
  ],
  [
    /^WeChat answered HTTP (\d+) for (.+)\. Check WECHAT_API_BASE_URL\.$/s,
    (m, t) => t('error.wechat.httpOther', { status: m[1], label: label(m[2], t) }),
  ],
  [/^WeChat answered (.+) with something that is not JSON/s, (m, t) => t('error.wechat.notJson', { label: label(m[1], t) })],
  [/^WeChat answered (.+) with unexpected JSON\./s, (m, t) => t('error.wechat.badJson', { label: label(m[1], t) })],
  [/^(.+) answered without a usable access_token\/expires_in\./s, (m, t) => t('error.wechat.noToken', { label: label(m[1], t) })],
  [/^WeChat did not answer (.+) within (\d+) s\./s, (m, t) => t('error.wechat.timeout', { label: label(m[1], t), seconds: m[2] })],
  [/^WeChat's answer to (.+) was larger than (\S+ [KM]B)/s, (m, t) => t('error.wechat.too_large', { label: label(m[1], t), size: m[2] })],
  [
    /^The bot's request for (.+) was larger than (\S+ [KM]B)/s,
    (m, t) => t('error.wechat.requestTooLarge', { label: label(m[1], t), size: m[2] }),
  ],
  [
    /^Could not reach WeChat for (.+) \((.+?)\)\. Check the server's network/s,
    (m, t) => t('error.wechat.network', { label: label(m[1], t), code: m[2] === 'network error' ? t('error.wechat.networkError') : m[2] }),
  ],
  [
    /^WeChat \(or a proxy in between\) dropped the connection while answering (.+) \((.+?)\)\. /s,
    (m, t) =>
      t('error.wechat.connection_cut', {
        label: label(m[1], t),
        code: m[2] === 'closed before the answer was complete' ? t('error.wechat.cutEarly') : m[2],
      }),
  ],
  [/\. No call was made to WeChat\.$/s, (_m, t) => t('error.wechat.badPeriod')],
];

/** An API security mode failure: worded by its problem, with the certificate and setting it names. */
function securityWords(e: WeChatSecurityError, t: Translate): string {
  if (e.problem === 'refused') {
    const tail = e.message.match(TAIL);
    return t('error.wechat.security.refused', { tail: tail ? t('error.wechat.tail', { code: tail[1], endpoint: label(tail[2], t) }) : '' });
  }
  if (e.problem === 'unknown_serial') {
    const serial =
      e.message.match(/platform certificates? (.+?)(?:, (?:which is|neither of which is) not configured|, neither)/s)?.[1] ?? '';
    const setting = e.message.match(/add it to (\S+) as/)?.[1] ?? 'WECHAT_SECURITY_CERTS';
    return t('error.wechat.security.unknown_serial', { serial: serial.replace(' and ', '、'), setting });
  }
  return t(`error.wechat.security.${e.problem}`);
}

/** The message of a WeChat error (or the part before the token service's advice) in another language. */
function translated(e: WeChatError, message: string, t: Translate): string {
  if (e instanceof WeChatSecurityError) return securityWords(e, t);
  const service = message.match(/^(.*) Check WECHAT_TOKEN_URL and that the token service is up\.$/s);
  if (service) return t('error.wechat.tokenService', { text: translated(e, service[1], t) });
  const tail = message.match(TAIL);
  if (tail) {
    const endpoint = label(tail[2], t);
    const words = errcodeWords(
      e,
      message.slice(0, tail.index).replace(/\.$/, ''),
      t('error.wechat.tail', { code: tail[1], endpoint }),
      endpoint,
      t,
    );
    if (words !== undefined) return words;
  }
  for (const [re, words] of FORMS) {
    const m = message.match(re);
    if (m) return words(m, t, e);
  }
  // A form this file does not know yet: WeChat's failure, with the original words.
  return t('error.wechat.other', { text: message });
}

/** What a WeChat failure says to the reader, in `lang`. Plain text, not yet escaped. */
export function wechatWords(e: WeChatError, lang: Language): string {
  if (lang === 'en') return e.message;
  return translated(e, e.message, translator(lang));
}
