import type { Store, Schedule } from '../../src/store/types';
import { sharedTokens } from '../../src/apps/store-adapters';
import { TokenCache, type TokenProvider } from '../../src/wechat/token';
import { startSimulator } from '../../src/sandbox/server';
import { StableTokenProvider } from '../../src/wechat/token';
import { createHttp } from '../../src/wechat/http';

const schedule = (id: string, createdAt: number): Schedule => ({
  id,
  report: 'summary',
  granularity: 'weekly',
  time: '10:00',
  weekday: 1,
  timezone: 'Asia/Shanghai',
  channel: 'C1',
  createdBy: 'U1',
  createdAt,
});

/** The behaviour every store must have; run against SQLite always and Redis when available. */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    test('documents: put, get, list by collection in creation order, replace, delete', async () => {
      await store.putDoc('alerts', 'b', '{"n":2}', 2);
      await store.putDoc('alerts', 'a', '{"n":1}', 1);
      await store.putDoc('other', 'a', '{"n":9}', 0);
      expect(await store.listDocs('alerts')).toEqual(['{"n":1}', '{"n":2}']);
      await store.putDoc('alerts', 'a', '{"n":1,"muted":true}', 1);
      expect(await store.getDoc('alerts', 'a')).toBe('{"n":1,"muted":true}');
      expect(await store.listDocs('alerts')).toEqual(['{"n":1,"muted":true}', '{"n":2}']);
      expect(await store.deleteDoc('alerts', 'a')).toBe(true);
      expect(await store.deleteDoc('alerts', 'a')).toBe(false);
      expect(await store.getDoc('alerts', 'a')).toBeUndefined();
      expect(await store.listDocs('other')).toEqual(['{"n":9}']);
      expect(await store.listDocs('none')).toEqual([]);
    });

    test('schedules: save, get, list in creation order, delete', async () => {
      await store.saveSchedule(schedule('b', 2));
      await store.saveSchedule(schedule('a', 1));
      expect((await store.getSchedule('a'))?.id).toBe('a');
      expect((await store.listSchedules()).map((s) => s.id)).toEqual(['a', 'b']);
      expect(await store.deleteSchedule('a')).toBe(true);
      expect(await store.deleteSchedule('a')).toBe(false);
      expect(await store.getSchedule('a')).toBeUndefined();
    });

    test('a run is claimed once; a finished run never again', async () => {
      const first = await store.claimRun('k1', 's1', '20261116', 'A', 10_000, 1000);
      expect(first).toMatchObject({ state: 'running', owner: 'A', attempts: 1 });
      expect(await store.claimRun('k1', 's1', '20261116', 'B', 10_000, 2000)).toBeUndefined();
      expect(await store.updateRun('k1', 'B', { state: 'posted' }, 2000)).toBe(false); // not B's
      expect(await store.updateRun('k1', 'A', { state: 'posted', detail: 'ok', leaseUntil: 0 }, 3000)).toBe(true);
      expect(await store.claimRun('k1', 's1', '20261116', 'B', 10_000, 999_999)).toBeUndefined();
      expect(await store.lastRun('s1')).toMatchObject({ state: 'posted', detail: 'ok', updatedAt: 3000 });
    });

    test('concurrent claims: exactly one wins', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.claimRun('k2', 's1', 'p', `owner${i}`, 10_000, 1000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    test("a dead owner's run is taken over once its lease runs out", async () => {
      await store.claimRun('k3', 's1', 'p', 'A', 5_000, 1000);
      expect(await store.dueRuns(5_999)).toHaveLength(0);
      expect((await store.dueRuns(6_000)).map((r) => r.key)).toEqual(['k3']);
      expect(await store.claimRun('k3', 's1', 'p', 'B', 5_000, 5_999)).toBeUndefined();
      expect(await store.claimRun('k3', 's1', 'p', 'B', 5_000, 6_000)).toMatchObject({ owner: 'B', attempts: 2 });
    });

    test('a run waiting for data is due at its retry time', async () => {
      await store.claimRun('k4', 's1', 'p', 'A', 5_000, 1000);
      await store.updateRun('k4', 'A', { state: 'waiting_data', nextAttemptAt: 50_000, leaseUntil: 0 }, 1000);
      expect(await store.dueRuns(49_999)).toHaveLength(0);
      expect(await store.claimRun('k4', 's1', 'p', 'B', 5_000, 49_999)).toBeUndefined();
      expect((await store.dueRuns(50_000)).map((r) => r.key)).toEqual(['k4']);
      expect(await store.claimRun('k4', 's1', 'p', 'B', 5_000, 50_000)).toMatchObject({
        owner: 'B',
        state: 'running',
        firstAttemptAt: 1000,
      });
    });

    test('key/values expire; compare-and-delete only deletes the expected value', async () => {
      await store.kvSet('x', 'one', 60_000);
      await store.kvSet('forever', 'f');
      expect(await store.kvGet('x')).toBe('one');
      expect(await store.kvDeleteIf('x', 'two')).toBe(false);
      expect(await store.kvGet('x')).toBe('one');
      expect(await store.kvDeleteIf('x', 'one')).toBe(true);
      expect(await store.kvGet('x')).toBeUndefined();
      await store.kvSet('short', 'v', 30);
      const until = Date.now() + 2000;
      while ((await store.kvGet('short')) !== undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(await store.kvGet('short')).toBeUndefined();
      expect(await store.kvGet('forever')).toBe('f');
    });

    test('locks: one holder at a time, released by the holder only', async () => {
      expect(await store.tryLock('L', 'A', 10_000)).toBe(true);
      expect(await store.tryLock('L', 'B', 10_000)).toBe(false);
      await store.unlock('L', 'B');
      expect(await store.tryLock('L', 'B', 10_000)).toBe(false);
      await store.unlock('L', 'A');
      expect(await store.tryLock('L', 'B', 10_000)).toBe(true);
    });

    test('instances sharing the store make one token request between them, and a failed token is dropped for all', async () => {
      const sim = await startSimulator();
      try {
        const provider = (): TokenProvider => new StableTokenProvider(createHttp(sim.url, 2000), sim.appid, sim.secret);
        const instances = ['A', 'B', 'C'].map((owner) => new TokenCache(provider(), { shared: sharedTokens(store, sim.appid, owner) }));
        const tokens = await Promise.all(instances.flatMap((c) => Array.from({ length: 10 }, () => c.get())));
        expect(new Set(tokens).size).toBe(1);
        expect(sim.stats.tokenRequests).toBe(1);

        sim.revokeTokens();
        await instances[0].invalidate(tokens[0]);
        await instances[1].invalidate(tokens[0]); // B also saw 40001
        const fresh = await Promise.all([instances[0].get(), instances[1].get()]);
        expect(fresh[0]).toBe(fresh[1]);
        expect(fresh[0]).not.toBe(tokens[0]);
        // C has not hit a 40001 yet; when it does, it finds the new token in the store.
        await instances[2].invalidate(tokens[0]);
        expect(await instances[2].get()).toBe(fresh[0]);
        // A late failure report for the old token must not drop the new one.
        await instances[0].invalidate(tokens[0]);
        expect(await instances[1].get()).toBe(fresh[0]);
        expect(sim.stats.tokenRequests).toBe(2);
      } finally {
        await sim.close();
      }
    });
  });
}
