import { WebClient } from '@slack/web-api';
import { resultCache } from '../../src/apps/store-adapters';
import { ProgramDirectory } from '../../src/apps/directory';
import type { Logger } from '../../src/log';
import { createChartRenderer } from '../../src/render/pool';
import { ReportQueue } from '../../src/reports/queue';
import { ReportService } from '../../src/reports/service';
import type { WeChatSimulator } from '../../src/sandbox/server';
import { slackScheduledDelivery } from '../../src/slack/scheduled';
import type { Store } from '../../src/store/types';
import { createWeChatClient, type WeChatSettings } from '../../src/wechat/client';

/** What a ScheduleRunner needs, against the simulator and a Slack Web API double: one mini program called "test". */
export function runnerDeps(o: { store: Store; sim: WeChatSimulator; slackApiUrl: string; retry: WeChatSettings['retry']; logger: Logger }) {
  const client = createWeChatClient({
    baseUrl: o.sim.url,
    appid: o.sim.appid,
    secret: o.sim.secret,
    tokenMode: 'stable',
    retry: o.retry,
    results: resultCache(o.store, o.sim.appid),
  });
  return {
    programs: new ProgramDirectory([{ name: 'test', displayName: 'Test', client, sandbox: false, close: async () => {} }], o.store),
    reports: new ReportService({ charts: createChartRenderer(0, 0), queue: new ReportQueue(2), logger: o.logger }),
    delivery: slackScheduledDelivery(new WebClient('xoxb-test-token-123', { slackApiUrl: o.slackApiUrl, retryConfig: { retries: 0 } }), {
      timezone: 'Asia/Shanghai',
    }),
  };
}
