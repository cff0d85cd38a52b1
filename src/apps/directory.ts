import type { WeChatContext } from '../context';
import type { Store } from '../store/types';
import { echo } from '../reports/request';

export interface App {
  name: string;
  displayName: string;
  /** Channels allowed to see it; undefined = every channel. */
  channels?: ReadonlySet<string>;
  context: WeChatContext;
}

export type Resolved = { ok: true; app: App } | { ok: false; error: string };

/** The mini programs this bot serves, and which one a command in a channel means. */
export class AppDirectory {
  private readonly byName = new Map<string, App>();

  constructor(
    apps: App[],
    private readonly store: Store,
    private readonly defaultApp?: string,
  ) {
    for (const a of apps) this.byName.set(a.name, a);
  }

  get all(): App[] {
    return [...this.byName.values()];
  }

  get(name: string): App | undefined {
    return this.byName.get(name);
  }

  visibleIn(channel: string): App[] {
    return this.all.filter((a) => !a.channels || a.channels.has(channel));
  }

  async channelDefault(channel: string): Promise<string | undefined> {
    return this.store.kvGet(`channel-app:${channel}`);
  }

  async setChannelDefault(channel: string, name: string): Promise<Resolved> {
    const r = this.check(name, channel);
    if (r.ok) await this.store.kvSet(`channel-app:${channel}`, name);
    return r;
  }

  private check(name: string, channel: string): Resolved {
    const app = this.byName.get(name);
    const names = this.visibleIn(channel).map((a) => a.name);
    if (!app) return { ok: false, error: `There is no mini program called ${echo(name)}. Choose one of: ${names.join(', ') || '(none in this channel)'}.` };
    if (app.channels && !app.channels.has(channel)) return { ok: false, error: `The mini program \`${name}\` is not available in this channel.` };
    return { ok: true, app };
  }

  /** `app:<name>` if given, else the channel's default, else the global default, else the only app. */
  async resolve(requested: string | undefined, channel: string): Promise<Resolved> {
    if (requested) return this.check(requested, channel);
    const preferred = (await this.channelDefault(channel)) ?? this.defaultApp;
    if (preferred) return this.check(preferred, channel);
    const visible = this.visibleIn(channel);
    if (visible.length === 1) return { ok: true, app: visible[0] };
    if (visible.length === 0) return { ok: false, error: 'No mini program is available in this channel. Ask an admin to add it to the channels of an app in WECHAT_APPS_FILE.' };
    return {
      ok: false,
      error: `Several mini programs are available here: add \`app:&lt;name&gt;\` (${visible.map((a) => `\`app:${a.name}\``).join(', ')}), or have an admin set this channel's default with \`/wxa app default &lt;name&gt;\`.`,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((a) => a.context.close()));
  }
}

/** Takes `app:<name>` out of command text. */
export function extractApp(text: string): { app: string | undefined; rest: string } {
  let app: string | undefined;
  const rest = text
    .split(/\s+/)
    .filter((w) => {
      const m = /^app:(.*)$/i.exec(w);
      if (!m) return true;
      app = m[1].toLowerCase();
      return false;
    })
    .join(' ');
  return { app, rest };
}
