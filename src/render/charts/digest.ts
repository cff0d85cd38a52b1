import type { ChartConfiguration } from 'chart.js';
import type { DigestReport } from '../../reports/model';
import { change, figure } from './style';
import { trendConfig } from './trend';

/** The figures the chart draws, named in its subtitle. */
const HEADLINE = ['visitUv', 'visitUvNew'];

/** "Visitors 12,345 (+3.2%) · New visitors 1,234 (−2%)": the headline KPIs, for the subtitle. */
export function kpiHeadline(r: DigestReport): string {
  return r.kpis
    .filter((k) => k.value !== null && HEADLINE.includes(k.key))
    .map((k) => `${k.label} ${figure(k.value, k.unit)}${k.change === null ? '' : ` (${change(k.change)})`}`)
    .join(' · ');
}

/** The digest's one chart: its visit trend, with the headline figures in the subtitle. */
export function digestConfig(r: DigestReport): ChartConfiguration<'line'> {
  return trendConfig(r, kpiHeadline(r));
}
