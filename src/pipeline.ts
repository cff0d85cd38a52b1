import type { ReportJobs } from './jobs';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import { silentLogger } from './log';
import { buildReport } from './reports/build';
import { fetchReportData } from './reports/fetch';
import type { Report, ReportRequest } from './reports/model';
import { renderChart } from './render/chart';
import type { ChartRenderer } from './render/pool';
import type { SingleFlight } from './util/single-flight';
import { renderMessage, type RenderedMessage } from './render/blocks';
import type { WeChatClient } from './wechat/client';

/** What every report path needs: the WeChat client for one mini program and how to label it. */
export interface ReportContext {
  client: WeChatClient;
  appName: string;
  sandbox: boolean;
  /** IANA zone for the "generated at" time people read (REPORT_TIMEZONE). */
  timezone?: string;
  logger?: Logger;
  metrics?: Metrics;
  /** Where charts are drawn; in-process when absent. */
  charts?: ChartRenderer;
  /** Shares one fetch and render among concurrent requests for the same report. */
  flights?: SingleFlight<RenderedReport>;
  /** The process-wide queue of report jobs (fetch, render, deliver); absent in the CLI. */
  jobs?: ReportJobs;
}

/** Runs one report job (produce and deliver) in the context's queue, or at once without one. */
export function runReportJob<T>(ctx: ReportContext, job: () => Promise<T>, onStart?: () => void): Promise<T> {
  if (ctx.jobs) return ctx.jobs.run(job, onStart);
  onStart?.();
  return job();
}

export interface RenderedReport {
  report: Report;
  message: RenderedMessage;
  chart: Buffer;
  chartFilename: string;
}

/**
 * The one path every report takes, whoever asked (slash command, schedule, CLI):
 * fetch from WeChat -> plain Report model -> Block Kit message and PNG chart.
 */
export function produceReport(req: ReportRequest, ctx: ReportContext): Promise<RenderedReport> {
  if (!ctx.flights) return produce(req, ctx);
  const key = `${ctx.appName}:${req.kind}:${req.period.granularity}:${req.period.begin}:${req.notes.join('|')}`;
  return ctx.flights.run(key, () => produce(req, ctx));
}

async function produce(req: ReportRequest, ctx: ReportContext): Promise<RenderedReport> {
  const log = ctx.logger ?? silentLogger;
  const t0 = Date.now();
  const data = await fetchReportData(ctx.client, req);
  const t1 = Date.now();
  const report = buildReport(req, data, { appName: ctx.appName, sandbox: ctx.sandbox });
  const message = renderMessage(report, { generatedAt: new Date(), timezone: ctx.timezone ?? 'Asia/Shanghai' });
  const chart = ctx.charts ? await ctx.charts.render(report) : renderChart(report);
  log.info({ kind: req.kind, period: req.period, fetchMs: t1 - t0, renderMs: Date.now() - t1, pngBytes: chart.length }, 'report produced');
  return { report, message, chart, chartFilename: `${req.kind}-${req.period.granularity}-${req.period.begin}.png` };
}
