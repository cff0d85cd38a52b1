import type { ChartConfiguration } from 'chart.js';
import { isoDate, weekdayName } from '../../calendar/labels';
import type { SourcesReport } from '../../reports/model';
import { sourceLabel } from '../../wechat/labels';
import { barValues } from './bar-values';
import { baseOptions, change, COLORS, count, NUMBER, subtitle, truncate } from './style';

export const TOP_SOURCES = 10;

export function sourcesIsEmpty(r: SourcesReport): boolean {
  return r.sources.every((s) => s.sessions.value === null && s.sessions.previous === null);
}

export function sourcesSubtitle(r: SourcesReport): string {
  const day = r.period.begin;
  const shown = Math.min(TOP_SOURCES, r.sources.length);
  return subtitle(
    r,
    `Sessions by source, ${weekdayName(day)} ${isoDate(day)} vs ${isoDate(r.comparedWith.begin)}`,
    r.totalSessions !== null && `${count(r.totalSessions)} in all`,
    r.sources.length > shown && `top ${shown} of ${r.sources.length}`,
  );
}

/** Horizontal bars: this day's sessions per source, with the same weekday a week earlier in a lighter colour. */
export function sourcesConfig(r: SourcesReport): ChartConfiguration<'bar'> {
  const top = r.sources.slice(0, TOP_SOURCES);
  const annotate = (i: number) => {
    const s = top[i].sessions;
    if (s.value === null) return 'n/a';
    return s.change === null ? NUMBER.format(s.value) : `${NUMBER.format(s.value)} (${change(s.change)})`;
  };
  const options = baseOptions<'bar'>(r, sourcesSubtitle(r));
  return {
    type: 'bar',
    data: {
      labels: top.map((s) => truncate(sourceLabel(s.key).en, 40)),
      datasets: [
        { label: `Sessions ${isoDate(r.period.begin)}`, data: top.map((s) => s.sessions.value), backgroundColor: COLORS.blue },
        {
          label: `Same weekday a week earlier (${isoDate(r.comparedWith.begin)})`,
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
          title: { display: true, text: 'Sessions' },
          ticks: { callback: (v) => NUMBER.format(Number(v)) },
        },
        y: { ticks: { autoSkip: false } },
      },
    },
  };
}
