import { type Language, translator } from '../i18n';
import { formatCount } from '../i18n/numbers';
import type { Figure, Unit } from '../reports/model';

// Figures as each language writes them. English is the default so callers that predate the
// catalogue (tests, integration checks) keep their words.

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DEC2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const PCT1 = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** What a missing figure reads as in English ("n/a"); see `na` for other languages. */
export const NA = 'n/a';

export function na(lang: Language = 'en'): string {
  return translator(lang)('msg.fmt.na');
}

/** "1,234,567"; in Chinese "123.5万" from 100,000 up. */
export function count(n: number | null, lang: Language = 'en'): string {
  return n === null ? na(lang) : formatCount(n, lang);
}

export function percent(share: number | null, lang: Language = 'en'): string {
  return share === null ? na(lang) : PCT1.format(share);
}

/** 54.5 -> "54.5 s", 192 -> "3 min 12 s" (in Chinese "54.5秒", "3分12秒"). */
export function duration(seconds: number | null, lang: Language = 'en'): string {
  if (seconds === null) return na(lang);
  const t = translator(lang);
  if (seconds < 60) return t('msg.fmt.seconds', { s: seconds.toFixed(1) });
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return s === 60 ? t('msg.fmt.minutes', { m: m + 1, s: 0 }) : t('msg.fmt.minutes', { m, s });
}

export function value(v: number | null, unit: Unit, lang: Language = 'en'): string {
  if (unit === 'count') return count(v, lang);
  if (unit === 'seconds') return duration(v, lang);
  return v === null ? na(lang) : DEC2.format(v);
}

/** "▲ 3.2%", "▼ 1.0%", "= 0.0%", or "n/a". */
export function delta(change: number | null, lang: Language = 'en'): string {
  if (change === null) return na(lang);
  const arrow = change > 0.0005 ? '▲' : change < -0.0005 ? '▼' : '=';
  return `${arrow} ${PCT1.format(Math.abs(change))}`;
}

/** "5,000  (▲ 25.0%)" */
export function figureLine(f: Figure, lang: Language = 'en'): string {
  return translator(lang)('msg.fmt.figure', { value: value(f.value, f.unit, lang), change: delta(f.change, lang) });
}

const DEC1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const SIGNED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0, signDisplay: 'exceptZero' });

/** A difference in a count: "+1,234", "-56", "0" (in Chinese "+12.3万" from 100,000 up). */
export function signedCount(n: number | null, lang: Language = 'en'): string {
  if (n === null) return na(lang);
  if (lang === 'en') return SIGNED.format(n);
  const sign = n > 0 ? '+' : n < 0 ? '-' : '';
  return `${sign}${formatCount(Math.abs(n), lang)}`;
}

/** Percent for narrow table columns: "45%" from 10% up, "4.5%" below (small shares need the decimal). */
export function shortPercent(share: number | null, lang: Language = 'en'): string {
  if (share === null) return na(lang);
  const p = share * 100;
  return p >= 10 ? `${Math.round(p)}%` : `${DEC1.format(p)}%`;
}

/** A performance figure in its unit: "1,234 ms", "123.4 MB", "12". */
export function measure(v: number | null, unit: 'ms' | 'MB' | 'count', lang: Language = 'en'): string {
  if (v === null) return na(lang);
  const t = translator(lang);
  if (unit === 'ms') return t('msg.fmt.ms', { n: INT.format(v) });
  if (unit === 'MB') return t('msg.fmt.mb', { n: DEC1.format(v) });
  return Number.isInteger(v) ? INT.format(v) : DEC1.format(v);
}
