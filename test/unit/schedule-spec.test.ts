import { formatInZone } from '../../src/calendar/time-zone';
import { cronPattern, describeWhen, nextFire, parseScheduleAdd, periodForFire, previousFire } from '../../src/schedule/spec';
import { scheduleAnswerText } from '../../src/slack/schedule-words';
import type { Schedule } from '../../src/store/types';

const DEFAULTS = { channel: 'C0HERE', timezone: 'Asia/Shanghai' };

function spec(words: string) {
  const r = parseScheduleAdd(words.split(' ').filter(Boolean), DEFAULTS);
  if (!r.ok) throw new Error(r.problem.reason);
  return r.spec;
}
function error(words: string): string {
  const r = parseScheduleAdd(words.split(' ').filter(Boolean), DEFAULTS);
  if (r.ok) throw new Error(`expected an error for "${words}"`);
  return scheduleAnswerText({ kind: 'bad_spec', problem: r.problem });
}
const sched = (o: Partial<Schedule>): Schedule => ({
  id: 's1',
  report: 'summary',
  granularity: 'weekly',
  time: '10:00',
  weekday: 1,
  timezone: 'Asia/Shanghai',
  channel: 'C1',
  createdBy: 'U1',
  createdAt: 0,
  ...o,
});

describe('/wxa schedule add parsing', () => {
  test('defaults: the weekly digest, Monday 10:00 Asia/Shanghai, this channel; daily and monthly default to the summary', () => {
    expect(spec('daily').report).toBe('summary');
    expect(spec('monthly').report).toBe('summary');
    expect(spec('weekly summary').report).toBe('summary');
    expect(spec('')).toEqual({
      report: 'digest',
      granularity: 'weekly',
      time: '10:00',
      weekday: 1,
      timezone: 'Asia/Shanghai',
      channel: 'C0HERE',
    });
  });

  test('every option, in any order', () => {
    expect(spec('visits daily at 9:05 tz America/New_York <#C0OTHER|growth>')).toEqual({
      report: 'visits',
      granularity: 'daily',
      time: '09:05',
      weekday: null,
      timezone: 'America/New_York',
      channel: 'C0OTHER',
    });
    expect(spec('on fri retain weekly at 23:59')).toMatchObject({ report: 'retain', weekday: 5, time: '23:59' });
    expect(spec('monthly')).toMatchObject({ granularity: 'monthly', weekday: null });
  });

  test.each([
    ['summary weekly at 25:00', /not a time/],
    ['at 9', /not a time/],
    ['at', /Nothing after `at`/],
    ['on funday', /not a weekday/],
    ['daily on monday', /only applies to weekly/],
    ['digest monthly', /digest is weekly or daily/],
    ['tz Mars/Olympus', /not a time zone/],
    ['tz UTC+8', /not a time zone/],
    ['hourly', /not something I understand/],
    ['#general', /autocomplete/],
    ['<!channel>', /&lt;!channel&gt;/],
  ])('%s is refused', (words, msg) => {
    const e = error(words);
    expect(e).toMatch(msg);
    expect(e).toContain('Usage');
  });
});

describe('schedule arithmetic with fixed clocks', () => {
  test('cron patterns', () => {
    expect(cronPattern(sched({}))).toBe('0 10 * * 1');
    expect(cronPattern(sched({ weekday: 7, time: '08:30' }))).toBe('30 8 * * 0');
    expect(cronPattern(sched({ granularity: 'daily', weekday: null, time: '07:05' }))).toBe('5 7 * * *');
    expect(cronPattern(sched({ granularity: 'monthly', weekday: null }))).toBe('0 10 1 * *');
  });

  test('Monday 10:00 Asia/Shanghai is 02:00 UTC', () => {
    expect(nextFire(sched({}), new Date('2026-11-24T00:00:00Z')).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(nextFire(sched({}), new Date('2026-11-30T01:59:00Z')).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(nextFire(sched({}), new Date('2026-11-30T02:00:00Z')).toISOString()).toBe('2026-12-07T02:00:00.000Z');
  });

  test('Monday 09:00 America/New_York fires once a week across both DST changes', () => {
    const ny = sched({ time: '09:00', timezone: 'America/New_York' });
    const fires: string[] = [];
    let t = new Date('2026-02-23T00:00:00Z');
    for (let i = 0; i < 3; i++) {
      t = nextFire(ny, t);
      fires.push(t.toISOString());
    }
    // DST starts Sunday 2026-03-08: 14:00Z before, 13:00Z after, still 09:00 local.
    expect(fires).toEqual(['2026-02-23T14:00:00.000Z', '2026-03-02T14:00:00.000Z', '2026-03-09T13:00:00.000Z']);
    t = new Date('2026-10-26T00:00:00Z');
    const autumn = [nextFire(ny, t), nextFire(ny, nextFire(ny, t))].map((d) => d.toISOString());
    // DST ends Sunday 2026-11-01.
    expect(autumn).toEqual(['2026-10-26T13:00:00.000Z', '2026-11-02T14:00:00.000Z']);
  });

  test('a daily 02:30 in Europe/Berlin on the spring-forward day fires once, not twice or never', () => {
    const berlin = sched({ granularity: 'daily', weekday: null, time: '02:30', timezone: 'Europe/Berlin' });
    const fires: string[] = [];
    let t = new Date('2026-03-28T00:00:00Z');
    for (let i = 0; i < 3; i++) {
      t = nextFire(berlin, t);
      fires.push(t.toISOString().slice(0, 10));
    }
    expect(fires).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
  });

  test('previousFire finds the latest missed fire', () => {
    expect(previousFire(sched({}), new Date('2026-11-24T12:00:00Z'))?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
  });

  test('a fire posts the latest complete period at that moment', () => {
    expect(periodForFire(sched({}), new Date('2026-11-23T02:00:00Z'))).toEqual({
      granularity: 'weekly',
      begin: '20261116',
      end: '20261122',
    });
    expect(periodForFire(sched({ granularity: 'monthly' }), new Date('2026-12-01T02:00:00Z'))).toMatchObject({
      begin: '20261101',
      end: '20261130',
    });
    // Monday 09:00 New York is already Monday 22:00 in China: last week is complete.
    expect(periodForFire(sched({}), new Date('2026-11-23T14:00:00Z')).begin).toBe('20261116');
  });

  test('human descriptions', () => {
    expect(describeWhen(sched({}))).toBe('Mondays at 10:00 Asia/Shanghai');
    expect(describeWhen(sched({ granularity: 'monthly' }))).toBe('on the 1st of each month at 10:00 Asia/Shanghai');
    expect(formatInZone(new Date('2026-11-30T02:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-30 10:00 (Mon) Asia/Shanghai');
  });
});
