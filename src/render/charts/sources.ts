import type { ChartConfiguration } from 'chart.js';
import type { SourcesReport } from '../../reports/model';
import { sourceLabel } from '../../wechat/labels';
import { barValues } from './bar-values';
import { baseOptions, COLORS, subtitle, truncate } from './style';
import { chartLanguage, wordsFor } from './words';

export const TOP_SOURCES = 10;

export function sourcesIsEmpty(r: SourcesReport): boolean {
  return r.sources.every((s) => s.sessions.value === null && s.sessions.previous === null);
}

export function sourcesSubtitle(r: SourcesReport): string {
  const day = r.period.begin;
  const shown = Math.min(TOP_SOURCES, r.sources.length);
  const w = wordsFor(r);
  return subtitle(
    r,
    w.t('chart.sources.subtitle', { weekday: w.weekday(day), date: w.date(day), compared: w.date(r.comparedWith.begin) }),
    r.totalSessions !== null && w.t('chart.sources.total', { total: w.count(r.totalSessions) }),
    r.sources.length > shown && w.t('chart.sources.top', { shown, all: r.sources.length }),
  );
}

/** Horizontal bars: this day's sessions per source, with the same weekday a week earlier in a lighter colour. */
export function sourcesConfig(r: SourcesReport): ChartConfiguration<'bar'> {
  const top = r.sources.slice(0, TOP_SOURCES);
  const w = wordsFor(r);
  const lang = chartLanguage(r);
  const annotate = (i: number) => {
    const s = top[i].sessions;
    if (s.value === null) return w.na;
    return s.change === null ? w.count(s.value) : `${w.count(s.value)} (${w.change(s.change)})`;
  };
  const options = baseOptions<'bar'>(r, sourcesSubtitle(r));
  return {
    type: 'bar',
    data: {
      labels: top.map((s) => truncate(sourceLabel(s.key)[lang], 40)),
      datasets: [
        {
          label: w.t('chart.sources.sessionsOn', { date: w.date(r.period.begin) }),
          data: top.map((s) => s.sessions.value),
          backgroundColor: COLORS.blue,
        },
        {
          label: w.t('chart.sources.weekEarlier', { date: w.date(r.comparedWith.begin) }),
          data: top.map((s) => s.sessions.previous),
          backgroundColor: COLORS.lightBlue,
        },
      ],
    },
    plugins: [barValues(0, annotate)],
    options: {
      ...options,
      indexAxis: 'y',
      datasets: { bar: { barPercentage: 0.9, categoryPercentage: 0.8, maxBarThickness: 24 } },
      skipNull: true, // a source new this week gets one centred bar, not a gap
      scales: {
        x: {
          beginAtZero: true,
          grace: '22%', // room for the figures written after the bars
          title: { display: true, text: w.t('chart.sessions') },
          ticks: { callback: (v) => w.tick(Number(v)) },
        },
        y: { ticks: { autoSkip: false } },
      },
    },
  };
}
