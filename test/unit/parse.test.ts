import { parseDailySummary, parseRetain, parseVisitTrend, toNumber } from '../../src/wechat/parse';

describe('lenient parsing of WeChat answers', () => {
  test('the seed example of getWeeklyRetain, sparse keys kept as they are', () => {
    const r = parseRetain({
      ref_date: '20170306-20170312',
      visit_uv_new: [
        { key: 0, value: 0 },
        { key: 1, value: 16853 },
      ],
      visit_uv: [
        { key: 0, value: 0 },
        { key: 1, value: 99310 },
      ],
    });
    expect(r.refDate).toBe('20170306-20170312');
    expect([...r.visitUvNew]).toEqual([
      [0, 0],
      [1, 16853],
    ]);
    expect(r.visitUv.get(1)).toBe(99310);
    expect(r.visitUv.has(2)).toBe(false);
  });

  test('the seed example of getWeeklyVisitTrend: stay_time_uv missing stays null, never 0', () => {
    const r = parseVisitTrend({
      list: [
        {
          ref_date: '20170306-20170312',
          session_cnt: 986780,
          visit_pv: 3251840,
          visit_uv: 189405,
          visit_uv_new: 45592,
          stay_time_session: 54.5346,
          visit_depth: 1.9735,
        },
      ],
    });
    expect(r.list[0]).toEqual({
      refDate: '20170306-20170312',
      sessionCnt: 986780,
      visitPv: 3251840,
      visitUv: 189405,
      visitUvNew: 45592,
      stayTimeUv: null,
      stayTimeSession: 54.5346,
      visitDepth: 1.9735,
    });
  });

  test('camelCase (cloud call) answers parse the same', () => {
    const r = parseVisitTrend({ list: [{ refDate: '20170306-20170312', sessionCnt: 1, visitUv: 2 }] });
    expect(r.list[0]).toMatchObject({ sessionCnt: 1, visitUv: 2, visitPv: null });
  });

  test('empty, missing and garbage input never throws', () => {
    expect(parseVisitTrend({ list: [] }).list).toEqual([]);
    expect(parseVisitTrend({}).list).toEqual([]);
    expect(parseVisitTrend(null).list).toEqual([]);
    expect(parseVisitTrend({ list: 'nope' }).list).toEqual([]);
    expect(parseRetain({ visit_uv: [{ key: 'a', value: 1 }, null, { key: 2, value: 'x' }, { key: '3', value: '7' }] }).visitUv).toEqual(
      new Map([[3, 7]]),
    );
    expect(parseDailySummary({ list: [{ ref_date: '20170313', visit_total: 5 }] }).list[0]).toEqual({
      refDate: '20170313',
      visitTotal: 5,
      sharePv: null,
      shareUv: null,
    });
  });

  test('toNumber', () => {
    expect(toNumber(3)).toBe(3);
    expect(toNumber('3.5')).toBe(3.5);
    expect(toNumber('')).toBeNull();
    expect(toNumber(NaN)).toBeNull();
    expect(toNumber(undefined)).toBeNull();
  });
});
