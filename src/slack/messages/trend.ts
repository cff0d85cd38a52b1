import type { Granularity } from '../../calendar/period';
import { type Language, translator, type Translate } from '../../i18n';
import { formatDate, formatPeriod } from '../../i18n/dates';
import { reportTitle, type Cohort, type Figure, type TrendReport } from '../../reports/model';
import { count, delta, figureLine, na, percent } from '../format';
import { noteText } from '../text';
import {
  context,
  displayWidth,
  fallbackLead,
  fallbackLine,
  fields,
  finish,
  generatedLine,
  header,
  languageOf,
  pad,
  periodWords,
  section,
  sourceLine,
  type KnownBlock,
  type RenderedMessage,
  type RenderOptions,
} from './kit';

const FIGURE_KEYS = ['sessionCnt', 'visitPv', 'visitUv', 'visitUvNew', 'stayTimeUv', 'stayTimeSession', 'visitDepth'] as const;
type FigureKey = (typeof FIGURE_KEYS)[number];
const isFigureKey = (k: string): k is FigureKey => (FIGURE_KEYS as readonly string[]).includes(k);

/** A visit figure's name from the catalogue by its key; one the catalogue does not know keeps the model's label. */
export function figureLabel(f: Figure, lang: Language): string {
  return isFigureKey(f.key) ? translator(lang)(`msg.figure.${f.key}`) : f.label;
}

/** "*Visitors*\n5,000  (▲ 25.0%)" for each figure. */
export function figureFields(figures: Figure[], lang: Language): string[] {
  return figures.map((f) => `*${figureLabel(f, lang)}*\n${figureLine(f, lang)}`);
}

/** Rows as a monospace table: the first column to the left, the rest to the right, padded by the width people see. */
function monospace(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c]))));
  const lines = rows.map((r) => r.map((cell, c) => pad(cell, widths[c], c === 0 ? 'l' : 'r')).join('   '));
  return `\`\`\`\n${lines.join('\n')}\n\`\`\``;
}

/** Retention as a monospace table: offsets down, new and active users across. */
function retentionTable(g: Granularity, newUsers: Cohort, active: Cohort, lang: Language): string {
  const t = translator(lang);
  const hundred = (c: Cohort) => (c.size === null ? na(lang) : '100%');
  const rows: string[][] = [[t(`msg.trend.head.${g}`), t('msg.label.newUsers'), '%', t('msg.label.activeUsers'), '%']];
  rows.push([t(`msg.trend.zero.${g}`), count(newUsers.size, lang), hundred(newUsers), count(active.size, lang), hundred(active)]);
  newUsers.points.forEach((p, i) => {
    const a = active.points[i];
    rows.push([`+${p.offset}`, count(p.count, lang), percent(p.share, lang), count(a.count, lang), percent(a.share, lang)]);
  });
  return monospace(rows);
}

function trendTable(r: TrendReport, t: Translate, lang: Language): string {
  const rows = [[t('msg.label.period'), t('msg.label.visitors'), t('msg.label.new'), t('msg.label.sessions')]];
  for (const p of r.trend) {
    rows.push([formatPeriod(p.period, lang), count(p.visitUv, lang), count(p.visitUvNew, lang), count(p.sessionCnt, lang)]);
  }
  return monospace(rows);
}

function retentionBlocks(r: TrendReport, t: Translate, lang: Language): KnownBlock[] {
  if (!r.retention) return [];
  const { newUsers, activeUsers } = r.retention;
  const w = periodWords(lang, r.period.granularity);
  const caption = t('msg.trend.retention', { plural: w.plural, noun: w.noun });
  return [
    fields([
      `*${t('msg.label.newUsers')}*\n${count(newUsers.size, lang)}`,
      `*${t('msg.label.activeUsers')}*\n${count(activeUsers.size, lang)}`,
    ]),
    section(`${caption}\n${retentionTable(r.period.granularity, newUsers, activeUsers, lang)}`),
  ];
}

function summaryFields(r: TrendReport, t: Translate, lang: Language): KnownBlock[] {
  if (!r.summary) return [];
  return [
    fields([
      `*${t('msg.trend.totalVisitors')}*\n${count(r.summary.visitTotal, lang)}`,
      `*${t('msg.label.shares')}*\n${count(r.summary.sharePv, lang)}`,
      `*${t('msg.trend.sharingUsers')}*\n${count(r.summary.shareUv, lang)}`,
    ]),
  ];
}

/** /retain and /visits. */
export function trendMessage(r: TrendReport, o: RenderOptions): RenderedMessage {
  const lang = languageOf(r);
  const t = translator(lang);
  const w = periodWords(lang, r.period.granularity);
  const blocks: KnownBlock[] = [header(reportTitle(r)), context([sourceLine(r)]), ...retentionBlocks(r, t, lang)];
  blocks.push({ type: 'divider' });
  blocks.push(section(t('msg.trend.visits', { previous: w.previous, range: formatPeriod(r.previous, lang) })));
  blocks.push(fields(figureFields(r.visits, lang)));
  blocks.push(...summaryFields(r, t, lang));
  if (r.kind === 'visits')
    blocks.push(section(`${t('msg.trend.caption', { periods: w.periods(r.trend.length) })}\n${trendTable(r, t, lang)}`));
  const notes = r.notes.map((n) => noteText(n, lang));
  notes.push(t('msg.chartNote.trend', { periods: w.periods(r.trend.length), date: formatDate(r.period.end, lang) }));
  const generated = generatedLine(o, lang);
  if (generated) notes.push(generated);
  return finish(blocks, context(notes), fallback(r, t, lang), lang);
}

function fallback(r: TrendReport, t: Translate, lang: Language): string {
  const visitors = r.visits.find((f) => f.key === 'visitUv');
  const users = r.retention
    ? t('msg.trend.fallback.users', {
        newUsers: count(r.retention.newUsers.size, lang),
        activeUsers: count(r.retention.activeUsers.size, lang),
      })
    : '';
  const seen = t('msg.trend.fallback.visitors', {
    visitors: count(visitors?.value ?? null, lang),
    change: delta(visitors?.change ?? null, lang),
    previous: periodWords(lang, r.period.granularity).previous,
  });
  return fallbackLine([fallbackLead(r, reportTitle(r)), users, seen, r.empty && t('msg.noData.period')], lang);
}
