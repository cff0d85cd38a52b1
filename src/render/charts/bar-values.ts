import type { Plugin } from 'chart.js';
import { cjkFontFamily } from '../canvas';
import { COLORS } from './style';

/**
 * Writes a label at the end of each bar of one dataset of a horizontal bar chart, so the figure is
 * read without the axis. Leave room with the value scale's `grace`.
 */
export function barValues(datasetIndex: number, text: (index: number) => string | null, fontSize = 12): Plugin<'bar'> {
  return {
    id: `wxa-bar-values-${datasetIndex}`,
    afterDatasetsDraw(chart) {
      const meta = chart.getDatasetMeta(datasetIndex);
      if (meta.hidden) return;
      const { ctx } = chart;
      ctx.save();
      ctx.font = `${fontSize}px ${cjkFontFamily()}`;
      ctx.fillStyle = COLORS.text;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      meta.data.forEach((bar, i) => {
        const label = text(i);
        const { x, y } = bar.getProps(['x', 'y'], true);
        if (label && Number.isFinite(x) && Number.isFinite(y)) ctx.fillText(label, x + 5, y);
      });
      ctx.restore();
    },
  };
}
