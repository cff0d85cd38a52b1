import { existsSync } from 'node:fs';

/** CJK-capable fonts, first found wins: mini program names are often Chinese. */
const CANDIDATES = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYi Micro Hei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYi Zen Hei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'Noto Sans CJK SC' },
];

export interface ChartFont {
  path: string;
  family: string;
}

export function findCjkFont(extra = process.env.CHART_FONT_FILE): ChartFont | undefined {
  if (extra && existsSync(extra)) return { path: extra, family: 'Report CJK' };
  return CANDIDATES.find((c) => existsSync(c.path));
}
