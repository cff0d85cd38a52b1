import type { ProgramDirectory, ProgramProblem } from '../apps/directory';
import type { RunRecord } from '../store/types';
import type { AlertBook } from './book';
import { evaluatedPeriod } from './series';
import { type AlertSpecProblem, newAlertId, parseAlertAdd, parseMuteDuration } from './spec';
import type { Alert, AlertOutcome, ChecksAlerts } from './types';

/** What an alert command comes to; src/slack puts it into words. */
export type AlertAnswer =
  | { kind: 'usage'; unknown?: string }
  | { kind: 'not_admin'; action: string; adminsConfigured: boolean }
  | { kind: 'need_one_id'; action: string }
  | { kind: 'no_such_alert'; id: string }
  | { kind: 'bad_spec'; problem: AlertSpecProblem }
  | { kind: 'bad_mute'; given: string }
  | { kind: 'no_program'; problem: ProgramProblem }
  | { kind: 'cannot_post'; channel: string }
  /** Slack did not say in time whether the bot can post there: nothing stored. */
  | { kind: 'channel_unknown'; channel: string }
  | { kind: 'added'; alert: Alert; showApp: boolean }
  | { kind: 'removed'; alert: Alert }
  | { kind: 'muted'; alert: Alert; until: Date }
  | { kind: 'list'; items: { alert: Alert; last?: RunRecord }[]; now: Date; showApp: boolean }
  | { kind: 'running'; alerts: Alert[] }
  | { kind: 'nothing_to_run' };

export interface AlertReply {
  answer: AlertAnswer;
  /** For metrics and the audit log. */
  outcome: 'changed' | 'answered' | 'refused' | 'rejected';
  /** `run`: the evaluations, after the reply was sent. */
  after?: () => Promise<{ alert: Alert; outcome: AlertOutcome }[]>;
}

export interface AlertServiceDeps {
  book: AlertBook;
  evaluator: ChecksAlerts;
  admins: ReadonlySet<string>;
  programs: ProgramDirectory;
  /** Whether the bot can post in a channel (a member, or a public channel it may join); undefined: Slack did not say in time. */
  canPost: (channel: string) => Promise<boolean | undefined>;
  now?: () => Date;
}

const CHANGES = new Set(['add', 'remove', 'mute']);

/** `/wxa alert add|list|remove|mute|run`: anyone may list and run; only SLACK_ADMIN_USERS change. */
export class AlertService {
  private readonly now: () => Date;
  constructor(private readonly d: AlertServiceDeps) {
    this.now = d.now ?? (() => new Date());
  }

  async handle(words: string[], who: { userId: string; channelId: string; app?: string }): Promise<AlertReply> {
    const [sub = '', ...rest] = words;
    const action = sub.toLowerCase();
    if (action === 'list') return { answer: await this.list(who.channelId), outcome: 'answered' };
    if (action === 'run') return this.run(rest, who.channelId);
    if (!CHANGES.has(action))
      return { answer: { kind: 'usage', unknown: action ? sub : undefined }, outcome: action ? 'rejected' : 'answered' };
    if (!this.d.admins.has(who.userId)) {
      return { answer: { kind: 'not_admin', action, adminsConfigured: this.d.admins.size > 0 }, outcome: 'refused' };
    }
    if (action === 'add') return this.add(rest, who);
    const [id, ...more] = rest;
    if (!id || (action === 'remove' && more.length > 0)) return { answer: { kind: 'need_one_id', action }, outcome: 'rejected' };
    const a = await this.mine(id, who.channelId);
    if (!a) return { answer: { kind: 'no_such_alert', id: id.slice(0, 40) }, outcome: 'rejected' };
    if (action === 'remove') {
      await this.d.book.remove(a.id);
      return { answer: { kind: 'removed', alert: a }, outcome: 'changed' };
    }
    const d = parseMuteDuration(more.join(' '));
    if (!d.ok) return { answer: { kind: 'bad_mute', given: d.given }, outcome: 'rejected' };
    const muted: Alert = { ...a, mutedUntil: this.now().getTime() + d.ms };
    await this.d.book.save(muted);
    return { answer: { kind: 'muted', alert: muted, until: new Date(muted.mutedUntil ?? 0) }, outcome: 'changed' };
  }

  /** An alert of this channel: ids from another channel (maybe private) are "no such alert". */
  private async mine(id: string, channel: string): Promise<Alert | undefined> {
    if (!/^a[0-9a-f]{6}$/.test(id)) return undefined;
    const a = await this.d.book.get(id);
    return a?.channel === channel ? a : undefined;
  }

  private async add(words: string[], who: { userId: string; channelId: string; app?: string }): Promise<AlertReply> {
    const parsed = parseAlertAdd(words);
    if (!parsed.ok) return { answer: { kind: 'bad_spec', problem: parsed.problem }, outcome: 'rejected' };
    const channel = parsed.spec.channel ?? who.channelId;
    const found = await this.d.programs.resolve(parsed.spec.app ?? who.app, channel);
    if (!found.ok) return { answer: { kind: 'no_program', problem: found.problem }, outcome: 'rejected' };
    const can = await this.d.canPost(channel);
    if (can === undefined) return { answer: { kind: 'channel_unknown', channel }, outcome: 'rejected' };
    if (!can) return { answer: { kind: 'cannot_post', channel }, outcome: 'rejected' };
    const a: Alert = {
      id: newAlertId(),
      metric: parsed.spec.metric,
      ...(parsed.spec.subject === undefined ? {} : { subject: parsed.spec.subject }),
      granularity: parsed.spec.granularity,
      condition: parsed.spec.condition,
      channel,
      app: found.program.name,
      createdBy: who.userId,
      createdAt: this.now().getTime(),
    };
    await this.d.book.save(a);
    return { answer: { kind: 'added', alert: a, showApp: this.d.programs.all.length > 1 }, outcome: 'changed' };
  }

  lastEvaluation(id: string): Promise<RunRecord | undefined> {
    return this.d.book.lastEvaluation(id);
  }

  /** The alerts that post into this channel, of mini programs visible here. */
  private async visible(channel: string): Promise<Alert[]> {
    const programs = new Set(this.d.programs.visibleIn(channel).map((p) => p.name));
    return (await this.d.book.list()).filter((a) => a.channel === channel && (!a.app || programs.has(a.app)));
  }

  private async list(channel: string): Promise<AlertAnswer> {
    const alerts = await this.visible(channel);
    const items = await Promise.all(alerts.map(async (alert) => ({ alert, last: await this.d.book.lastEvaluation(alert.id) })));
    return { kind: 'list', items, now: this.now(), showApp: this.d.programs.all.length > 1 };
  }

  private async run(words: string[], channel: string): Promise<AlertReply> {
    if (words.length > 1) return { answer: { kind: 'need_one_id', action: 'run' }, outcome: 'rejected' };
    let alerts: Alert[];
    if (words.length === 1) {
      const a = await this.mine(words[0], channel);
      if (!a) return { answer: { kind: 'no_such_alert', id: words[0].slice(0, 40) }, outcome: 'rejected' };
      alerts = [a];
    } else {
      alerts = await this.visible(channel);
      if (alerts.length === 0) return { answer: { kind: 'nothing_to_run' }, outcome: 'answered' };
    }
    // The same evaluation as the daily one, for the same period: what fired already is not posted again.
    const after = async () => {
      const out: { alert: Alert; outcome: AlertOutcome }[] = [];
      for (const alert of alerts) {
        out.push({ alert, outcome: await this.d.evaluator.evaluate(alert, evaluatedPeriod(alert.metric, alert.granularity, this.now())) });
      }
      return out;
    };
    return { answer: { kind: 'running', alerts }, outcome: 'answered', after };
  }
}
