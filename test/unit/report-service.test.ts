import { periodContaining } from '../../src/calendar/period';
import { silentLogger } from '../../src/log';
import { createChartRenderer } from '../../src/render/pool';
import type { ReportRequest } from '../../src/reports/model';
import { ReportQueue } from '../../src/reports/queue';
import { ReportService } from '../../src/reports/service';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { createWeChatClient } from '../../src/wechat/client';

describe('ReportService', () => {
  let sim: WeChatSimulator;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(() => sim.close());

  test('concurrent requests for one week share a fetch, but each keeps its own note', async () => {
    const client = createWeChatClient({ baseUrl: sim.url, appid: sim.appid, secret: sim.secret, tokenMode: 'stable' });
    const source = { name: 'shop', displayName: 'Shop', client, sandbox: false };
    const reports = new ReportService({ charts: createChartRenderer(0, 0), queue: new ReportQueue(4), logger: silentLogger });
    const period = periodContaining('weekly', '20170306');
    const asked = (date: string): ReportRequest => ({ kind: 'visits', period, notes: [{ kind: 'week_of', date, period }] });
    const plain: ReportRequest = { kind: 'visits', period, notes: [] };
    const notesOf = (req: ReportRequest) => reports.run(source, req, async (r) => r.report.notes);
    const [wed, thu, mon, mon2] = await Promise.all([
      notesOf(asked('20170308')),
      notesOf(asked('20170309')),
      notesOf(plain),
      notesOf(plain),
    ]);
    expect(wed).toEqual([{ kind: 'week_of', date: '20170308', period }]);
    expect(thu).toEqual([{ kind: 'week_of', date: '20170309', period }]);
    expect(mon).toEqual([]);
    expect(mon2).toEqual([]);
  });
});
