import { evaluatedPeriod, historyPeriods } from '../../src/alerts/series';

// Which period an alert looks at, by China time, and what it compares with.

const at = (iso: string) => new Date(iso);

describe('the period an alert evaluates', () => {
  test('daily: yesterday in China, even when it is still the day before in UTC', () => {
    // 2026-11-30 01:00 in Shanghai is 2026-11-29 17:00 UTC.
    expect(evaluatedPeriod('visitors', 'daily', at('2026-11-29T17:00:00Z'))).toEqual({
      granularity: 'daily',
      begin: '20261129',
      end: '20261129',
    });
    expect(evaluatedPeriod('visitors', 'daily', at('2026-11-29T15:59:00Z'))).toEqual({
      granularity: 'daily',
      begin: '20261128',
      end: '20261128',
    });
  });

  test('weekly: the last complete Monday-Sunday week', () => {
    expect(evaluatedPeriod('sessions', 'weekly', at('2026-11-30T02:30:00Z'))).toEqual({
      granularity: 'weekly',
      begin: '20261123',
      end: '20261129',
    });
    expect(evaluatedPeriod('sessions', 'weekly', at('2026-12-02T02:30:00Z'))).toEqual({
      granularity: 'weekly',
      begin: '20261123',
      end: '20261129',
    });
  });

  test('retention looks at the latest cohort whose day 1, day 7 or week 1 is over', () => {
    const monday = at('2026-11-30T02:30:00Z'); // yesterday = Sunday 29th
    expect(evaluatedPeriod('day1_retention', 'daily', monday).begin).toBe('20261128');
    expect(evaluatedPeriod('day7_retention', 'daily', monday).begin).toBe('20261122');
    expect(evaluatedPeriod('week1_retention', 'weekly', monday)).toEqual({ granularity: 'weekly', begin: '20261116', end: '20261122' });
  });

  test('history: the same weekday of the 8 weeks before (daily), the 8 weeks before (weekly), oldest first', () => {
    const day = historyPeriods({ granularity: 'daily', begin: '20261128', end: '20261128' });
    expect(day.map((p) => p.begin)).toEqual([
      '20261003',
      '20261010',
      '20261017',
      '20261024',
      '20261031',
      '20261107',
      '20261114',
      '20261121',
    ]);
    const week = historyPeriods({ granularity: 'weekly', begin: '20261123', end: '20261129' });
    expect(week.map((p) => `${p.begin}-${p.end}`)).toEqual([
      '20260928-20261004',
      '20261005-20261011',
      '20261012-20261018',
      '20261019-20261025',
      '20261026-20261101',
      '20261102-20261108',
      '20261109-20261115',
      '20261116-20261122',
    ]);
  });
});
