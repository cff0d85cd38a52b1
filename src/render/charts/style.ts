import type { ChartOptions, ChartType } from 'chart.js';
import { reportTitle, type Report, type Unit } from '../../reports/model';
import { PIXEL_RATIO } from '../canvas';

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

export const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const PERCENT_WHOLE = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 });
const SIGNED_PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export const count = (n: number | null): string => (n === null ? 'n/a' : NUMBER.format(n));
export const percent = (n: number | null): string => (n === null ? 'n/a' : PERCENT.format(n));
export const percentWhole = (n: number): string => PERCENT_WHOLE.format(n);
export const change = (n: number | null): string => (n === null ? 'n/a' : SIGNED_PERCENT.format(n));

export function figure(value: number | null, unit: Unit): string {
  if (value === null) return 'n/a';
  if (unit === 'seconds') return `${DECIMAL.format(value)} s`;
  if (unit === 'ratio') return percent(value);
  return count(value);
}

export const NO_DATA = 'No data from WeChat for this period';

/**
 * Untrusted or long text for a label: control characters become spaces; invisible format characters
 * (bidi overrides that would reverse the rest of a label, zero-width joiners) go; emoji, which no
 * installed font draws, become "?"; then it is cut to `max` code points with an ellipsis.
 */
export function truncate(text: string, max = 40): string {
  const plain = text
    .replace(/\p{Cf}|\uFE0F/gu, '')
    .replace(/\p{Extended_Pictographic}+/gu, '?')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ');
  const clean = Array.from(plain.trim());
  return clean.length <= max ? clean.join('') : `${clean.slice(0, max - 1).join('')}…`;
}

/** "示例小程序 — Weekly retention · 2017-03-06 – 2017-03-12" */
export function chartTitle(r: Report): string {
  return `${truncate(r.appName, 60)} — ${reportTitle(r)}`;
}

/** What is drawn, then the details, then "sandbox data" when it is. */
export function subtitle(r: Report, ...parts: (string | false | undefined)[]): string {
  const text = parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ');
  // Cut before "sandbox data" is added, so that never falls off the end.
  return [truncate(text, r.sandbox ? 100 : 115), r.sandbox ? 'sandbox data' : ''].filter(Boolean).join(' · ');
}

/** yyyymmdd or yyyy-mm-dd -> MM-DD (axis labels). */
export function monthDay(date: string): string {
  const digits = date.replace(/-/g, '');
  return /^\d{8}$/.test(digits) ? `${digits.slice(4, 6)}-${digits.slice(6, 8)}` : date;
}

/** Options every single-chart picture shares: size, title, subtitle, legend at the bottom. */
export function baseOptions<T extends ChartType>(r: Report, sub: string): ChartOptions<T> {
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
