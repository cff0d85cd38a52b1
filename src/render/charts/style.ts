import type { ChartOptions, ChartType } from 'chart.js';
import { formatPeriod } from '../../i18n/dates';
import { type AlertReport, subjectLabel } from '../../reports/alert';
import { reportTitle, type Report } from '../../reports/model';
import type { Chartable } from '../../reports/service';
import { PIXEL_RATIO } from '../canvas';
import { chartLanguage, wordsFor } from './words';

export const COLORS = {
  blue: '#2563eb',
  lightBlue: '#93c5fd',
  green: '#16a34a',
  amber: '#f59e0b',
  red: '#dc2626',
  purple: '#7c3aed',
  grey: '#9ca3af',
  lightGrey: '#d1d5db',
  text: '#333333',
  muted: '#6b7280',
};

/** Slices of a doughnut, in order. */
export const SLICE_COLORS = ['#2563eb', '#f59e0b', '#16a34a', '#9ca3af'];

export const TITLE_SIZE = 18;
export const SUBTITLE_SIZE = 13;

/**
 * Untrusted or long text for a label: control characters become spaces; invisible format characters
 * (bidi overrides that would reverse the rest of a label, zero-width joiners) go; emoji, which no
 * installed font draws, become "?"; then it is cut to `max` code points with an ellipsis.
 */
export function truncate(text: string, max = 40): string {
  const clean = cleanChars(text);
  return clean.length <= max ? clean.join('') : `${clean.slice(0, max - 1).join('')}…`;
}

function cleanChars(text: string): string[] {
  const plain = text
    .replace(/\p{Cf}|\uFE0F/gu, '')
    .replace(/\p{Extended_Pictographic}+/gu, '?')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ');
  return Array.from(plain.trim());
}

/** Han, kana, hangul and full-width forms: about twice as wide as a Latin letter. */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

/**
 * `truncate` measured in columns (a Chinese character is two), for Chinese text: a code-point limit
 * set for English would let a Chinese line run twice as wide.
 */
export function truncateColumns(text: string, columns: number): string {
  const clean = cleanChars(text);
  const width = (c: string) => (WIDE.test(c) ? 2 : 1);
  if (clean.reduce((n, c) => n + width(c), 0) <= columns) return clean.join('');
  const kept: string[] = [];
  let used = 1; // the ellipsis
  for (const c of clean) {
    if (used + width(c) > columns) break;
    kept.push(c);
    used += width(c);
  }
  return `${kept.join('')}…`;
}

/** Cut to `max`: code points in English (as the charts always have), columns in Chinese. */
export function fitText(r: Pick<Report, 'language'>, text: string, max: number): string {
  return chartLanguage(r) === 'zh' ? truncateColumns(text, max) : truncate(text, max);
}

/** "示例小程序 — Weekly retention · 2017-03-06 – 2017-03-12", "示例小程序 — Daily alert: Visitors · 2017-03-13" */
export function chartTitle(r: Chartable): string {
  return `${fitText(r, r.appName, 60)} — ${r.kind === 'alert' ? alertTitle(r) : reportTitle(r)}`;
}

/** "Daily alert: Visitors · 2017-03-13" / "每日告警：访问人数 · 2017年3月13日" */
export function alertTitle(r: AlertReport): string {
  const { t, lang } = wordsFor(r);
  return t('chart.alert.title', {
    adj: t(`unit.${r.granularity}.adj`),
    metric: t(`chart.metric.${r.metric}`, { subject: subjectLabel(r, lang) }),
    range: formatPeriod(r.period, lang),
  });
}

/** What is drawn, then the details, then "sandbox data" when it is. */
export function subtitle(r: Pick<Chartable, 'sandbox' | 'language'>, ...parts: (string | false | undefined)[]): string {
  const text = parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ');
  // Cut before "sandbox data" is added, so that never falls off the end.
  const sandbox = r.sandbox ? wordsFor(r).t('sandbox.data') : '';
  return [fitText(r, text, r.sandbox ? 100 : 115), sandbox].filter(Boolean).join(' · ');
}

/** yyyymmdd or yyyy-mm-dd -> MM-DD (axis labels). */
export function monthDay(date: string): string {
  const digits = date.replace(/-/g, '');
  return /^\d{8}$/.test(digits) ? `${digits.slice(4, 6)}-${digits.slice(6, 8)}` : date;
}

/** Options every single-chart picture shares: size, title, subtitle, legend at the bottom. */
export function baseOptions<T extends ChartType>(r: Chartable, sub: string): ChartOptions<T> {
  return {
    devicePixelRatio: PIXEL_RATIO,
    responsive: false,
    animation: false,
    layout: { padding: 12 },
    plugins: {
      title: { display: true, text: chartTitle(r), font: { size: TITLE_SIZE, weight: 'bold' } },
      subtitle: { display: true, text: sub, font: { size: SUBTITLE_SIZE }, padding: { bottom: 8 } },
      legend: { position: 'bottom' },
    },
  } as ChartOptions<T>;
}
