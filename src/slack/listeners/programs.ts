import { adminOnly, programProblem } from '../replies';
import { beforeAck, type CommandArgs, type CommandDeps, type CommandKit, ephemeral } from './kit';

/** `/wxa app list` and `/wxa app default <name>` (admins). */
export async function handlePrograms(words: string[], { command }: CommandArgs, deps: CommandDeps, h: CommandKit): Promise<void> {
  const [sub = 'list', name] = words.map((w) => w.toLowerCase());
  if (sub === 'default' && name) {
    if (!deps.admins.has(command.user_id)) {
      await h.ack(ephemeral(adminOnly("set a channel's default mini program", deps.admins.size > 0)));
      h.count('refused');
      h.audit('refused');
      return;
    }
    const r = await beforeAck(deps.programs.setChannelDefault(command.channel_id, name), true);
    await h.ack(
      ephemeral(
        r.ok
          ? `:white_check_mark: Reports in this channel now default to \`${name}\` (${r.program.displayName}).`
          : programProblem(r.problem),
      ),
    );
    h.count(r.ok ? 'changed' : 'rejected');
    h.audit(r.ok ? 'changed' : 'rejected', { channelDefault: name });
    return;
  }
  const visible = deps.programs.visibleIn(command.channel_id);
  const current = (await beforeAck(deps.programs.channelDefault(command.channel_id))) ?? '(none)';
  const lines = visible.map((p) => `• \`${p.name}\` — ${p.displayName}${p.sandbox ? ' (sandbox data)' : ''}`);
  await h.ack(
    ephemeral(
      `*Mini programs in this channel* (default: \`${current}\`)\n${lines.join('\n') || 'none'}\nUse \`app:&lt;name&gt;\` in a command, or \`/wxa app default &lt;name&gt;\` (admins).`,
    ),
  );
  h.count('help');
  h.audit('help');
}
