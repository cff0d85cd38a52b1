import type { Figure, Unit } from '../reports/model';

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DEC2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const PCT1 = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const NA = 'n/a';

export function count(n: number | null): string {
  return n === null ? NA : INT.format(n);
}

export function percent(share: number | null): string {
  return share === null ? NA : PCT1.format(share);
}

/** 54.5 -> "54.5 s", 192 -> "3 min 12 s" */
export function duration(seconds: number | null): string {
  if (seconds === null) return NA;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return s === 60 ? `${m + 1} min 0 s` : `${m} min ${s} s`;
}

export function value(v: number | null, unit: Unit): string {
  return unit === 'count' ? count(v) : unit === 'seconds' ? duration(v) : v === null ? NA : DEC2.format(v);
}

/** "▲ 3.2%", "▼ 1.0%", "= 0.0%", or "n/a". */
export function delta(change: number | null): string {
  if (change === null) return NA;
  const arrow = change > 0.0005 ? '▲' : change < -0.0005 ? '▼' : '=';
  return `${arrow} ${PCT1.format(Math.abs(change))}`;
}

export function figureLine(f: Figure): string {
  return `${value(f.value, f.unit)}  (${delta(f.change)})`;
}

const DEC1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const SIGNED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0, signDisplay: 'exceptZero' });

/** A difference in a count: "+1,234", "-56", "0". */
export function signedCount(n: number | null): string {
  return n === null ? NA : SIGNED.format(n);
}

/** Percent for narrow table columns: "45%" from 10% up, "4.5%" below (small shares need the decimal). */
export function shortPercent(share: number | null): string {
  if (share === null) return NA;
  const p = share * 100;
  return p >= 10 ? `${Math.round(p)}%` : `${DEC1.format(p)}%`;
}

/** A performance figure in its unit: "1,234 ms", "123.4 MB", "12". */
export function measure(v: number | null, unit: 'ms' | 'MB' | 'count'): string {
  if (v === null) return NA;
  if (unit === 'ms') return `${INT.format(v)} ms`;
  if (unit === 'MB') return `${DEC1.format(v)} MB`;
  return Number.isInteger(v) ? INT.format(v) : DEC1.format(v);
}
