import { untilDeadline, type ReportJobs } from './jobs';
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

/**
 * Runs one report job (produce and deliver) in the context's queue, or at once without one. The
 * job is handed its deadline signal (none without a queue) to pass to produceReport.
 */
export function runReportJob<T>(ctx: ReportContext, job: (deadline?: AbortSignal) => Promise<T>, onStart?: () => void): Promise<T> {
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
 * fetch from WeChat -> plain Report model -> Block Kit message and PNG chart. With a `deadline`
 * (the job's), it rejects with JobTimeoutError once that passes, so nothing late is delivered.
 */
export function produceReport(req: ReportRequest, ctx: ReportContext, deadline?: AbortSignal): Promise<RenderedReport> {
  if (!ctx.flights) return untilDeadline(produce(req, ctx), deadline, ctx.jobs?.deadlineMs ?? 0);
  const key = `${ctx.appName}:${req.kind}:${req.period.granularity}:${req.period.begin}:${req.notes.join('|')}`;
  // Past the deadline this caller stops waiting (and delivers nothing); the shared work goes on for others.
  return untilDeadline(ctx.flights.run(key, () => produce(req, ctx)), deadline, ctx.jobs?.deadlineMs ?? 0);
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
