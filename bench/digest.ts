import { silentLogger } from '../src/log';
import { addDays, periodContaining } from '../src/calendar/period';
import { createChartRenderer } from '../src/render/pool';
import { ReportQueue } from '../src/reports/queue';
import { ReportService } from '../src/reports/service';
import { startSimulator } from '../src/sandbox/server';
import type { ResultCache } from '../src/wechat/cache';
import { createWeChatClient } from '../src/wechat/client';
import { percentile, round } from './stats';

/** A result cache in memory, as the store gives one: WeChat's raw answers by key. */
function memoryCache(): ResultCache {
  const m = new Map<string, unknown>();
  return {
    get: async (k) => m.get(k),
    set: async (k, v) => {
      m.set(k, v);
    },
  };
}

/**
 * The weekly digest through the bot's report path (queue, WeChat client with its result cache,
 * model, chart on the render pool), against the simulator on loopback; Slack delivery left out
 * (it is the same for every report). Cold: a week nobody asked for, empty caches. Warm: the same
 * weeks again, in a new service (so no single-flight or PNG cache helps), sharing the result cache.
 */
export async function benchDigest(weeks = 10): Promise<Record<string, unknown>> {
  const sim = await startSimulator();
  const results = memoryCache();
  const client = createWeChatClient({ baseUrl: sim.url, appid: sim.appid, secret: sim.secret, tokenMode: 'stable', results });
  const program = { name: 'bench', displayName: 'Bench', client, sandbox: true };
  // Weeks 10 apart: no two digests share a day or a trend week, so every cold one is really cold.
  const mondays = Array.from({ length: weeks }, (_, i) => addDays('20170102', 7 * (20 + 10 * i)));
  await client.tokenCache.get();
  const run = async () => {
    const charts = createChartRenderer(2, 0);
    const service = new ReportService({ charts, queue: new ReportQueue(4, 60_000), logger: silentLogger });
    const times: number[] = [];
    const calls: number[] = [];
    for (const monday of mondays) {
      const before = sim.stats.datacubeRequests;
      const t0 = performance.now();
      await service.run(program, { kind: 'digest', period: periodContaining('weekly', monday), notes: [] }, async () => undefined);
      times.push(performance.now() - t0);
      calls.push(sim.stats.datacubeRequests - before);
    }
    await charts.close();
    return { times, calls };
  };
  const cold = await run();
  const warm = await run();
  await sim.close();
  const s = (xs: number[]) => ({ p50: round(percentile(xs, 50)), max: round(Math.max(...xs)), n: xs.length });
  return {
    weeks,
    coldMs: s(cold.times),
    warmMs: s(warm.times),
    wechatCallsCold: s(cold.calls),
    wechatCallsWarm: s(warm.calls),
  };
}
