import type { Granularity } from '../calendar/period';
import { parseDailySummary, parseRetain, parseUserPortrait, parseVisitDistribution, parseVisitPage, parseVisitTrend } from './parse';
import type { EndpointKind, ResultOfKind } from './types';

/**
 * One datacube endpoint: its name under /datacube/, the granularity its dates must have, what it
 * answers (the simulator answers by `kind`) and the parser that turns WeChat's JSON into the result.
 * The union over kinds ties `parse` to `kind`: a retain row cannot carry the visit-trend parser.
 */
export type EndpointRow = {
  [S in EndpointKind]: {
    readonly path: string;
    readonly granularity: Granularity;
    readonly kind: S;
    /** Set when the dates are a span of one of these many days ending at most yesterday, not one natural period. */
    readonly spans?: readonly number[];
    readonly parse: (raw: unknown) => ResultOfKind[S];
  };
}[EndpointKind];

/**
 * Every datacube endpoint the client can call. Adding an endpoint is one row here: the client's
 * `fetch(key, range)` and the simulator both read this table.
 */
const ROWS = {
  dailyRetain: { path: 'getweanalysisappiddailyretaininfo', granularity: 'daily', kind: 'retain', parse: parseRetain },
  weeklyRetain: { path: 'getweanalysisappidweeklyretaininfo', granularity: 'weekly', kind: 'retain', parse: parseRetain },
  monthlyRetain: { path: 'getweanalysisappidmonthlyretaininfo', granularity: 'monthly', kind: 'retain', parse: parseRetain },
  dailyVisitTrend: { path: 'getweanalysisappiddailyvisittrend', granularity: 'daily', kind: 'visitTrend', parse: parseVisitTrend },
  weeklyVisitTrend: { path: 'getweanalysisappidweeklyvisittrend', granularity: 'weekly', kind: 'visitTrend', parse: parseVisitTrend },
  monthlyVisitTrend: { path: 'getweanalysisappidmonthlyvisittrend', granularity: 'monthly', kind: 'visitTrend', parse: parseVisitTrend },
  dailySummary: { path: 'getweanalysisappiddailysummarytrend', granularity: 'daily', kind: 'dailySummary', parse: parseDailySummary },
  visitDistribution: {
    path: 'getweanalysisappidvisitdistribution',
    granularity: 'daily',
    kind: 'visitDistribution',
    parse: parseVisitDistribution,
  },
  visitPage: { path: 'getweanalysisappidvisitpage', granularity: 'daily', kind: 'visitPage', parse: parseVisitPage },
  userPortrait: {
    path: 'getweanalysisappiduserportrait',
    granularity: 'daily',
    kind: 'userPortrait',
    spans: [1, 7, 30],
    parse: parseUserPortrait,
  },
} as const satisfies Record<string, EndpointRow>;

export type EndpointKey = keyof typeof ROWS;

/** What `fetch(key, …)` resolves to: the return type of that row's parser. */
export type EndpointResult<K extends EndpointKey> = ReturnType<(typeof ROWS)[K]['parse']>;

/** The keys whose rows answer with `kind`. */
export type EndpointKeyOfKind<S extends EndpointKind> = { [K in EndpointKey]: (typeof ROWS)[K]['kind'] extends S ? K : never }[EndpointKey];

/**
 * The same table, typed as a mapped type over its keys so that `ENDPOINTS[k].parse(raw)` has type
 * `EndpointResult<K>` for a generic K (an indexed access into a union of rows would not).
 */
export const ENDPOINTS: {
  readonly [K in EndpointKey]: Readonly<{
    path: string;
    granularity: Granularity;
    kind: EndpointKind;
    spans?: readonly number[];
    parse: (raw: unknown) => EndpointResult<K>;
  }>;
} = ROWS;

export const ENDPOINT_KEYS = Object.keys(ROWS) as readonly EndpointKey[];

/**
 * The endpoint answering `kind` at granularity `g`. Throws when the table has no such row (a
 * programming error: e.g. a weekly daily-summary, which WeChat does not offer).
 */
export function endpointFor<S extends EndpointKind>(kind: S, g: Granularity): EndpointKeyOfKind<S> {
  const key = ENDPOINT_KEYS.find((k): k is EndpointKeyOfKind<S> => ENDPOINTS[k].kind === kind && ENDPOINTS[k].granularity === g);
  if (key === undefined) throw new Error(`no ${g} ${kind} endpoint in ENDPOINTS`);
  return key;
}
