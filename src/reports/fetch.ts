import type { WeChatClient } from '../wechat/client';
import { periodsEnding } from '../calendar/period';
import { TREND_LENGTH, type ReportData } from './build';
import type { ReportRequest } from './model';

/** Everything a report needs from WeChat, fetched concurrently: one call per trend period, plus retention. */
export async function fetchReportData(client: WeChatClient, req: ReportRequest): Promise<ReportData> {
  const { period } = req;
  const trendPeriods = periodsEnding(period, TREND_LENGTH[period.granularity]);
  const [retain, trend, summary] = await Promise.all([
    req.kind === 'retain' ? client.getRetain(period) : Promise.resolve(null),
    Promise.all(trendPeriods.map(async (p) => (await client.getVisitTrend(p)).list[0] ?? null)),
    req.kind === 'visits' && period.granularity === 'daily'
      ? client.getDailySummary({ beginDate: period.begin, endDate: period.end }).then((r) => r.list[0] ?? null)
      : Promise.resolve(null),
  ]);
  return { retain, trend, trendPeriods, summary };
}
