import { Canvas, createCanvas, type PngConfig } from 'canvas';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import type { ChartConfiguration, ChartItem } from 'chart.js';
import { findCjkFont } from './fonts';

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 400;
/** Rendered at 2x so the PNG stays crisp on high-density screens: 1600x800 pixels. */
export const PIXEL_RATIO = 2;

const FALLBACK_FAMILY = 'sans-serif';

/**
 * canvas's PNG defaults (zlib level 6, libpng trying every row filter) spend ~40 ms per chart; no
 * filter at level 3 spends ~13 ms and the file is a little smaller (flat colours, long runs of white).
 */
export const PNG_OPTIONS: PngConfig = { compressionLevel: 3, filters: Canvas.PNG_FILTER_NONE };

/** The library's renderer, plus drawing onto a canvas of any size (panels of a composite picture). */
class ReportChartCanvas extends ChartJSNodeCanvas {
  setFontFamily(family: string): void {
    this._chartJs.defaults.font.family = family;
  }

  /**
   * Draws `config` on a fresh canvas of width x height (CSS pixels; the canvas is PIXEL_RATIO times
   * that) and hands it to `use` before the chart is destroyed, which clears the canvas.
   */
  drawOn(width: number, height: number, config: ChartConfiguration, use: (canvas: Canvas) => void): void {
    const canvas = createCanvas(width, height);
    // Chart.js sets canvas.style sizes when retina-scaling; node canvas has no style object.
    (canvas as unknown as { style: object }).style = {};
    config.options = { ...config.options, responsive: false, animation: false, devicePixelRatio: PIXEL_RATIO };
    const chart = new this._chartJs(canvas.getContext('2d') as unknown as ChartItem, config);
    try {
      use(canvas);
    } finally {
      chart.destroy();
    }
  }
}

let renderer: ReportChartCanvas | undefined;
let family = FALLBACK_FAMILY;

/**
 * One renderer for the whole process: each new ChartJSNodeCanvas loads chart.js afresh and leaks
 * about 1.5 MB per chart. The CJK font is registered before the first canvas exists.
 */
export function chartRenderer(): ReportChartCanvas {
  if (!renderer) {
    const font = findCjkFont();
    const r = new ReportChartCanvas({
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      backgroundColour: 'white',
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.size = 13;
        ChartJS.defaults.color = '#333';
      },
    });
    if (font) {
      r.registerFont(font.path, { family: font.family });
      family = `"${font.family}", ${FALLBACK_FAMILY}`;
    }
    // Set after registering: the callback above runs in the constructor, before the font is known.
    r.setFontFamily(family);
    renderer = r;
  }
  return renderer;
}

export function cjkFontFamily(): string {
  chartRenderer();
  return family;
}

/** A canvas with the device pixel ratio applied, for drawing with the 2D API in CSS pixels. */
export function blankCanvas(width: number, height: number): Canvas {
  chartRenderer(); // fonts are registered before the first canvas
  const canvas = createCanvas(width * PIXEL_RATIO, height * PIXEL_RATIO);
  const ctx = canvas.getContext('2d');
  ctx.scale(PIXEL_RATIO, PIXEL_RATIO);
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, width, height);
  return canvas;
}

/** Encoded synchronously on this thread (a render worker), not on libuv's shared pool. */
export function encodePng(canvas: Canvas): Buffer {
  return canvas.toBuffer('image/png', PNG_OPTIONS);
}

/**
 * PNG of one CHART_WIDTH x CHART_HEIGHT Chart.js chart, encoded with our PNG options. The library's
 * own renderToBuffer* pass no PNG options, and 'raw' would copy 5 MB of pixels per chart for nothing;
 * its renderChart (the drawing, without the copy) is private in its types only.
 */
export function renderConfig(config: ChartConfiguration): Buffer {
  const library = chartRenderer() as unknown as { renderChart(c: ChartConfiguration): { canvas: unknown; destroy(): void } };
  const chart = library.renderChart(config);
  try {
    if (!chart.canvas) throw new Error('the chart was not drawn');
    return encodePng(chart.canvas as Canvas);
  } finally {
    chart.destroy();
  }
}
