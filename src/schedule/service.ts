import { randomBytes } from 'node:crypto';
import type { RunRecord, Schedule, Store } from '../store/types';
import type { RunOutcome } from './runner';
import { nextFire, parseScheduleAdd, periodForFire, type ScheduleSpecProblem } from './spec';
import type { RunsSchedules } from './runner';
import type { Scheduler } from './types';
import type { ProgramDirectory, ProgramProblem } from '../apps/directory';

/** What a schedule command comes to; src/slack puts it into words. */
export type ScheduleAnswer =
  | { kind: 'usage'; unknown?: string }
  | { kind: 'not_admin'; action: string; adminsConfigured: boolean }
  | { kind: 'need_one_id'; action: string }
  | { kind: 'no_such_schedule'; id: string }
  | { kind: 'removed'; schedule: Schedule }
  | { kind: 'running'; schedule: Schedule }
  | { kind: 'bad_spec'; problem: ScheduleSpecProblem }
  | { kind: 'no_program'; problem: ProgramProblem }
  | { kind: 'added'; schedule: Schedule; next: Date; showApp: boolean }
  | { kind: 'list'; items: { schedule: Schedule; next: Date; last?: RunRecord }[] };

export interface ScheduleReply {
  answer: ScheduleAnswer;
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
  runner: RunsSchedules;
  admins: ReadonlySet<string>;
  programs: ProgramDirectory;
  defaultTimezone: string;
  now?: () => Date;
}

const newId = () => `s${randomBytes(4).toString('hex').slice(0, 6)}`;

/** `/wxa schedule add|list|remove|run`: anyone may list; only SLACK_ADMIN_USERS change or run. */
export class ScheduleService {
  private readonly now: () => Date;
  constructor(private readonly d: ScheduleServiceDeps) {
    this.now = d.now ?? (() => new Date());
  }

  async handle(words: string[], who: { userId: string; channelId: string; app?: string }): Promise<ScheduleReply> {
    const [sub = '', ...rest] = words;
    const action = sub.toLowerCase();
    const reply = (answer: ScheduleAnswer, outcome: ScheduleReply['outcome']): ScheduleReply => ({
      answer,
      outcome,
      changed: outcome === 'changed',
    });
    if (action === 'list') return reply(await this.list(who.channelId), 'answered');
    if (!['add', 'remove', 'run'].includes(action))
      return reply({ kind: 'usage', unknown: action ? sub : undefined }, action ? 'rejected' : 'answered');
    if (!this.d.admins.has(who.userId)) return reply({ kind: 'not_admin', action, adminsConfigured: this.d.admins.size > 0 }, 'refused');
    if (action === 'add') return this.add(rest, who);
    const id = rest[0];
    if (!id || rest.length > 1) return reply({ kind: 'need_one_id', action }, 'rejected');
    const s = await this.d.store.getSchedule(id);
    if (!s) return reply({ kind: 'no_such_schedule', id }, 'rejected');
    if (action === 'remove') {
      await this.d.store.deleteSchedule(id);
      await this.d.scheduler.removed(id);
      return reply({ kind: 'removed', schedule: s }, 'changed');
    }
    const period = periodForFire(s, this.now());
    return { ...reply({ kind: 'running', schedule: s }, 'answered'), after: () => this.d.runner.run(s, period, { manual: true }) };
  }

  private async add(words: string[], who: { userId: string; channelId: string; app?: string }): Promise<ScheduleReply> {
    const parsed = parseScheduleAdd(words, { channel: who.channelId, timezone: this.d.defaultTimezone });
    if (!parsed.ok) return { answer: { kind: 'bad_spec', problem: parsed.problem }, changed: false, outcome: 'rejected' };
    // Pin the mini program now, so the schedule keeps reporting on it whatever defaults change later.
    const found = await this.d.programs.resolve(who.app, parsed.spec.channel);
    if (!found.ok) return { answer: { kind: 'no_program', problem: found.problem }, changed: false, outcome: 'rejected' };
    const s: Schedule = { id: newId(), ...parsed.spec, app: found.program.name, createdBy: who.userId, createdAt: this.now().getTime() };
    await this.d.store.saveSchedule(s);
    await this.d.scheduler.added(s);
    return {
      answer: { kind: 'added', schedule: s, next: nextFire(s, this.now()), showApp: this.d.programs.all.length > 1 },
      changed: true,
      outcome: 'changed',
    };
  }

  /**
   * The schedules that post into this channel, of mini programs visible here: a list asked in one
   * channel never shows another channel's schedules (it may be private) or another team's app.
   */
  private async list(channel: string): Promise<ScheduleAnswer> {
    const visible = new Set(this.d.programs.visibleIn(channel).map((p) => p.name));
    const all = (await this.d.store.listSchedules()).filter((s) => s.channel === channel && (!s.app || visible.has(s.app)));
    const items = await Promise.all(
      all.map(async (s) => ({ schedule: s, next: nextFire(s, this.now()), last: await this.d.store.lastRun(s.id) })),
    );
    return { kind: 'list', items };
  }
}
