import i18next, { type TFunction } from 'i18next';
import * as actions from './catalog/actions';
import * as alerts from './catalog/alerts';
import * as charts from './catalog/charts';
import * as common from './catalog/common';
import * as messages from './catalog/messages';
import * as replies from './catalog/replies';

// Every word users read, in English and Chinese, from message catalogues (i18next; keys are typed,
// and each catalogue's zh must have exactly its en keys). Plurals use i18next's _one/_other keys.

export type Language = 'en' | 'zh';
export const LANGUAGES: readonly Language[] = ['en', 'zh'];

export function isLanguage(s: string): s is Language {
  return (LANGUAGES as readonly string[]).includes(s);
}

/** Every catalogue, merged. A new area of the product adds its file here. */
const CATALOGUES = [common, actions, alerts, charts, messages, replies];

export const EN = Object.assign({}, ...CATALOGUES.map((c) => c.en)) as Record<string, string>;
export const ZH = Object.assign({}, ...CATALOGUES.map((c) => c.zh)) as Record<string, string>;

/** The keys of each catalogue, as a union (distributes over the catalogues). */
type KeysOf<C> = C extends { en: infer E } ? keyof E & string : never;
type PluralBase<K> = K extends `${infer B}_${'one' | 'other'}` ? B : K;
/** A catalogue key, without i18next's plural suffixes. */
export type MessageKey = PluralBase<KeysOf<(typeof CATALOGUES)[number]>>;

const instance = i18next.createInstance();
void instance.init({
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  // Our text goes into mrkdwn and charts, not HTML: callers escape what came from outside.
  interpolation: { escapeValue: false },
  resources: { en: { translation: EN }, zh: { translation: ZH } },
  returnNull: false,
});

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const fixed = new Map<Language, TFunction>(LANGUAGES.map((l) => [l, instance.getFixedT(l)]));

const CATALOGUE: Record<Language, Record<string, string>> = { en: EN, zh: ZH };
const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/**
 * The words of one language: t('kind.sources'), t('title.span', { count: 7, ... }). A key without
 * plural forms is looked up and filled in directly: i18next's t() costs ~10 µs a call, and a report
 * message makes a hundred of them on the thread that acks Slack. Plurals go through i18next.
 */
export function translator(lang: Language): Translate {
  const t = fixed.get(lang) ?? instance.getFixedT('en');
  const own = CATALOGUE[lang];
  return (key, params) => {
    const template = own[key] ?? EN[key];
    if (template === undefined || (params?.count !== undefined && `${key}_other` in own)) return String(t(key, params));
    return params ? template.replace(PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template;
  };
}
