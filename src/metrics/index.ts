import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';

/** One registry's metrics as prom-client gives them in JSON (a job thread's, sent to the receiving thread). */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** What the job queue looks like right now (src/jobs' QueueCounts). */
export interface JobCounts {
  readonly waiting: number;
  readonly running: number;
  readonly workers: number;
}

/** Everything /metrics shows. One instance (and registry) per runtime, so tests can run several. */
export class Metrics {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'wxa_commands_total',
    help: 'Slash commands by command and outcome',
    labelNames: ['command', 'outcome'],
    registers: [this.registry],
  });
  readonly ackSeconds = new Histogram({
    name: 'wxa_ack_seconds',
    help: 'From receiving a slash command to acknowledging it',
    labelNames: ['command'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly endToEndSeconds = new Histogram({
    name: 'wxa_report_seconds',
    help: 'From receiving a report command to the report posted (or the error told)',
    labelNames: ['command', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly wechatCalls = new Counter({
    name: 'wxa_wechat_calls_total',
    help: 'WeChat datacube calls by endpoint and errcode (0 = ok)',
    labelNames: ['endpoint', 'errcode'],
    registers: [this.registry],
  });
  readonly tokenRefreshes = new Counter({
    name: 'wxa_token_requests_total',
    help: 'access_token requests sent (stable_token, token, or the token service)',
    registers: [this.registry],
  });
  readonly renderSeconds = new Histogram({
    name: 'wxa_render_seconds',
    help: 'Chart render time (drawn and encoded; waiting for a render thread included), PNG cache misses only',
    buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly chartCacheHits = new Counter({
    name: 'wxa_chart_cache_hits_total',
    help: 'Charts served from the PNG cache instead of drawn',
    registers: [this.registry],
  });
  readonly slackErrors = new Counter({
    name: 'wxa_slack_api_errors_total',
    help: 'Slack Web API errors by method and error',
    labelNames: ['method', 'error'],
    registers: [this.registry],
  });
  readonly scheduledRuns = new Counter({
    name: 'wxa_scheduled_runs_total',
    help: 'Scheduled report runs by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly alertEvaluations = new Counter({
    name: 'wxa_alert_evaluations_total',
    help: 'Alert evaluations by outcome (fired, recovered, ok, muted, not_enough_history, waiting_data, could_not_check, skipped)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly slackSocketConnected = new Gauge({
    name: 'wxa_slack_socket_connected',
    help: 'Socket Mode: 1 while the WebSocket link to Slack is up, 0 otherwise (always 0 on the HTTP receiver)',
    registers: [this.registry],
  });

  readonly jobWaitSeconds = new Histogram({
    name: 'wxa_job_wait_seconds',
    help: "From Slack's request to its report job starting work (queued for a worker and for a slot)",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly jobStageSeconds = new Histogram({
    name: 'wxa_job_stage_seconds',
    help: 'Report job time by stage: fetch (WeChat and the model), render (the chart), upload (message and chart to Slack)',
    labelNames: ['stage'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly reportJobs = new Gauge({
    name: 'wxa_report_jobs',
    help: "Jobs in this process's queue: waiting for a worker and running (shared mode: the Redis queue's waiting jobs)",
    labelNames: ['state'],
    registers: [this.registry],
    collect: async () => {
      const q = await this.queue?.().catch(() => undefined);
      this.reportJobs.set({ state: 'waiting' }, q?.waiting ?? 0);
      this.reportJobs.set({ state: 'running' }, q?.running ?? 0);
    },
  });
  readonly jobWorkers = new Gauge({
    name: 'wxa_job_workers',
    help: 'Workers taking jobs: job threads in this process, or (shared mode) worker processes connected to the queue',
    registers: [this.registry],
    // Its own read: prom-client collects the metrics of a registry concurrently.
    collect: async () => {
      const q = await this.queue?.().catch(() => undefined);
      this.jobWorkers.set(q?.workers ?? 0);
    },
  });

  /** The job queue, read when /metrics is collected. */
  private readonly queue?: () => Promise<JobCounts | undefined>;

  /** Metrics kept elsewhere in this process (the job threads'), added to ours when /metrics is read. */
  private readonly elsewhere?: () => Promise<MetricsJson[]>;

  constructor(
    opts: { processMetrics?: boolean; queue?: () => Promise<JobCounts | undefined>; elsewhere?: () => Promise<MetricsJson[]> } = {},
  ) {
    this.queue = opts.queue;
    this.elsewhere = opts.elsewhere;
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'wxa_' });
  }

  /** The Prometheus text of /metrics: ours, with the job threads' counts summed in. */
  async text(): Promise<string> {
    const others = (await this.elsewhere?.().catch(() => [])) ?? [];
    if (others.length === 0) return this.registry.metrics();
    return AggregatorRegistry.aggregate([await this.registry.getMetricsAsJSON(), ...others]).metrics();
  }
}
