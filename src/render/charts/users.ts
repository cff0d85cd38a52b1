import type { ChartConfiguration } from 'chart.js';
import type { PortraitSlice, UsersReport } from '../../reports/model';
import { portraitNameEn } from '../../wechat/labels';
import { blankCanvas, chartRenderer, encodePng } from '../canvas';
import { barValues } from './bar-values';
import { drawHeader, drawMessage, HEADER_HEIGHT } from './frame';
import { COLORS, count, NUMBER, percentWhole, SLICE_COLORS, subtitle, truncate } from './style';

/** Taller than the other pictures: four panels under one title (800x640, 1600x1280 pixels). */
export const USERS_WIDTH = 800;
export const USERS_HEIGHT = 640;
export const TOP_PROVINCES = 10;

interface Panel {
  x: number;
  y: number;
  w: number;
  h: number;
}

const TOP = HEADER_HEIGHT + 6;
const ROW = 272;
const PANELS = {
  genders: { x: 0, y: TOP, w: 230, h: ROW },
  platforms: { x: 230, y: TOP, w: 230, h: ROW },
  ages: { x: 460, y: TOP, w: 340, h: ROW },
  provinces: { x: 0, y: TOP + ROW + 6, w: USERS_WIDTH, h: USERS_HEIGHT - TOP - ROW - 12 },
} satisfies Record<string, Panel>;

const panelTitle = (text: string) => ({ display: true, text, font: { size: 14, weight: 'bold' as const }, padding: { bottom: 6 } });

export function usersIsEmpty(r: UsersReport): boolean {
  const a = r.activeUsers;
  return !a.genders.length && !a.platforms.length && !a.ages.length && !a.provinces.length;
}

/**
 * Shares of the dimension: WeChat's, or worked out when it sent none (before cutting to the top
 * slices, so a share is of all users, not of those drawn).
 */
function withShares(slices: PortraitSlice[]): PortraitSlice[] {
  const sum = slices.reduce((s, x) => s + x.value, 0);
  return slices.map((s) => ({ ...s, share: s.share ?? (sum > 0 ? s.value / sum : 0) }));
}

/** At most four parts: the three largest and the rest as "Other". */
function fourParts(slices: PortraitSlice[]): PortraitSlice[] {
  if (slices.length <= 4) return slices;
  const sorted = [...slices].sort((a, b) => b.value - a.value);
  const rest = sorted.slice(3);
  const share = rest.every((s) => s.share !== null) ? rest.reduce((t, s) => t + (s.share ?? 0), 0) : null;
  return [...sorted.slice(0, 3), { id: null, name: 'Other', value: rest.reduce((t, s) => t + s.value, 0), share }];
}

function doughnut(title: string, slices: PortraitSlice[]): ChartConfiguration {
  const parts = fourParts(slices);
  const config: ChartConfiguration<'doughnut'> = {
    type: 'doughnut',
    data: {
      labels: parts.map((s) => `${truncate(portraitNameEn(s.name), 14)} ${percentWhole(s.share ?? 0)}`),
      datasets: [{ data: parts.map((s) => s.value), backgroundColor: SLICE_COLORS, borderColor: 'white', borderWidth: 2 }],
    },
    options: {
      cutout: '55%',
      layout: { padding: 8 },
      plugins: {
        title: panelTitle(title),
        legend: { position: 'bottom', labels: { boxWidth: 12, padding: 8, font: { size: 12 } } },
      },
    },
  };
  return config as unknown as ChartConfiguration;
}

function bars(title: string, slices: PortraitSlice[], color: string, labelChars: number): ChartConfiguration {
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: slices.map((s) => truncate(portraitNameEn(s.name), labelChars)),
      datasets: [
        { data: slices.map((s) => s.value), backgroundColor: color, barPercentage: 0.85, categoryPercentage: 0.85, maxBarThickness: 28 },
      ],
    },
    plugins: [barValues(0, (i) => `${NUMBER.format(slices[i].value)} (${percentWhole(slices[i].share ?? 0)})`)],
    options: {
      indexAxis: 'y',
      layout: { padding: { left: 8, right: 16, top: 8, bottom: 4 } },
      plugins: { title: panelTitle(title), legend: { display: false } },
      scales: {
        // Room for the "67,105 (28%)" labels past the longest bar, in the narrow age panel too.
        x: { beginAtZero: true, grace: '50%', ticks: { callback: (v) => NUMBER.format(Number(v)), maxTicksLimit: 6 } },
        y: { ticks: { autoSkip: false } },
      },
    },
  };
  return config as unknown as ChartConfiguration;
}

export function usersSubtitle(r: UsersReport): string {
  return subtitle(
    r,
    `Who the active users are: ${count(r.activeUsers.total)} active, ${count(r.newUsers.total)} new over ${r.span === 1 ? 'the day' : `${r.span} days`}`,
  );
}

/** One picture, four panels: gender and platform doughnuts, age bands and top provinces as bars. */
export function renderUsers(r: UsersReport): Buffer {
  const canvas = blankCanvas(USERS_WIDTH, USERS_HEIGHT);
  const ctx = canvas.getContext('2d');
  drawHeader(ctx, USERS_WIDTH, r, usersSubtitle(r));
  const a = r.activeUsers;
  const provinces = withShares(a.provinces);
  const panels: [Panel, string, PortraitSlice[], (title: string, s: PortraitSlice[]) => ChartConfiguration][] = [
    [PANELS.genders, 'Gender', withShares(a.genders), doughnut],
    [PANELS.platforms, 'Platform', withShares(a.platforms), doughnut],
    [PANELS.ages, 'Age', withShares(a.ages), (t, s) => bars(t, s, COLORS.green, 14)],
    [
      PANELS.provinces,
      `Top ${Math.min(TOP_PROVINCES, provinces.length)} provinces`,
      provinces.slice(0, TOP_PROVINCES),
      (t, s) => bars(t, s, COLORS.blue, 16),
    ],
  ];
  for (const [p, title, slices, config] of panels) {
    if (!slices.length) {
      drawMessage(ctx, `${title}: no data`, p.x, p.y, p.w, p.h, 14);
      continue;
    }
    // Each panel is its own 2x canvas, copied pixel for pixel: as crisp as a single chart.
    chartRenderer().drawOn(p.w, p.h, config(title, slices), (panel) => ctx.drawImage(panel, p.x, p.y, p.w, p.h));
  }
  return encodePng(canvas);
}
