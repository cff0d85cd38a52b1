import type { CanvasRenderingContext2D } from 'canvas';
import { isoDate } from '../../calendar/labels';
import type { Period } from '../../calendar/period';
import type { CohortsReport } from '../../reports/model';
import { blankCanvas, CHART_HEIGHT, CHART_WIDTH, encodePng } from '../canvas';
import { drawHeader, font, HEADER_HEIGHT } from './frame';
import { COLORS, monthDay, subtitle } from './style';
import { wordsFor } from './words';

/** Where the grid sits (CSS pixels), exported so tests can find a cell. */
export const HEATMAP = {
  left: 150,
  right: 24,
  top: HEADER_HEIGHT + 34,
  bottom: 60,
  maxCellWidth: 110,
  minRowHeight: 26,
  maxRowHeight: 44,
};

const LIGHT: [number, number, number] = [239, 246, 255];
const DARK: [number, number, number] = [30, 58, 138];
const EMPTY_CELL = '#e5e7eb';
const SIZE_CELL = '#475569';
/** One decimal always, so the columns line up: 42.0%, 7.5%. */
const SHARE = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

export interface HeatmapLayout {
  width: number;
  height: number;
  cellWidth: number;
  rowHeight: number;
  rows: number;
  /** Offset 0 (the cohort's size) and then one per `offsets`. */
  columns: number;
}

export function heatmapLayout(r: CohortsReport): HeatmapLayout {
  const rows = Math.max(1, r.cohorts.length);
  const columns = r.offsets.length + 1;
  const cellWidth = Math.min(HEATMAP.maxCellWidth, (CHART_WIDTH - HEATMAP.left - HEATMAP.right) / columns);
  const room = CHART_HEIGHT - HEATMAP.top - HEATMAP.bottom;
  const rowHeight = Math.max(HEATMAP.minRowHeight, Math.min(HEATMAP.maxRowHeight, room / rows));
  // Many cohorts make the picture taller rather than the rows unreadable.
  const height = Math.max(CHART_HEIGHT, Math.ceil(HEATMAP.top + rows * rowHeight + HEATMAP.bottom));
  return { width: CHART_WIDTH, height, cellWidth, rowHeight, rows, columns };
}

/** The cell of cohort `row` (0 = oldest) at `column` (0 = size, 1.. = offsets), in CSS pixels. */
export function cellRect(l: HeatmapLayout, row: number, column: number): { x: number; y: number; w: number; h: number } {
  return { x: HEATMAP.left + column * l.cellWidth, y: HEATMAP.top + row * l.rowHeight, w: l.cellWidth, h: l.rowHeight };
}

/** Light blue for none to dark blue for the table's largest share. */
export function shareColor(t: number): string {
  const k = Math.max(0, Math.min(1, t));
  const [r, g, b] = LIGHT.map((c, i) => Math.round(c + (DARK[i] - c) * k));
  return `rgb(${r}, ${g}, ${b})`;
}

export function cohortsIsEmpty(r: CohortsReport): boolean {
  return r.cohorts.every((c) => c.size === null && c.shares.every((s) => s === null));
}

function cohortLabel(p: Period): string {
  if (p.granularity === 'daily') return monthDay(p.begin);
  if (p.granularity === 'monthly') return isoDate(p.begin).slice(0, 7);
  return `${monthDay(p.begin)} – ${monthDay(p.end)}`;
}

export function cohortsSubtitle(r: CohortsReport): string {
  const { t } = wordsFor(r);
  return subtitle(r, t('chart.cohorts.subtitle', { unit: t(`unit.${r.period.granularity}.noun`), count: r.cohorts.length }));
}

/** The words around the grid: column headers and the two axis captions. */
export function cohortsCaptions(r: CohortsReport): { headers: string[]; x: string; y: string } {
  const { t } = wordsFor(r);
  const g = r.period.granularity;
  return {
    headers: [t('chart.cohorts.users'), ...r.offsets.map((o) => `+${o}`)],
    x: t(`chart.cohorts.after.${g}`),
    y: t(`chart.cohorts.of.${g}`),
  };
}

function cellText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, w: number, h: number, dark: boolean): void {
  ctx.fillStyle = dark ? '#ffffff' : COLORS.text;
  ctx.fillText(text, x + w / 2, y + h / 2, w - 6);
}

/** The retention heatmap, drawn with the canvas 2D API (Chart.js has no heatmap). */
export function renderCohorts(r: CohortsReport): Buffer {
  const l = heatmapLayout(r);
  const canvas = blankCanvas(l.width, l.height);
  const ctx = canvas.getContext('2d');
  drawHeader(ctx, l.width, r, cohortsSubtitle(r));
  const max = Math.max(0, ...r.cohorts.flatMap((c) => c.shares.filter((s): s is number => s !== null)));
  const w = wordsFor(r);
  const captions = cohortsCaptions(r);
  const cellFont = font(l.rowHeight >= 30 ? 13 : 12);

  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  // Column headers.
  ctx.font = font(13, true);
  ctx.fillStyle = COLORS.text;
  captions.headers.forEach((h, c) => {
    const cell = cellRect(l, 0, c);
    ctx.fillText(h, cell.x + cell.w / 2, HEATMAP.top - 12, cell.w - 4);
  });

  r.cohorts.forEach((row, i) => {
    const first = cellRect(l, i, 0);
    ctx.font = font(13);
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'right';
    ctx.fillText(cohortLabel(row.period), HEATMAP.left - 10, first.y + first.h / 2, HEATMAP.left - 40);
    ctx.textAlign = 'center';
    ctx.font = cellFont;
    // Offset 0: the cohort itself (100%), shown by its size.
    ctx.fillStyle = SIZE_CELL;
    ctx.fillRect(first.x + 1, first.y + 1, first.w - 2, first.h - 2);
    cellText(ctx, w.count(row.size), first.x, first.y, first.w, first.h, true);
    r.offsets.forEach((_, j) => {
      const share = row.shares[j] ?? null;
      const cell = cellRect(l, i, j + 1);
      const t = share === null || max === 0 ? 0 : share / max;
      ctx.fillStyle = share === null ? EMPTY_CELL : shareColor(t);
      ctx.fillRect(cell.x + 1, cell.y + 1, cell.w - 2, cell.h - 2);
      cellText(ctx, share === null ? '–' : SHARE.format(share), cell.x, cell.y, cell.w, cell.h, share !== null && t > 0.5);
    });
  });

  const gridBottom = HEATMAP.top + l.rows * l.rowHeight;
  const gridRight = HEATMAP.left + l.columns * l.cellWidth;
  // Axis captions.
  ctx.font = font(13);
  ctx.fillStyle = COLORS.text;
  ctx.fillText(captions.x, (HEATMAP.left + gridRight) / 2, gridBottom + 18);
  const yCaption = captions.y;
  // Centred on the grid, but never above the column headers when there are few rows.
  const yCentre = Math.max((HEATMAP.top + gridBottom) / 2, HEATMAP.top - 24 + ctx.measureText(yCaption).width / 2);
  ctx.save();
  ctx.translate(16, yCentre);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yCaption, 0, 0);
  ctx.restore();
  drawScale(ctx, gridRight - 240, gridBottom + 36, 200, w.percentWhole(max));
  return encodePng(canvas);
}

/** The colour scale: lightest is 0%, darkest the largest share in the table. */
function drawScale(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, maxText: string): void {
  const gradient = ctx.createLinearGradient(x, 0, x + w, 0);
  gradient.addColorStop(0, shareColor(0));
  gradient.addColorStop(1, shareColor(1));
  ctx.fillStyle = gradient;
  ctx.fillRect(x, y, w, 10);
  ctx.font = font(12);
  ctx.fillStyle = COLORS.muted;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillText('0%', x - 6, y + 5);
  ctx.textAlign = 'left';
  ctx.fillText(maxText, x + w + 6, y + 5);
}
