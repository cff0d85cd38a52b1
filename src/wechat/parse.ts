import type {
  DailySummaryItem,
  DailySummaryResult,
  DistributionItem,
  PerformanceResult,
  PerformanceTable,
  PortraitEntry,
  PortraitGroup,
  RetainResult,
  RetentionSeries,
  UserPortraitResult,
  VisitDistributionResult,
  VisitPageItem,
  VisitPageResult,
  VisitTrendItem,
  VisitTrendResult,
} from './types';

// WeChat omits keys, metrics and whole lists in practice; every field is optional here and a
// missing number stays null so reports can say "n/a" instead of a false 0.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `snake_case` or its camelCase twin. */
function field(o: Json, snake: string): unknown {
  if (snake in o) return o[snake];
  return o[snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
}

export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

const toStr = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function series(v: unknown): RetentionSeries {
  const out = new Map<number, number>();
  if (!Array.isArray(v)) return out;
  for (const e of v) {
    if (!isObject(e)) continue;
    const key = toNumber(e.key);
    const value = toNumber(e.value);
    if (key !== null && value !== null && Number.isInteger(key) && key >= 0) out.set(key, value);
  }
  return out;
}

export function parseRetain(raw: unknown): RetainResult {
  const o = isObject(raw) ? raw : {};
  return {
    refDate: toStr(field(o, 'ref_date')),
    visitUvNew: series(field(o, 'visit_uv_new')),
    visitUv: series(field(o, 'visit_uv')),
  };
}

function list(raw: unknown): Json[] {
  const l = isObject(raw) ? raw.list : undefined;
  return Array.isArray(l) ? l.filter(isObject) : [];
}

export function parseVisitTrend(raw: unknown): VisitTrendResult {
  return {
    list: list(raw).map(
      (o): VisitTrendItem => ({
        refDate: toStr(field(o, 'ref_date')),
        sessionCnt: toNumber(field(o, 'session_cnt')),
        visitPv: toNumber(field(o, 'visit_pv')),
        visitUv: toNumber(field(o, 'visit_uv')),
        visitUvNew: toNumber(field(o, 'visit_uv_new')),
        stayTimeUv: toNumber(field(o, 'stay_time_uv')),
        stayTimeSession: toNumber(field(o, 'stay_time_session')),
        visitDepth: toNumber(field(o, 'visit_depth')),
      }),
    ),
  };
}

export function parseDailySummary(raw: unknown): DailySummaryResult {
  return {
    list: list(raw).map(
      (o): DailySummaryItem => ({
        refDate: toStr(field(o, 'ref_date')),
        visitTotal: toNumber(field(o, 'visit_total')),
        sharePv: toNumber(field(o, 'share_pv')),
        shareUv: toNumber(field(o, 'share_uv')),
      }),
    ),
  };
}

function items(v: unknown): DistributionItem[] {
  if (!Array.isArray(v)) return [];
  const out: DistributionItem[] = [];
  for (const e of v) {
    if (!isObject(e)) continue;
    const key = toNumber(e.key);
    const value = toNumber(e.value);
    if (key !== null && value !== null && Number.isInteger(key)) out.push({ key, value });
  }
  return out;
}

/** Distribution groups by their `index`; an unknown index is ignored, an unknown key inside one is kept. */
export function parseVisitDistribution(raw: unknown): VisitDistributionResult {
  const o = isObject(raw) ? raw : {};
  const group = (index: string): DistributionItem[] => {
    const g = list(raw).find((e) => e.index === index);
    return g ? items(field(g, 'item_list')) : [];
  };
  return {
    refDate: toStr(field(o, 'ref_date')),
    sourceSessions: group('access_source_session_cnt'),
    sourceVisitors: group('access_source_visit_uv'),
    stayTime: group('access_staytime_info'),
    depth: group('access_depth_info'),
  };
}

export function parseVisitPage(raw: unknown): VisitPageResult {
  const o = isObject(raw) ? raw : {};
  return {
    refDate: toStr(field(o, 'ref_date')),
    list: list(raw)
      .map(
        (e): VisitPageItem => ({
          pagePath: toStr(field(e, 'page_path')),
          pageVisitPv: toNumber(field(e, 'page_visit_pv')),
          pageVisitUv: toNumber(field(e, 'page_visit_uv')),
          pageStaytimePv: toNumber(field(e, 'page_staytime_pv')),
          entrypagePv: toNumber(field(e, 'entrypage_pv')),
          exitpagePv: toNumber(field(e, 'exitpage_pv')),
          pageSharePv: toNumber(field(e, 'page_share_pv')),
          pageShareUv: toNumber(field(e, 'page_share_uv')),
        }),
      )
      .filter((p) => p.pagePath !== ''),
  };
}

/** The docs call the count `access_source_visit_uv`; the real answers call it `value`. Both are read. */
function portraitEntries(v: unknown): PortraitEntry[] {
  if (!Array.isArray(v)) return [];
  const out: PortraitEntry[] = [];
  for (const e of v) {
    if (!isObject(e)) continue;
    const value = toNumber(e.value ?? field(e, 'access_source_visit_uv'));
    if (value === null) continue;
    out.push({ id: toNumber(e.id), name: toStr(e.name), value });
  }
  return out;
}

function portraitGroup(v: unknown): PortraitGroup {
  const o = isObject(v) ? v : {};
  return {
    province: portraitEntries(o.province),
    city: portraitEntries(o.city),
    genders: portraitEntries(o.genders),
    platforms: portraitEntries(o.platforms),
    devices: portraitEntries(o.devices),
    ages: portraitEntries(o.ages),
  };
}

export function parseUserPortrait(raw: unknown): UserPortraitResult {
  const o = isObject(raw) ? raw : {};
  return {
    refDate: toStr(field(o, 'ref_date')),
    visitUvNew: portraitGroup(field(o, 'visit_uv_new')),
    visitUv: portraitGroup(field(o, 'visit_uv')),
  };
}

/** `data` (and `data.body`) are objects in every known answer; a string is parsed once, in case. */
function objectOrParsed(v: unknown): Json {
  if (isObject(v)) return v;
  if (typeof v === 'string') {
    try {
      const o: unknown = JSON.parse(v);
      return isObject(o) ? o : {};
    } catch {
      return {};
    }
  }
  return {};
}

/** wxa/business/performance/boot: `data.body.tables[{id, zh, lines:[{fields:[{refdate, value}]}]}]`, values as strings. */
export function parsePerformance(raw: unknown): PerformanceResult {
  const body = objectOrParsed(objectOrParsed(isObject(raw) ? raw.data : undefined).body);
  const tables = Array.isArray(body.tables) ? body.tables.filter(isObject) : [];
  return {
    tables: tables.map((t) => {
      const lines = Array.isArray(t.lines) ? t.lines.filter(isObject) : [];
      const points: PerformanceTable['points'] = [];
      for (const line of lines) {
        for (const f of Array.isArray(line.fields) ? line.fields.filter(isObject) : []) {
          const date = toStr(f.refdate ?? f.ref_date);
          if (/^\d{8}$/.test(date)) points.push({ date, value: toNumber(f.value) });
        }
      }
      return { id: toStr(t.id), zh: toStr(t.zh), points };
    }),
  };
}
