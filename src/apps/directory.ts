import type { Store } from '../store/types';
import type { MiniProgram } from './program';

/** Why no mini program could be chosen; src/slack puts it into words. */
export type ProgramProblem =
  | { reason: 'unknown'; name: string; choices: string[] }
  | { reason: 'not_here'; name: string }
  | { reason: 'none_here' }
  | { reason: 'ambiguous'; choices: string[] };

/** No mini program for a request (a schedule whose program was removed or hidden from its channel). */
export class ProgramUnavailableError extends Error {
  override readonly name = 'ProgramUnavailableError';
  constructor(readonly problem: ProgramProblem) {
    super(`no mini program: ${problem.reason}`);
  }
}

export type Resolution = { ok: true; program: MiniProgram } | { ok: false; problem: ProgramProblem };

/** The mini programs this bot serves, and which one a request in a channel means. */
export class ProgramDirectory {
  private readonly byName = new Map<string, MiniProgram>();

  constructor(
    programs: MiniProgram[],
    private readonly store: Store,
    private readonly defaultName?: string,
  ) {
    for (const p of programs) this.byName.set(p.name, p);
  }

  get all(): MiniProgram[] {
    return [...this.byName.values()];
  }

  get(name: string): MiniProgram | undefined {
    return this.byName.get(name);
  }

  visibleIn(channel: string): MiniProgram[] {
    return this.all.filter((p) => !p.channels || p.channels.has(channel));
  }

  async channelDefault(channel: string): Promise<string | undefined> {
    return this.store.kvGet(`channel-app:${channel}`);
  }

  async setChannelDefault(channel: string, name: string): Promise<Resolution> {
    const r = this.check(name, channel);
    if (r.ok) await this.store.kvSet(`channel-app:${channel}`, name);
    return r;
  }

  private check(name: string, channel: string): Resolution {
    const program = this.byName.get(name);
    if (!program) return { ok: false, problem: { reason: 'unknown', name, choices: this.visibleIn(channel).map((p) => p.name) } };
    if (program.channels && !program.channels.has(channel)) return { ok: false, problem: { reason: 'not_here', name } };
    return { ok: true, program };
  }

  /** `app:<name>` if given, else the channel's default, else the global default, else the only one visible. */
  async resolve(requested: string | undefined, channel: string): Promise<Resolution> {
    if (requested) return this.check(requested, channel);
    const preferred = (await this.channelDefault(channel)) ?? this.defaultName;
    if (preferred) return this.check(preferred, channel);
    const visible = this.visibleIn(channel);
    if (visible.length === 1) return { ok: true, program: visible[0] };
    if (visible.length === 0) return { ok: false, problem: { reason: 'none_here' } };
    return { ok: false, problem: { reason: 'ambiguous', choices: visible.map((p) => p.name) } };
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((p) => p.close()));
  }
}
