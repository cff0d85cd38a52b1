import { isoWeekday } from '../../calendar/period';
import { type Language, type Translate, translator } from '../../i18n';
import { formatDate } from '../../i18n/dates';
import { formatCount } from '../../i18n/numbers';
import type { Report, Unit } from '../../reports/model';

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const COMPACT: Record<Language, Intl.NumberFormat> = {
  en: new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }),
  // "91万", not "910K": a Chinese reader counts in 万.
  zh: new Intl.NumberFormat('zh-CN', { notation: 'compact', maximumFractionDigits: 1 }),
};
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const PERCENT_WHOLE = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 });
const SIGNED_PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** The words and number formats of one chart, in its report's language. */
export interface ChartWords {
  lang: Language;
  t: Translate;
  /** "n/a" / "暂无": a figure WeChat did not send. */
  na: string;
  /** A count in text (subtitles, annotations): "1,234,567" / "123.5万"; n/a when missing. */
  count(n: number | null): string;
  /** Axis ticks: grouped digits in both languages. */
  tick(n: number): string;
  /** A right-hand axis of large counts: "1.2M" / "120万". */
  compact(n: number): string;
  percent(n: number | null): string;
  percentWhole(n: number): string;
  change(n: number | null): string;
  figure(value: number | null, unit: Unit): string;
  /** "2017-03-06" / "2017年3月6日" */
  date(yyyymmdd: string): string;
  weekday(yyyymmdd: string): string;
}

function build(lang: Language): ChartWords {
  const t = translator(lang);
  const na = t('chart.na');
  const w: ChartWords = {
    lang,
    t,
    na,
    count: (n) => (n === null ? na : formatCount(n, lang)),
    tick: (n) => NUMBER.format(n),
    compact: (n) => COMPACT[lang].format(n),
    percent: (n) => (n === null ? na : PERCENT.format(n)),
    percentWhole: (n) => PERCENT_WHOLE.format(n),
    change: (n) => (n === null ? na : SIGNED_PERCENT.format(n)),
    figure(value, unit) {
      if (value === null) return na;
      if (unit === 'seconds') return t('chart.seconds', { n: DECIMAL.format(value) });
      if (unit === 'ratio') return w.percent(value);
      return w.count(value);
    },
    date: (d) => formatDate(d, lang),
    weekday: (d) => t(`chart.weekday.${isoWeekday(d) as 1 | 2 | 3 | 4 | 5 | 6 | 7}`),
  };
  return w;
}

const BY_LANGUAGE: Record<Language, ChartWords> = { en: build('en'), zh: build('zh') };

/** The report's language (English when it has none). */
export function chartLanguage(r: Pick<Report, 'language'>): Language {
  return r.language ?? 'en';
}

export function wordsFor(r: Pick<Report, 'language'>): ChartWords {
  return BY_LANGUAGE[chartLanguage(r)];
}
