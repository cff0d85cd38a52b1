import type { Period } from '../calendar/period';
import type { Language } from './index';

const ymd = (s: string) => ({ y: Number(s.slice(0, 4)), m: Number(s.slice(4, 6)), d: Number(s.slice(6, 8)) });
const iso = (s: string) => `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;

/** 20170306 -> "2017-03-06" / "2017年3月6日" */
export function formatDate(yyyymmdd: string, lang: Language): string {
  if (lang === 'en') return iso(yyyymmdd);
  const { y, m, d } = ymd(yyyymmdd);
  return `${y}年${m}月${d}日`;
}

/**
 * A period as people write it: "2017-03-06", "2017-03-06 – 2017-03-12", "2017-03"; in Chinese
 * "2017年3月6日", "2017年3月6日–12日" (or "2017年2月27日–3月5日", "2016年12月26日–2017年1月1日"), "2017年3月".
 */
export function formatPeriod(p: Pick<Period, 'granularity' | 'begin' | 'end'>, lang: Language): string {
  if (p.granularity === 'monthly') return lang === 'en' ? iso(p.begin).slice(0, 7) : `${ymd(p.begin).y}年${ymd(p.begin).m}月`;
  if (p.begin === p.end) return formatDate(p.begin, lang);
  if (lang === 'en') return `${iso(p.begin)} – ${iso(p.end)}`;
  const a = ymd(p.begin);
  const b = ymd(p.end);
  const tail = a.y !== b.y ? `${b.y}年${b.m}月${b.d}日` : a.m !== b.m ? `${b.m}月${b.d}日` : `${b.d}日`;
  return `${formatDate(p.begin, lang)}–${tail}`;
}
