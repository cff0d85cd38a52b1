/** Retention counts by offset (0 = the period itself). Missing keys stay missing. */
export type RetentionSeries = ReadonlyMap<number, number>;

export interface RetainResult {
  refDate: string;
  visitUvNew: RetentionSeries;
  visitUv: RetentionSeries;
}

/** One row of a visit trend. Any metric WeChat omitted is null, never 0. */
export interface VisitTrendItem {
  refDate: string;
  sessionCnt: number | null;
  visitPv: number | null;
  visitUv: number | null;
  visitUvNew: number | null;
  stayTimeUv: number | null;
  stayTimeSession: number | null;
  visitDepth: number | null;
}

export interface VisitTrendResult {
  list: VisitTrendItem[];
}

export interface DailySummaryItem {
  refDate: string;
  visitTotal: number | null;
  sharePv: number | null;
  shareUv: number | null;
}

export interface DailySummaryResult {
  list: DailySummaryItem[];
}

/** What a datacube endpoint answers with, and the result each kind parses to. Rows are in ./endpoints. */
export interface ResultOfKind {
  retain: RetainResult;
  visitTrend: VisitTrendResult;
  dailySummary: DailySummaryResult;
  visitDistribution: VisitDistributionResult;
  visitPage: VisitPageResult;
  userPortrait: UserPortraitResult;
}

export type EndpointKind = keyof ResultOfKind;

/** One `{key, value}` of a visit distribution: an access source, a stay-time or a depth bucket. */
export interface DistributionItem {
  key: number;
  value: number;
}

/** getweanalysisappidvisitdistribution: one day's sources and buckets, keys as WeChat sends them. */
export interface VisitDistributionResult {
  refDate: string;
  /** access_source_session_cnt: sessions by access source. */
  sourceSessions: DistributionItem[];
  /** access_source_visit_uv: visitors by access source (live answers carry it; the docs do not). */
  sourceVisitors: DistributionItem[];
  /** access_staytime_info: sessions by stay-time bucket. */
  stayTime: DistributionItem[];
  /** access_depth_info: sessions by visit-depth bucket. */
  depth: DistributionItem[];
}

/** One page of getweanalysisappidvisitpage. `pagePath` is WeChat's text: untrusted. */
export interface VisitPageItem {
  pagePath: string;
  pageVisitPv: number | null;
  pageVisitUv: number | null;
  /** Average stay per page view, seconds. */
  pageStaytimePv: number | null;
  entrypagePv: number | null;
  exitpagePv: number | null;
  pageSharePv: number | null;
  pageShareUv: number | null;
}

export interface VisitPageResult {
  refDate: string;
  list: VisitPageItem[];
}

/** One slice of a portrait dimension; `name` is WeChat's text (a province, a phone model): untrusted. */
export interface PortraitEntry {
  id: number | null;
  name: string;
  value: number;
}

export interface PortraitGroup {
  province: PortraitEntry[];
  city: PortraitEntry[];
  genders: PortraitEntry[];
  platforms: PortraitEntry[];
  devices: PortraitEntry[];
  ages: PortraitEntry[];
}

/** getweanalysisappiduserportrait: new users and active users over a 1, 7 or 30 day span. */
export interface UserPortraitResult {
  refDate: string;
  visitUvNew: PortraitGroup;
  visitUv: PortraitGroup;
}

/** One table of wxa/business/performance/boot: WeChat's metric id and Chinese name (untrusted text), a value per day. */
export interface PerformanceTable {
  id: string;
  zh: string;
  /** One per refdate WeChat sent, in its order; values are numbers (WeChat sends strings). */
  points: { date: string; value: number | null }[];
}

export interface PerformanceResult {
  tables: PerformanceTable[];
}
