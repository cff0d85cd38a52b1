import type { CanvasRenderingContext2D } from 'canvas';
import type { Chartable } from '../../reports/service';
import { blankCanvas, CHART_HEIGHT, CHART_WIDTH, cjkFontFamily, encodePng } from '../canvas';
import { chartTitle, COLORS, SUBTITLE_SIZE, TITLE_SIZE } from './style';
import { wordsFor } from './words';

/** Height of the title and subtitle drawn by `drawHeader`, in CSS pixels. */
export const HEADER_HEIGHT = 62;

export function font(size: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${size}px ${cjkFontFamily()}`;
}

/** Title and subtitle centred at the top, as Chart.js draws them on the single-chart pictures. */
export function drawHeader(ctx: CanvasRenderingContext2D, width: number, r: Chartable, sub: string): void {
  ctx.save();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillStyle = COLORS.text;
  ctx.font = font(TITLE_SIZE, true);
  ctx.fillText(chartTitle(r), width / 2, 14, width - 24);
  ctx.font = font(SUBTITLE_SIZE);
  ctx.fillStyle = COLORS.text;
  ctx.fillText(sub, width / 2, 40, width - 24);
  ctx.restore();
}

/** A message in the middle of a box (an empty picture, an empty panel). */
export function drawMessage(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, w: number, h: number, size = 16): void {
  ctx.save();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = COLORS.muted;
  ctx.font = font(size);
  ctx.fillText(text, x + w / 2, y + h / 2, w - 16);
  ctx.restore();
}

/** The picture for a report WeChat sent nothing for: still a PNG, saying so. */
export function renderEmpty(r: Chartable, sub: string): Buffer {
  const canvas = blankCanvas(CHART_WIDTH, CHART_HEIGHT);
  const ctx = canvas.getContext('2d');
  drawHeader(ctx, CHART_WIDTH, r, sub);
  ctx.strokeStyle = COLORS.lightGrey;
  ctx.setLineDash([6, 4]);
  ctx.strokeRect(24, HEADER_HEIGHT + 16, CHART_WIDTH - 48, CHART_HEIGHT - HEADER_HEIGHT - 40);
  drawMessage(ctx, wordsFor(r).t('chart.noData'), 24, HEADER_HEIGHT + 16, CHART_WIDTH - 48, CHART_HEIGHT - HEADER_HEIGHT - 40, 20);
  return encodePng(canvas);
}
