import type { Language } from './index';

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 });

/**
 * A count as each language reads it: "1,234,567" in English; in Chinese grouped below 100,000 and
 * in 万 / 亿 above ("123.5万", "1.2亿"), as Chinese dashboards write them.
 */
export function formatCount(n: number, lang: Language): string {
  if (lang === 'zh') {
    const abs = Math.abs(n);
    if (abs >= 1e8) return `${ONE_DECIMAL.format(n / 1e8)}亿`;
    if (abs >= 1e5) return `${ONE_DECIMAL.format(n / 1e4)}万`;
  }
  return GROUPED.format(n);
}
