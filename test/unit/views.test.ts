import type { Figure } from '../../src/reports/model';
import type { ScheduleAnswer } from '../../src/schedule/service';
import type { Schedule } from '../../src/store/types';
import {
  deniedHomeView,
  type HomeModel,
  type HomeAlert,
  type HomeSchedule,
  homeView,
  POST_FIELD,
  postReportView,
  type ProgramCard,
  readPostReport,
} from '../../src/slack/views/home';
import { MAX_VIEW_BLOCKS, inputValue, type ViewValues } from '../../src/slack/views/kit';
import {
  answerErrors,
  FIELD,
  readScheduleForm,
  SCHEDULE_FORM_ID,
  scheduleFormView,
  specProblemField,
} from '../../src/slack/views/schedule-form';
import { parseScheduleAdd } from '../../src/schedule/spec';

const WEEK = { granularity: 'weekly' as const, begin: '20170306', end: '20170312' };

const figure = (key: string, value: number, previous: number): Figure => ({
  key,
  label: key,
  unit: 'count',
  value,
  previous,
  change: (value - previous) / previous,
});

const card = (
  name: string,
  figures: Figure[] | null = [figure('visitUv', 1200, 1000), figure('visitUvNew', 300, 400), figure('sessionCnt', 5000, 5000)],
): ProgramCard => ({
  name,
  displayName: name,
  sandbox: false,
  period: WEEK,
  figures,
});

const schedule = (id: string, over: Partial<Schedule> = {}): HomeSchedule => ({
  schedule: {
    id,
    report: 'digest',
    granularity: 'weekly',
    time: '10:00',
    weekday: 1,
    timezone: 'Asia/Shanghai',
    channel: 'C0REPORTS',
    createdBy: 'U0ADMIN',
    createdAt: 0,
    ...over,
  },
  next: new Date('2017-03-13T02:00:00Z'),
});

/** Every mrkdwn and plain text in a view, joined. */
function texts(v: unknown): string {
  return JSON.stringify(v);
}

function sectionTexts(blocks: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const b of blocks as { text?: { text: string }; fields?: { text: string }[] }[]) {
    if (b.text) out.push(b.text.text);
    for (const f of b.fields ?? []) out.push(f.text);
  }
  return out;
}

/** What Slack sends for the form, from plain values: selects as options, inputs as text. */
function formValues(v: Partial<Record<keyof typeof FIELD, string>>): ViewValues {
  const sel = (value?: string) => ({ value: { type: 'static_select', selected_option: value ? { value } : null } });
  const txt = (value?: string) => ({ value: { type: 'plain_text_input', value: value ?? null } });
  return {
    [FIELD.report]: sel(v.report),
    [FIELD.granularity]: sel(v.granularity),
    [FIELD.time]: txt(v.time),
    [FIELD.weekday]: sel(v.weekday),
    [FIELD.timezone]: txt(v.timezone),
    [FIELD.channel]: { value: { type: 'conversations_select', selected_conversation: v.channel ?? null } },
  };
}

describe('the App Home view', () => {
  test('each mini program shows visitors, new users and sessions with the week-over-week change', () => {
    const v = homeView({ programs: [card('Shop')], schedules: [] });
    expect(v.type).toBe('home');
    const shown = sectionTexts(v.blocks);
    expect(shown).toContain('*Visitors*\n1,200  (▲ 20.0%)');
    expect(shown).toContain('*New users*\n300  (▼ 25.0%)');
    expect(shown).toContain('*Sessions*\n5,000  (= 0.0%)');
    expect(shown.some((t) => t.includes('*Shop*') && t.includes('2017-03-06'))).toBe(true);
    expect(texts(v)).toContain('No schedules in your channels yet.');
    const actions = v.blocks.find((b) => b.type === 'actions') as { elements: { action_id: string }[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['wxa_home_post_report', 'wxa_home_create_schedule']);
  });

  test('WeChat not answering shows a notice instead of figures, not an empty view', () => {
    const v = homeView({ programs: [card('Shop', null)], schedules: [] });
    const shown = sectionTexts(v.blocks).join('\n');
    expect(shown).toContain('WeChat did not answer; figures will show when it does');
    expect(shown).not.toContain('*Visitors*');
  });

  test('app names and schedule fields from outside are escaped; channels become mentions only when they are ids', () => {
    const evil = card('<!channel> & *Shop*');
    const s = { ...schedule('s123456', { channel: '<!here>' }), appName: '<@U1>' };
    const v = homeView({ programs: [evil], schedules: [s, schedule('s654321')] });
    const shown = sectionTexts(v.blocks).join('\n');
    expect(shown).toContain('&lt;!channel&gt; &amp; *Shop*');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<!here>');
    expect(shown).toContain('in &lt;!here&gt;');
    expect(shown).toContain('for &lt;@U1&gt;');
    expect(shown).toContain('in <#C0REPORTS>');
    expect(shown).toMatch(/next: 2017-03-13 10:00 \(Mon\) Asia\/Shanghai · last: not run yet/);
  });

  test('never more than 100 blocks, however many programs and schedules; what is left out is counted', () => {
    const m: HomeModel = {
      programs: Array.from({ length: 60 }, (_, i) => card(`app${i}`)),
      schedules: Array.from({ length: 300 }, (_, i) => schedule(`s${String(i).padStart(6, '0')}`)),
    };
    const v = homeView(m);
    expect(v.blocks.length).toBeLessThanOrEqual(MAX_VIEW_BLOCKS);
    expect(v.blocks.length).toBe(MAX_VIEW_BLOCKS);
    const shown = texts(v);
    expect(shown).toMatch(/…and 31 more mini programs\./);
    expect(shown).toMatch(/…and \d+ more schedules\./);
    // Small homes stay small.
    expect(homeView({ programs: [card('a')], schedules: [schedule('s1')] }).blocks.length).toBeLessThan(12);
  });

  test('alerts of the user channels are listed with their last check; never more than 100 blocks with schedules and alerts together', () => {
    const alert = (id: string): HomeAlert => ({
      alert: {
        id,
        metric: 'visitors',
        granularity: 'daily',
        condition: { kind: 'drops', percent: 30 },
        channel: 'C0REPORTS',
        createdBy: 'U0ADMIN',
        createdAt: 0,
      },
    });
    const small = homeView({ programs: [card('a')], schedules: [schedule('s1')], alerts: [alert('a000001')] });
    expect(texts(small)).toMatch(/Alerts in your channels/);
    expect(sectionTexts(small.blocks)).toContain('`a000001` visitors daily drops 30% in <#C0REPORTS>\nLast check: not checked yet');
    expect(texts(homeView({ programs: [card('a')], schedules: [], alerts: [] }, 'zh'))).toContain('你所在的频道还没有告警');
    expect(texts(homeView({ programs: [card('a')], schedules: [], alerts: null }))).toMatch(/alerts could not be read/);
    const many = homeView({
      programs: Array.from({ length: 60 }, (_, i) => card(`app${i}`)),
      schedules: Array.from({ length: 300 }, (_, i) => schedule(`s${String(i).padStart(6, '0')}`)),
      alerts: Array.from({ length: 300 }, (_, i) => alert(`a${String(i).padStart(6, '0')}`)),
    });
    expect(many.blocks.length).toBe(MAX_VIEW_BLOCKS);
    expect(texts(many)).toMatch(/…and \d+ more schedules\./);
    expect(texts(many)).toMatch(/…and \d+ more alerts\./);
    // Few alerts leave the room to the schedules.
    const fewAlerts = homeView({
      programs: [card('a')],
      schedules: Array.from({ length: 300 }, (_, i) => schedule(`s${String(i).padStart(6, '0')}`)),
      alerts: [alert('a000001')],
    });
    expect(fewAlerts.blocks.length).toBe(MAX_VIEW_BLOCKS);
    expect(texts(fewAlerts)).toContain('a000001');
  });

  test('schedules that could not be read say so instead of listing none', () => {
    const v = homeView({ programs: [card('a')], schedules: null });
    expect(texts(v)).toContain('could not be read just now');
    expect(texts(v)).not.toContain('No schedules');
  });

  test('someone SLACK_ALLOWED_USERS leaves out gets a short home', () => {
    const v = deniedHomeView();
    expect(v.blocks.length).toBe(2);
    expect(texts(v)).toMatch(/don't have access/);
  });

  test('the post-a-report modal offers a mini program only when there are several, and reads its values', () => {
    expect(texts(postReportView({ programs: [{ name: 'a', displayName: 'A' }] }))).not.toContain(POST_FIELD.app);
    const two = postReportView({
      channel: 'C1',
      programs: [
        { name: 'a', displayName: 'A' },
        { name: 'b', displayName: 'B' },
      ],
    });
    expect(two.blocks.map((b) => b.block_id)).toContain(POST_FIELD.app);
    expect(
      readPostReport({
        [POST_FIELD.channel]: { value: { type: 'conversations_select', selected_conversation: 'C1' } },
        [POST_FIELD.kind]: { value: { type: 'static_select', selected_option: { value: 'visits' } } },
      }),
    ).toEqual({ ok: true, channel: 'C1', kind: 'visits', app: undefined });
    expect(readPostReport({})).toEqual({ ok: false, errors: { [POST_FIELD.channel]: expect.any(String) } });
    expect(
      readPostReport({
        [POST_FIELD.channel]: { value: { type: 'conversations_select', selected_conversation: 'C1' } },
        [POST_FIELD.kind]: { value: { type: 'static_select', selected_option: { value: 'perf' } } },
      }).ok,
    ).toBe(false);
  });
});

describe('the schedule form', () => {
  test('its blocks: every field an input with the block id errors name, prefilled with the command defaults', () => {
    const v = scheduleFormView({ channel: 'C0REPORTS', timezone: 'Europe/Berlin', app: 'shop' });
    expect(v.type).toBe('modal');
    expect(v.callback_id).toBe(SCHEDULE_FORM_ID);
    expect(v.blocks.length).toBeLessThanOrEqual(MAX_VIEW_BLOCKS);
    const inputs = v.blocks.filter((b) => b.type === 'input') as unknown as {
      block_id: string;
      optional?: boolean;
      element: Record<string, unknown>;
    }[];
    expect(inputs.map((b) => b.block_id)).toEqual(Object.values(FIELD));
    const el = (id: string) => inputs.find((b) => b.block_id === id)?.element ?? {};
    expect(el(FIELD.report).initial_option).toMatchObject({ value: 'digest' });
    expect((el(FIELD.report).options as { value: string }[]).map((o) => o.value)).toEqual(['digest', 'summary', 'retain', 'visits']);
    expect(el(FIELD.granularity).initial_option).toMatchObject({ value: 'weekly' });
    expect(el(FIELD.time).initial_value).toBe('10:00');
    expect(el(FIELD.weekday).initial_option).toBeUndefined();
    expect(inputs.find((b) => b.block_id === FIELD.weekday)?.optional).toBe(true);
    expect(el(FIELD.timezone).initial_value).toBe('Europe/Berlin');
    expect(el(FIELD.channel)).toMatchObject({ type: 'conversations_select', initial_conversation: 'C0REPORTS' });
    expect(JSON.parse(v.private_metadata ?? '')).toEqual({ channel: 'C0REPORTS', app: 'shop' });
    // Opened from the Home tab: no channel to preselect.
    const fromHome = scheduleFormView({ timezone: 'Asia/Shanghai' });
    expect(JSON.stringify(fromHome)).not.toContain('initial_conversation');
  });

  test('its values become the words of /wxa schedule add, which the command parser accepts', () => {
    const read = readScheduleForm(
      formValues({
        report: 'summary',
        granularity: 'weekly',
        time: '09:30',
        weekday: '3',
        timezone: 'Europe/Berlin',
        channel: 'C0REPORTS',
      }),
    );
    expect(read).toEqual({
      ok: true,
      channel: 'C0REPORTS',
      words: ['summary', 'weekly', 'at', '09:30', 'on', 'wednesday', 'tz', 'Europe/Berlin', '<#C0REPORTS>'],
    });
    if (!read.ok) throw new Error('unreachable');
    const parsed = parseScheduleAdd(read.words, { channel: 'CELSEWHERE', timezone: 'Asia/Shanghai' });
    expect(parsed).toEqual({
      ok: true,
      spec: { report: 'summary', granularity: 'weekly', time: '09:30', weekday: 3, timezone: 'Europe/Berlin', channel: 'C0REPORTS' },
    });
    expect(readScheduleForm(formValues({ report: 'digest', time: '10:00', timezone: 'Asia/Shanghai' }))).toEqual({
      ok: false,
      errors: { [FIELD.channel]: 'Pick the channel to post in.' },
    });
  });

  test('bad input maps to the field it came from', () => {
    const errorsFor = (v: Parameters<typeof formValues>[0]) => {
      const read = readScheduleForm(
        formValues({ report: 'digest', granularity: 'weekly', time: '10:00', timezone: 'Asia/Shanghai', channel: 'C1', ...v }),
      );
      if (!read.ok) return read.errors;
      const parsed = parseScheduleAdd(read.words, { channel: 'C1', timezone: 'Asia/Shanghai' });
      return parsed.ok ? undefined : answerErrors({ kind: 'bad_spec', problem: parsed.problem });
    };
    expect(errorsFor({ time: '25:00' })).toEqual({ [FIELD.time]: '"25:00" is not a time. Use 24-hour HH:MM, e.g. 09:30.' });
    expect(Object.keys(errorsFor({ time: '' }) ?? {})).toEqual([FIELD.time]);
    expect(Object.keys(errorsFor({ timezone: 'Mars/Base' }) ?? {})).toEqual([FIELD.timezone]);
    expect(Object.keys(errorsFor({ timezone: '' }) ?? {})).toEqual([FIELD.timezone]);
    expect(Object.keys(errorsFor({ granularity: 'daily', weekday: '2' }) ?? {})).toEqual([FIELD.weekday]);
    expect(Object.keys(errorsFor({ granularity: 'monthly' }) ?? {})).toEqual([FIELD.report]);
    expect(Object.keys(errorsFor({ channel: 'D0DM' }) ?? {})).toEqual([FIELD.channel]);
    expect(errorsFor({})).toBeUndefined();
    expect(specProblemField({ reason: 'bad_weekday', given: 'x' })[0]).toBe(FIELD.weekday);
    const noProgram: ScheduleAnswer = { kind: 'no_program', problem: { reason: 'none_here' } };
    expect(Object.keys(answerErrors(noProgram) ?? {})).toEqual([FIELD.channel]);
    expect(answerErrors({ kind: 'not_admin', action: 'add', adminsConfigured: true })).toBeUndefined();
  });

  test('inputValue reads whatever element a block holds', () => {
    expect(inputValue({ b: { x: { type: 'timepicker', selected_time: '08:15' } } }, 'b')).toBe('08:15');
    expect(inputValue({ b: { x: { type: 'plain_text_input', value: '  ' } } }, 'b')).toBeUndefined();
    expect(inputValue({}, 'b')).toBeUndefined();
  });
});
