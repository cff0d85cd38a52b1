import { translator } from '../../i18n';
import { adminOnly, programProblem } from '../replies';
import { beforeAck, type CommandArgs, type CommandDeps, type CommandKit, ephemeral, replyLanguage } from './kit';

/** `/wxa app list` and `/wxa app default <name>` (admins). */
export async function handlePrograms(words: string[], { command }: CommandArgs, deps: CommandDeps, h: CommandKit): Promise<void> {
  const [sub = 'list', name] = words.map((w) => w.toLowerCase());
  const lang = await replyLanguage(deps, command.channel_id);
  const t = translator(lang);
  if (sub === 'default' && name) {
    if (!deps.admins.has(command.user_id)) {
      await h.ack(ephemeral(adminOnly('default', deps.admins.size > 0, lang)));
      h.count('refused');
      h.audit('refused');
      return;
    }
    const r = await beforeAck(deps.programs.setChannelDefault(command.channel_id, name), true);
    await h.ack(
      ephemeral(r.ok ? t('reply.programs.defaultSet', { name, display: r.program.displayName }) : programProblem(r.problem, lang)),
    );
    h.count(r.ok ? 'changed' : 'rejected');
    h.audit(r.ok ? 'changed' : 'rejected', { channelDefault: name });
    return;
  }
  const visible = deps.programs.visibleIn(command.channel_id);
  const current = (await beforeAck(deps.programs.channelDefault(command.channel_id))) ?? t('reply.programs.noDefault');
  const lines = visible.map((p) =>
    t('reply.programs.line', { name: p.name, display: p.displayName, sandbox: p.sandbox ? t('reply.programs.sandbox') : '' }),
  );
  await h.ack(ephemeral(t('reply.programs.list', { current, lines: lines.join('\n') || t('reply.programs.none') })));
  h.count('help');
  h.audit('help');
}
