import type { Logger } from '../log';
import type { WeChatClient } from '../wechat/client';
import { SingleFlight } from '../util/single-flight';
import type { AlertReport } from './alert';
import { chartFilename, fetchAndBuild } from './produce';
import type { Report, ReportRequest } from './model';
import { untilDeadline, type ReportQueue } from './queue';

/** Where a report's data comes from: a mini program (src/apps' MiniProgram is one). */
export interface ReportSource {
  readonly name: string;
  readonly displayName: string;
  readonly client: WeChatClient;
  readonly sandbox: boolean;
}

/** What has a chart: a report, or an alert's evaluation. */
export type Chartable = Report | AlertReport;

/** Draws a report's chart as a PNG (src/render: a worker pool, or in-process for the CLI). */
export interface ChartRenderer {
  render(report: Chartable): Promise<Buffer>;
  close(): Promise<void>;
  readonly threads: number;
}

/** A report ready to deliver: the model and its chart. Words and Block Kit are the deliverer's. */
export interface ProducedReport {
  report: Report;
  /** The mini program's name (ReportSource.name): what a button under the report asks about. */
  program: string;
  chart: Buffer;
  chartFilename: string;
}

export interface ReportRunOptions {
  /** The caller's logger (its request id, command, schedule...). */
  logger?: Logger;
  /** Told when the report leaves the queue and its work starts. */
  onStart?: () => void;
}

/**
 * The one path every report takes, whoever asks (slash command, schedule, CLI): wait for a slot
 * in the queue, fetch from WeChat, build the plain Report, draw the chart, then hand it to
 * `deliver`. Concurrent requests for the same report share one fetch and one drawing. Fetching
 * and drawing have the queue's deadline; past it the caller gets JobTimeoutError and nothing is
 * delivered late.
 */
export class ReportService {
  private readonly flights = new SingleFlight<ProducedReport>();

  constructor(
    private readonly d: {
      charts: ChartRenderer;
      queue: ReportQueue;
      logger: Logger;
      /** Told how long each stage of a report took (for the stage histogram). */
      onStage?: (stage: 'fetch' | 'render', seconds: number) => void;
    },
  ) {}

  get queue(): ReportQueue {
    return this.d.queue;
  }

  run<T>(
    source: ReportSource,
    request: ReportRequest,
    deliver: (produced: ProducedReport) => Promise<T>,
    o: ReportRunOptions = {},
  ): Promise<T> {
    return this.d.queue.run(async (deadline) => deliver(await this.produce(source, request, deadline, o.logger)), o.onStart);
  }

  /** An alert's chart (the alert path fetches and decides itself, in its own queue slot). */
  chart(r: AlertReport): Promise<Buffer> {
    return this.d.charts.render(r);
  }

  private produce(source: ReportSource, req: ReportRequest, deadline: AbortSignal, logger?: Logger): Promise<ProducedReport> {
    // The notes are in the key: a Wednesday and a Thursday of one week must not share a note.
    const key = `${source.name}:${req.kind}:${req.period.granularity}:${req.period.begin}:${req.span ?? ''}:${req.language ?? 'en'}:${JSON.stringify(req.notes)}`;
    // Past the deadline this caller stops waiting (and delivers nothing); the shared work goes on for others.
    return untilDeadline(
      this.flights.run(key, () => this.fetchAndDraw(source, req, logger ?? this.d.logger)),
      deadline,
      this.d.queue.deadlineMs,
    );
  }

  private async fetchAndDraw(source: ReportSource, req: ReportRequest, log: Logger): Promise<ProducedReport> {
    const t0 = Date.now();
    const report = await fetchAndBuild(source.client, req, { appName: source.displayName, sandbox: source.sandbox }, new Date(), log);
    const t1 = Date.now();
    this.d.onStage?.('fetch', (t1 - t0) / 1000);
    const chart = await this.d.charts.render(report);
    this.d.onStage?.('render', (Date.now() - t1) / 1000);
    log.info(
      { kind: req.kind, period: req.period, fetchMs: t1 - t0, renderMs: Date.now() - t1, pngBytes: chart.length },
      'report produced',
    );
    return { report, program: source.name, chart, chartFilename: chartFilename(req) };
  }
}
