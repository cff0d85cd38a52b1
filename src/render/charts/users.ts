import type { ChartConfiguration } from 'chart.js';
import type { PortraitSlice, UsersReport } from '../../reports/model';
import { portraitNameEn } from '../../wechat/labels';
import { blankCanvas, chartRenderer, encodePng } from '../canvas';
import { barValues } from './bar-values';
import { drawHeader, drawMessage, HEADER_HEIGHT } from './frame';
import { COLORS, fitText, SLICE_COLORS, subtitle } from './style';
import { type ChartWords, chartLanguage, wordsFor } from './words';

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
function fourParts(slices: PortraitSlice[], other: string): PortraitSlice[] {
  if (slices.length <= 4) return slices;
  const sorted = [...slices].sort((a, b) => b.value - a.value);
  const rest = sorted.slice(3);
  const share = rest.every((s) => s.share !== null) ? rest.reduce((t, s) => t + (s.share ?? 0), 0) : null;
  return [...sorted.slice(0, 3), { id: null, name: other, value: rest.reduce((t, s) => t + s.value, 0), share }];
}

/**
 * A slice's name as a reader of the chart's language knows it: WeChat sends Chinese, which an English
 * chart shows in English where it has a fixed meaning (genders, age bands).
 */
function sliceName(r: UsersReport, name: string, max: number): string {
  return fitText(r, chartLanguage(r) === 'en' ? portraitNameEn(name) : name, max);
}

function doughnut(r: UsersReport, title: string, slices: PortraitSlice[]): ChartConfiguration {
  const w = wordsFor(r);
  const parts = fourParts(slices, w.t('chart.users.other'));
  const config: ChartConfiguration<'doughnut'> = {
    type: 'doughnut',
    data: {
      labels: parts.map((s) => `${sliceName(r, s.name, 14)} ${w.percentWhole(s.share ?? 0)}`),
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

/** "67,105 (28%)", written past a bar. */
const barLabel = (w: ChartWords, s: PortraitSlice) => `${w.count(s.value)} (${w.percentWhole(s.share ?? 0)})`;

function bars(r: UsersReport, title: string, slices: PortraitSlice[], color: string, labelChars: number): ChartConfiguration {
  const w = wordsFor(r);
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: slices.map((s) => sliceName(r, s.name, labelChars)),
      datasets: [
        { data: slices.map((s) => s.value), backgroundColor: color, barPercentage: 0.85, categoryPercentage: 0.85, maxBarThickness: 28 },
      ],
    },
    plugins: [barValues(0, (i) => barLabel(w, slices[i]))],
    options: {
      indexAxis: 'y',
      layout: { padding: { left: 8, right: 16, top: 8, bottom: 4 } },
      plugins: { title: panelTitle(title), legend: { display: false } },
      scales: {
        // Room for the "67,105 (28%)" labels past the longest bar, in the narrow age panel too.
        x: { beginAtZero: true, grace: '50%', ticks: { callback: (v) => w.tick(Number(v)), maxTicksLimit: 6 } },
        y: { ticks: { autoSkip: false } },
      },
    },
  };
  return config as unknown as ChartConfiguration;
}

export function usersSubtitle(r: UsersReport): string {
  const w = wordsFor(r);
  const span = r.span === 1 ? w.t('chart.users.overDay') : w.t('chart.users.overDays', { n: r.span });
  return subtitle(r, w.t('chart.users.subtitle', { active: w.count(r.activeUsers.total), new: w.count(r.newUsers.total), span }));
}

/** One panel of the picture: where it goes, its title, and its chart (none when it has no slices). */
export interface UsersPanel {
  at: Panel;
  title: string;
  slices: PortraitSlice[];
  config(): ChartConfiguration;
}

/** Gender and platform doughnuts, age bands and top provinces as bars. */
export function usersPanels(r: UsersReport): UsersPanel[] {
  const { t } = wordsFor(r);
  const a = r.activeUsers;
  const provinces = withShares(a.provinces).slice(0, TOP_PROVINCES);
  const panel = (at: Panel, title: string, slices: PortraitSlice[], config: (title: string, s: PortraitSlice[]) => ChartConfiguration) => ({
    at,
    title,
    slices,
    config: () => config(title, slices),
  });
  return [
    panel(PANELS.genders, t('chart.users.gender'), withShares(a.genders), (title, s) => doughnut(r, title, s)),
    panel(PANELS.platforms, t('chart.users.platform'), withShares(a.platforms), (title, s) => doughnut(r, title, s)),
    panel(PANELS.ages, t('chart.users.age'), withShares(a.ages), (title, s) => bars(r, title, s, COLORS.green, 14)),
    panel(PANELS.provinces, t('chart.users.provinces', { n: provinces.length }), provinces, (title, s) =>
      bars(r, title, s, COLORS.blue, 16),
    ),
  ];
}

/** "Gender: no data", in a panel WeChat sent nothing for. */
export const panelNoData = (r: UsersReport, title: string): string => wordsFor(r).t('chart.panelNoData', { title });

/** One picture, four panels (see usersPanels). */
export function renderUsers(r: UsersReport): Buffer {
  const canvas = blankCanvas(USERS_WIDTH, USERS_HEIGHT);
  const ctx = canvas.getContext('2d');
  drawHeader(ctx, USERS_WIDTH, r, usersSubtitle(r));
  for (const { at: p, title, slices, config } of usersPanels(r)) {
    if (!slices.length) {
      drawMessage(ctx, panelNoData(r, title), p.x, p.y, p.w, p.h, 14);
      continue;
    }
    // Each panel is its own 2x canvas, copied pixel for pixel: as crisp as a single chart.
    chartRenderer().drawOn(p.w, p.h, config(), (panel) => ctx.drawImage(panel, p.x, p.y, p.w, p.h));
  }
  return encodePng(canvas);
}
