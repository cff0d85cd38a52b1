import { RateWindow } from '../../src/util/rate-window';

describe('RateWindow', () => {
  test('at most cap starts per sliding window, granted in order', async () => {
    const w = new RateWindow(3, 200);
    const t0 = Date.now();
    const order: number[] = [];
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        w.take().then(() => {
          order.push(i);
          at.push(Date.now() - t0);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Any 4 consecutive starts span at least one window.
    for (let i = 3; i < at.length; i++) expect(at[i] - at[i - 3]).toBeGreaterThanOrEqual(195);
    expect(at[2]).toBeLessThan(100); // the first three did not wait
  });

  test('an idle window leaves no timer behind (the process can exit)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const w = new RateWindow(2, 60_000);
    await w.take();
    await w.take();
    // Nothing is scheduled: only a third start would wait.
    expect(timers()).toBe(before);
  });
});
