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
}

export type EndpointKind = keyof ResultOfKind;
