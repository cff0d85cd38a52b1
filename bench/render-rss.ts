import { buildReport } from '../src/reports/build';
import { renderMessage } from '../src/slack/blocks';
import { createChartRenderer } from '../src/render/pool';
import { periodContaining, periodsEnding, addDays } from '../src/calendar/period';
import { visitRow } from '../src/sandbox/data';
import { parseVisitTrend } from '../src/wechat/parse';

// Renders N weekly summaries (model, Block Kit, PNG on the worker pool) and prints RSS at checkpoints.
async function main(): Promise<void> {
  const checkpoints = (process.argv[2] ?? '200,2000,10000').split(',').map(Number);
  const total = Math.max(...checkpoints);
  const pool = createChartRenderer(undefined, 0); // no PNG cache: every report is really rendered
  const reports = Array.from({ length: 52 }, (_, i) => {
    const period = periodContaining('weekly', addDays('20170102', 7 * (i + 8)));
    const trendPeriods = periodsEnding(period, 8);
    const trend = trendPeriods.map((p) => parseVisitTrend({ list: [visitRow(p)] }).list[0]);
    return buildReport(
      { kind: 'retain', period, notes: [] },
      { retain: null, trend, trendPeriods, summary: null },
      { appName: '示例小程序', sandbox: true },
    );
  });
  const out: Record<string, number> = {};
  const concurrency = pool.threads * 2 || 1;
  let begun = 0;
  let done = 0;
  const started = Date.now();
  async function lane(): Promise<void> {
    while (begun < total) {
      const r = reports[begun++ % reports.length];
      renderMessage(r);
      await pool.render(r);
      done++;
      if (checkpoints.includes(done)) {
        if (global.gc) global.gc();
        out[String(done)] = process.memoryUsage().rss;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  await pool.close();
  process.stdout.write(`${JSON.stringify({ rss: out, seconds: (Date.now() - started) / 1000, threads: pool.threads })}\n`);
}

void main();
