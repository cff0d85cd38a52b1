import { Canvas, type PngConfig } from 'canvas';
import { ChartJSNodeCanvas, type MimeType } from 'chartjs-node-canvas';
import type { ChartConfiguration } from 'chart.js';
import { reportTitle, type Report } from '../reports/model';
import { isoDate, UNITS } from '../calendar/labels';
import { findCjkFont } from './fonts';

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 400;
/** Rendered at 2x so the PNG stays crisp on high-density screens: 1600x800 pixels. */
export const PIXEL_RATIO = 2;

const FALLBACK_FAMILY = 'sans-serif';
const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

let renderer: ChartJSNodeCanvas | undefined;
let family = FALLBACK_FAMILY;

/**
 * One renderer for the whole process: each new ChartJSNodeCanvas loads chart.js afresh and leaks
 * about 1.5 MB per chart. The CJK font is registered before the first canvas exists.
 */
export function chartRenderer(): ChartJSNodeCanvas {
  if (!renderer) {
    const font = findCjkFont();
    const r = new ChartJSNodeCanvas({
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      backgroundColour: 'white',
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = family;
        ChartJS.defaults.font.size = 13;
        ChartJS.defaults.color = '#333';
      },
    });
    if (font) {
      r.registerFont(font.path, { family: font.family });
      family = `"${font.family}", ${FALLBACK_FAMILY}`;
    }
    renderer = r;
  }
  return renderer;
}

export function cjkFontFamily(): string {
  chartRenderer();
  return family;
}

export function chartConfig(r: Report): ChartConfiguration<'line'> {
  const labels = r.trend.map((t) => t.label);
  const series = (label: string, data: (number | null)[], color: string, axis: 'y' | 'y1', dash: number[] = []) => ({
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderDash: dash,
    yAxisID: axis,
    tension: 0.3,
    cubicInterpolationMode: 'monotone' as const,
    pointRadius: 4,
    borderWidth: 3,
    spanGaps: false,
  });
  const g = UNITS[r.period.granularity].noun;
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        series(
          'Visitors',
          r.trend.map((t) => t.visitUv),
          '#2563eb',
          'y',
        ),
        series(
          'New visitors',
          r.trend.map((t) => t.visitUvNew),
          '#16a34a',
          'y',
        ),
        series(
          'Sessions (right axis)',
          r.trend.map((t) => t.sessionCnt),
          '#f59e0b',
          'y1',
          [8, 5],
        ),
      ],
    },
    options: {
      devicePixelRatio: PIXEL_RATIO,
      responsive: false,
      animation: false,
      layout: { padding: 12 },
      plugins: {
        title: { display: true, text: `${r.appName} — ${reportTitle(r)}`, font: { size: 18, weight: 'bold' } },
        subtitle: {
          display: true,
          text: `Visit trend over the ${r.trend.length} ${g}s up to ${isoDate(r.period.end)}${r.sandbox ? ' · sandbox data' : ''}`,
          padding: { bottom: 8 },
        },
        legend: { position: 'bottom' },
      },
      scales: {
        x: { title: { display: true, text: g === 'month' ? 'Month' : g === 'week' ? 'Week starting (MM-DD)' : 'Day (MM-DD)' } },
        y: {
          beginAtZero: true,
          title: { display: true, text: 'Visitors' },
          ticks: { callback: (v) => NUMBER.format(Number(v)) },
        },
        y1: {
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'Sessions' },
          ticks: { callback: (v) => COMPACT.format(Number(v)) },
        },
      },
    },
  };
}

/**
 * canvas's PNG defaults (zlib level 6, libpng trying every row filter) spend ~40 ms per chart; no
 * filter at level 3 spends ~13 ms and the file is a little smaller (flat colours, long runs of white).
 */
export const PNG_OPTIONS: PngConfig = { compressionLevel: 3, filters: Canvas.PNG_FILTER_NONE };

/**
 * PNG of the report's visit trend, drawn and encoded synchronously on the calling thread (a render
 * worker): canvas's async toBuffer would encode on libuv's shared thread pool instead.
 * chartjs-node-canvas passes no PNG options to canvas, so a one-chart plugin encodes the finished
 * drawing itself, before the library takes the (discarded, uncompressed) raw copy and destroys the chart.
 */
export function renderChart(r: Report): Buffer {
  let png: Buffer | undefined;
  let failed: unknown;
  const encode = (canvas: Canvas) => {
    try {
      png = canvas.toBuffer('image/png', PNG_OPTIONS);
    } catch (e) {
      failed = e; // thrown below, once the library has destroyed the chart
    }
  };
  const config = chartConfig(r) as unknown as ChartConfiguration;
  config.plugins = [{ id: 'wxa-encode-png', afterRender: (chart) => encode(chart.canvas as unknown as Canvas) }];
  // 'raw' (an uncompressed 5 MB copy, ~1 ms, garbage at once) is documented by chartjs-node-canvas
  // but missing from its MimeType.
  chartRenderer().renderToBufferSync(config, 'raw' as MimeType);
  if (failed !== undefined) throw failed;
  if (!png) throw new Error('the chart was not drawn');
  return png;
}
