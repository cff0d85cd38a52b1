import type { ChartConfiguration } from 'chart.js';
import type { DigestReport, Figure } from '../../reports/model';
import { trendConfig } from './trend';
import { chartLanguage, wordsFor } from './words';

/** The figures the chart draws, named in its subtitle. */
const HEADLINE = ['visitUv', 'visitUvNew'] as const;
type Headline = (typeof HEADLINE)[number];
const isHeadline = (key: string): key is Headline => (HEADLINE as readonly string[]).includes(key);

/** English keeps the model's own label (its words are English); Chinese names the figure from the catalogue. */
function label(r: DigestReport, k: Figure & { key: Headline }): string {
  return chartLanguage(r) === 'en' ? k.label : wordsFor(r).t(`chart.figure.${k.key}`);
}

/** "Visitors 12,345 (+3.2%) · New visitors 1,234 (−2%)": the headline KPIs, for the subtitle. */
export function kpiHeadline(r: DigestReport): string {
  const w = wordsFor(r);
  return r.kpis
    .filter((k): k is Figure & { key: Headline } => k.value !== null && isHeadline(k.key))
    .map((k) => `${label(r, k)} ${w.figure(k.value, k.unit)}${k.change === null ? '' : ` (${w.change(k.change)})`}`)
    .join(' · ');
}

/** The digest's one chart: its visit trend, with the headline figures in the subtitle. */
export function digestConfig(r: DigestReport): ChartConfiguration<'line'> {
  return trendConfig(r, kpiHeadline(r));
}
