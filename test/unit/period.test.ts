import { assertQueryable } from '../../src/calendar/queryable';
import {
  chinaToday,
  isComplete,
  latestComplete,
  periodContaining,
  periodsEnding,
  previousPeriod,
  PeriodError,
} from '../../src/calendar/period';

const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati'];
const originalTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = originalTz;
});

describe.each(ZONES)('periods in China time with host TZ=%s', (tz) => {
  beforeAll(() => {
    process.env.TZ = tz;
  });

  test('China midnight is the day boundary', () => {
    expect(chinaToday(new Date('2017-03-12T15:59:59Z'))).toBe('20170312');
    expect(chinaToday(new Date('2017-03-12T16:00:00Z'))).toBe('20170313');
  });

  test("chinaToday's fixed +08:00 agrees with the time zone database from 2010 to 2040", () => {
    const china = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    const start = Date.UTC(2010, 0, 1);
    const span = Date.UTC(2040, 0, 1) - start;
    // 5000 instants spread over the span, each at a different time of day (a prime step in ms).
    for (let i = 0; i < 5000; i++) {
      const t = new Date(start + ((i * 7_919_993_377) % span));
      expect(chinaToday(t)).toBe(china.format(t).replace(/-/g, ''));
    }
  });

  test('a week is complete from Monday 00:00 China time, not before', () => {
    const week = periodContaining('weekly', '20170308');
    expect(week).toEqual({ granularity: 'weekly', begin: '20170306', end: '20170312' });
    expect(isComplete(week, new Date('2017-03-12T15:59:59Z'))).toBe(false);
    expect(isComplete(week, new Date('2017-03-12T16:00:00Z'))).toBe(true);
  });

  test('latest complete day, week and month', () => {
    const mondayMorningChina = new Date('2017-03-12T16:30:00Z'); // Mon 2017-03-13 00:30 in Shanghai
    expect(latestComplete('daily', mondayMorningChina)).toEqual({ granularity: 'daily', begin: '20170312', end: '20170312' });
    expect(latestComplete('weekly', mondayMorningChina)).toEqual({ granularity: 'weekly', begin: '20170306', end: '20170312' });
    expect(latestComplete('monthly', mondayMorningChina)).toEqual({ granularity: 'monthly', begin: '20170201', end: '20170228' });
    const sundayNightChina = new Date('2017-03-12T15:00:00Z');
    expect(latestComplete('weekly', sundayNightChina).begin).toBe('20170227');
    expect(latestComplete('monthly', new Date('2017-02-28T16:00:00Z')).begin).toBe('20170201');
    expect(latestComplete('monthly', new Date('2017-02-28T15:59:00Z')).begin).toBe('20170101');
  });
});

describe('period arithmetic', () => {
  test('weeks run Monday to Sunday, whatever day is given', () => {
    expect(periodContaining('weekly', '20170312')).toMatchObject({ begin: '20170306', end: '20170312' });
    expect(periodContaining('weekly', '20170306')).toMatchObject({ begin: '20170306', end: '20170312' });
    expect(periodContaining('weekly', '20170101')).toMatchObject({ begin: '20161226', end: '20170101' });
  });

  test('months end on their last day, leap years included', () => {
    expect(periodContaining('monthly', '20160215')).toMatchObject({ begin: '20160201', end: '20160229' });
    expect(periodContaining('monthly', '20170215')).toMatchObject({ begin: '20170201', end: '20170228' });
    expect(previousPeriod(periodContaining('monthly', '20170315'))).toMatchObject({ begin: '20170201', end: '20170228' });
  });

  test('periodsEnding gives n consecutive periods, oldest first', () => {
    const weeks = periodsEnding(periodContaining('weekly', '20170306'), 8);
    expect(weeks).toHaveLength(8);
    expect(weeks[0].begin).toBe('20170116');
    expect(weeks[7].begin).toBe('20170306');
    const days = periodsEnding(periodContaining('daily', '20170301'), 3).map((p) => p.begin);
    expect(days).toEqual(['20170227', '20170228', '20170301']);
  });

  test('assertQueryable rejects partial, misaligned, future and impossible ranges', () => {
    const now = new Date('2017-03-20T04:00:00Z');
    expect(() => assertQueryable({ granularity: 'weekly', begin: '20170306', end: '20170312' }, now)).not.toThrow();
    expect(() => assertQueryable({ granularity: 'weekly', begin: '20170307', end: '20170313' }, now)).toThrow(PeriodError);
    expect(() => assertQueryable({ granularity: 'daily', begin: '20170306', end: '20170307' }, now)).toThrow(PeriodError);
    expect(() => assertQueryable({ granularity: 'daily', begin: '20170320', end: '20170320' }, now)).toThrow(/not over yet/);
    expect(() => assertQueryable({ granularity: 'monthly', begin: '20170301', end: '20170331' }, now)).toThrow(/not over yet/);
    expect(() => assertQueryable({ granularity: 'daily', begin: '20170230', end: '20170230' }, now)).toThrow(/not a real date/);
    expect(() => assertQueryable({ granularity: 'daily', begin: '2017-03-01', end: '2017-03-01' }, now)).toThrow(/yyyymmdd/);
  });
});
