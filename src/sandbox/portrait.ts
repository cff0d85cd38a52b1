import type { Granularity, Period } from '../calendar/period';
import { hasData, type Scale, visitRow } from './data';
import { split, wobble } from './mix';

// The user portrait of a 1, 7 or 30 day span, from the span's deduplicated visitors (the same
// figures as the visit trend), so a month has more people than a week and a week more than a day.

export interface PortraitEntryBody {
  id?: number;
  name: string;
  value: number;
}

type Dimension = 'province' | 'city' | 'genders' | 'platforms' | 'devices' | 'ages';
type GroupBody = Record<Dimension, PortraitEntryBody[]>;

export interface PortraitBody {
  ref_date: string;
  visit_uv_new: GroupBody;
  visit_uv: GroupBody;
}

interface Slice {
  id?: number;
  name: string;
  weight: number;
  /** How much more (or less) this slice weighs among new users. */
  newBias?: number;
}

interface DimensionSpec {
  slices: readonly Slice[];
  /** Share of all visitors the listed slices cover: WeChat lists the top provinces, cities and phones only. */
  cover: number;
}

// WeChat documents only 广东省 = 31 and 广州 = 3102; the other ids follow that pattern and are made up.
const PROVINCES: readonly Slice[] = [
  { id: 31, name: '广东省', weight: 0.16 },
  { id: 1, name: '北京市', weight: 0.08 },
  { id: 2, name: '上海市', weight: 0.08 },
  { id: 11, name: '浙江省', weight: 0.08 },
  { id: 10, name: '江苏省', weight: 0.08 },
  { id: 23, name: '四川省', weight: 0.06, newBias: 1.1 },
  { id: 15, name: '山东省', weight: 0.06 },
  { id: 16, name: '河南省', weight: 0.05, newBias: 1.15 },
  { id: 17, name: '湖北省', weight: 0.045 },
  { id: 18, name: '湖南省', weight: 0.04 },
  { id: 13, name: '福建省', weight: 0.04 },
  { id: 3, name: '河北省', weight: 0.035, newBias: 1.1 },
  { id: 12, name: '安徽省', weight: 0.03 },
  { id: 27, name: '陕西省', weight: 0.025 },
  { id: 22, name: '重庆市', weight: 0.025 },
];

const CITIES: readonly Slice[] = [
  { id: 3103, name: '深圳', weight: 0.07 },
  { id: 3102, name: '广州', weight: 0.065 },
  { id: 101, name: '北京', weight: 0.08 },
  { id: 201, name: '上海', weight: 0.08 },
  { id: 1101, name: '杭州', weight: 0.045 },
  { id: 1001, name: '南京', weight: 0.03 },
  { id: 1005, name: '苏州', weight: 0.03 },
  { id: 2301, name: '成都', weight: 0.035, newBias: 1.1 },
  { id: 2201, name: '重庆', weight: 0.025 },
  { id: 1701, name: '武汉', weight: 0.03 },
  { id: 2701, name: '西安', weight: 0.02 },
  { id: 1601, name: '郑州', weight: 0.02, newBias: 1.15 },
  { id: 1801, name: '长沙', weight: 0.02 },
  { id: 3119, name: '东莞', weight: 0.02 },
  { id: 3106, name: '佛山', weight: 0.015 },
  { id: 1102, name: '宁波', weight: 0.015 },
  { id: 1502, name: '青岛', weight: 0.015 },
  { id: 1501, name: '济南', weight: 0.012 },
  { id: 1302, name: '厦门', weight: 0.012 },
  { id: 1301, name: '福州', weight: 0.01 },
];

const GENDERS: readonly Slice[] = [
  { id: 0, name: '未知', weight: 0.04 },
  { id: 1, name: '男', weight: 0.46 },
  { id: 2, name: '女', weight: 0.5 },
];

const PLATFORMS: readonly Slice[] = [
  { id: 1, name: 'iPhone', weight: 0.38, newBias: 0.85 },
  { id: 2, name: 'Android', weight: 0.6, newBias: 1.1 },
  { id: 3, name: '其他', weight: 0.02 },
];

// Devices come without an id, as in WeChat's example.
const DEVICES: readonly Slice[] = [
  { name: '苹果 iPhone 13', weight: 0.07, newBias: 0.9 },
  { name: '苹果 iPhone 12', weight: 0.06 },
  { name: '苹果 iPhone 11', weight: 0.05 },
  { name: '苹果 iPhone XR', weight: 0.035 },
  { name: '华为 Mate 40', weight: 0.045 },
  { name: '华为 P40', weight: 0.03 },
  { name: '小米 11', weight: 0.03, newBias: 1.1 },
  { name: 'OPPO R9', weight: 0.02, newBias: 1.15 },
  { name: 'OPPO Reno5', weight: 0.025 },
  { name: 'vivo X60', weight: 0.025, newBias: 1.1 },
  { name: '荣耀 V40', weight: 0.018 },
  { name: '红米 Note 9', weight: 0.02, newBias: 1.15 },
];

const AGES: readonly Slice[] = [
  { id: 1, name: '17岁以下', weight: 0.06, newBias: 1.15 },
  { id: 2, name: '18-24岁', weight: 0.24, newBias: 1.1 },
  { id: 3, name: '25-29岁', weight: 0.26 },
  { id: 4, name: '30-39岁', weight: 0.25 },
  { id: 5, name: '40-49岁', weight: 0.12, newBias: 0.85 },
  { id: 6, name: '50岁以上', weight: 0.07, newBias: 0.9 },
];

const DIMENSIONS: Record<Dimension, DimensionSpec> = {
  province: { slices: PROVINCES, cover: 0.86 },
  city: { slices: CITIES, cover: 0.66 },
  genders: { slices: GENDERS, cover: 1 },
  platforms: { slices: PLATFORMS, cover: 1 },
  devices: { slices: DEVICES, cover: 0.43 },
  ages: { slices: AGES, cover: 1 },
};

/** The dedupe of the visit trend that matches a span's length. */
const SPAN_GRANULARITY: Record<number, Granularity> = { 1: 'daily', 7: 'weekly', 30: 'monthly' };

const EMPTY: GroupBody = { province: [], city: [], genders: [], platforms: [], devices: [], ages: [] };

function entries(spec: DimensionSpec, total: number, seed: string, isNew: boolean): PortraitEntryBody[] {
  const weights = spec.slices.map((s) => s.weight * (isNew ? (s.newBias ?? 1) : 1) * wobble(`${seed}${s.name}`, 0.12));
  const values = split(Math.round(total * spec.cover), weights);
  return spec.slices.map((s, i) =>
    s.id === undefined ? { name: s.name, value: values[i] } : { id: s.id, name: s.name, value: values[i] },
  );
}

const byValue = (list: PortraitEntryBody[]) => list.filter((e) => e.value > 0).sort((a, b) => b.value - a.value);

/**
 * Active and new users of one span. New users are people first seen in the span, so no slice has
 * more new users than active ones (a month's new users come close to its active ones).
 */
function groups(active: number, fresh: number, seed: string): { visit_uv: GroupBody; visit_uv_new: GroupBody } {
  const visit_uv = { ...EMPTY };
  const visit_uv_new = { ...EMPTY };
  for (const d of Object.keys(DIMENSIONS) as Dimension[]) {
    const all = entries(DIMENSIONS[d], active, `${seed}${d}`, false);
    const first = entries(DIMENSIONS[d], fresh, `${seed}${d}`, true).map((e, i) => ({ ...e, value: Math.min(e.value, all[i].value) }));
    visit_uv[d] = byValue(all);
    visit_uv_new[d] = byValue(first);
  }
  return { visit_uv, visit_uv_new };
}

/** getweanalysisappiduserportrait for begin..end, a span of `days` (1, 7 or 30) days. */
export function portraitBody(begin: string, end: string, days: number, scale: Scale = 1): PortraitBody {
  const ref_date = `${begin}-${end}`;
  const span: Period = { granularity: SPAN_GRANULARITY[days] ?? 'monthly', begin, end };
  if (!hasData(span)) return { ref_date, visit_uv_new: EMPTY, visit_uv: EMPTY };
  const row = visitRow(span, scale);
  return { ref_date, ...groups(row.visit_uv, row.visit_uv_new, `pt${ref_date}`) };
}
