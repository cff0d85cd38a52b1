import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the report job queue looks like right now. */
export interface JobCounts {
  readonly waiting: number;
  readonly running: number;
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

  readonly reportJobs = new Gauge({
    name: 'wxa_report_jobs',
    help: 'Report jobs (fetch, render, deliver) waiting in the queue and running',
    labelNames: ['state'],
    registers: [this.registry],
    collect: () => {
      const q = this.queue?.();
      this.reportJobs.set({ state: 'waiting' }, q?.waiting ?? 0);
      this.reportJobs.set({ state: 'running' }, q?.running ?? 0);
    },
  });

  /** The report queue, read when /metrics is collected. */
  private readonly queue?: () => JobCounts | undefined;

  constructor(opts: { processMetrics?: boolean; queue?: () => JobCounts | undefined } = {}) {
    this.queue = opts.queue;
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'wxa_' });
  }
}
