import { randomBytes } from 'node:crypto';
import { echo } from '../reports/request';
import type { RunRecord, Schedule, Store } from '../store/types';
import type { RunOutcome, ScheduleRunner } from './runner';
import { describeWhen, formatInZone, nextFire, parseScheduleAdd, periodForFire, scheduleUsage } from './spec';
import type { Scheduler } from './types';
import type { ProgramDirectory, ProgramProblem } from '../apps/directory';

export interface ScheduleReply {
  text: string;
  /** No mini program could be pinned: the Slack side words it (and `text` is empty). */
  problem?: ProgramProblem;
  /** Whether the command changed anything (for the audit log). */
  changed: boolean;
  /** For metrics and the audit log. */
  outcome: 'changed' | 'answered' | 'refused' | 'rejected';
  /** Work to do after the reply was sent (`run` posts the report). */
  after?: () => Promise<RunOutcome>;
}

export interface ScheduleServiceDeps {
  store: Store;
  scheduler: Scheduler;
  runner: ScheduleRunner;
  admins: ReadonlySet<string>;
  programs: ProgramDirectory;
  defaultTimezone: string;
  now?: () => Date;
}

const newId = () => `s${randomBytes(4).toString('hex').slice(0, 6)}`;

function lastOutcome(r: RunRecord | undefined, tz: string): string {
  if (!r) return 'not run yet';
  const when = formatInZone(new Date(r.updatedAt), tz);
  const words: Record<RunRecord['state'], string> = {
    running: 'running',
    waiting_data: 'waiting for WeChat data',
    retrying: 'summary posted, chart to be retried',
    posted: 'posted',
    not_ready_notice: 'data not ready, notice posted',
    failed: 'failed',
  };
  return `${words[r.state]} ${when}${r.state === 'failed' && r.detail ? ` — ${r.detail}` : ''}`;
}

/** `/wxa schedule add|list|remove|run`: anyone may list; only SLACK_ADMIN_USERS change or run. */
export class ScheduleService {
  private readonly now: () => Date;
  constructor(private readonly d: ScheduleServiceDeps) {
    this.now = d.now ?? (() => new Date());
  }

  async handle(words: string[], who: { userId: string; channelId: string; app?: string }): Promise<ScheduleReply> {
    const [sub = '', ...rest] = words;
    const action = sub.toLowerCase();
    const reply = (text: string, outcome: ScheduleReply['outcome']): ScheduleReply => ({ text, outcome, changed: outcome === 'changed' });
    if (action === 'list') return reply(await this.list(who.channelId), 'answered');
    if (!['add', 'remove', 'run'].includes(action)) {
      return reply(
        `${action ? `${echo(sub)} is not a schedule command.` : 'Which schedule command?'}\n\n${scheduleUsage()}`,
        action ? 'rejected' : 'answered',
      );
    }
    if (!this.d.admins.has(who.userId)) {
      const how =
        this.d.admins.size === 0
          ? 'No admins are configured yet: set SLACK_ADMIN_USERS to a comma-separated list of Slack user ids.'
          : 'Ask one of them to do it.';
      return reply(`:no_entry: Only the bot's admins (SLACK_ADMIN_USERS) can ${action} schedules. ${how}`, 'refused');
    }
    if (action === 'add') return this.add(rest, who);
    const id = rest[0];
    if (!id || rest.length > 1)
      return reply(`Give exactly one schedule id, e.g. \`/wxa schedule ${action} s1a2b3c\`. See \`/wxa schedule list\`.`, 'rejected');
    const s = await this.d.store.getSchedule(id);
    if (!s) return reply(`There is no schedule ${echo(id)}. See \`/wxa schedule list\`.`, 'rejected');
    if (action === 'remove') {
      await this.d.store.deleteSchedule(id);
      await this.d.scheduler.removed(id);
      return reply(`Removed schedule \`${id}\` (${s.granularity} ${s.report} ${describeWhen(s)} in <#${s.channel}>).`, 'changed');
    }
    const period = periodForFire(s, this.now());
    return {
      ...reply(`Posting schedule \`${id}\` (${s.granularity} ${s.report}) in <#${s.channel}> now…`, 'answered'),
      after: () => this.d.runner.run(s, period, { manual: true }),
    };
  }

  private async add(words: string[], who: { userId: string; channelId: string; app?: string }): Promise<ScheduleReply> {
    const parsed = parseScheduleAdd(words, { channel: who.channelId, timezone: this.d.defaultTimezone });
    if (!parsed.ok) return { text: parsed.error, changed: false, outcome: 'rejected' };
    // Pin the mini program now, so the schedule keeps reporting on it whatever defaults change later.
    const found = await this.d.programs.resolve(who.app, parsed.spec.channel);
    if (!found.ok) return { text: '', problem: found.problem, changed: false, outcome: 'rejected' };
    const s: Schedule = { id: newId(), ...parsed.spec, app: found.program.name, createdBy: who.userId, createdAt: this.now().getTime() };
    await this.d.store.saveSchedule(s);
    await this.d.scheduler.added(s);
    const next = formatInZone(nextFire(s, this.now()), s.timezone);
    const which = this.d.programs.all.length > 1 ? ` for \`${s.app}\`` : '';
    return {
      text: `:white_check_mark: Scheduled \`${s.id}\`: ${s.granularity} ${s.report}${which}, ${describeWhen(s)}, in <#${s.channel}>. Next: ${next}.`,
      changed: true,
      outcome: 'changed',
    };
  }

  /**
   * The schedules that post into this channel, of mini programs visible here: a list asked in one
   * channel never shows another channel's schedules (it may be private) or another team's app.
   */
  private async list(channel: string): Promise<string> {
    const visible = new Set(this.d.programs.visibleIn(channel).map((p) => p.name));
    const all = (await this.d.store.listSchedules()).filter((s) => s.channel === channel && (!s.app || visible.has(s.app)));
    if (all.length === 0)
      return 'No schedules yet in this channel. Add one with `/wxa schedule add` (defaults: weekly summary, Mondays at 10:00 Asia/Shanghai, in this channel).';
    const lines = await Promise.all(
      all.map(async (s) => {
        const last = await this.d.store.lastRun(s.id);
        return `• \`${s.id}\` ${s.granularity} ${s.report}, ${describeWhen(s)}, in <#${s.channel}>\n   next: ${formatInZone(nextFire(s, this.now()), s.timezone)} · last: ${lastOutcome(last, s.timezone)}`;
      }),
    );
    return `*Schedules in this channel*\n${lines.join('\n')}`;
  }
}
