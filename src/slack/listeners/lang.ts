import { isLanguage, translator } from '../../i18n';
import { adminOnly } from '../replies';
import { beforeAck, type CommandArgs, type CommandDeps, type CommandKit, ephemeral, replyLanguage } from './kit';

/** `/wxa lang` (anyone: the channel's language) and `/wxa lang zh|en` (admins: set it). */
export async function handleLanguage(words: string[], { command }: CommandArgs, deps: CommandDeps, h: CommandKit): Promise<void> {
  const settings = deps.settings;
  const wanted = (words[0] ?? '').toLowerCase();
  const current = await replyLanguage(deps, command.channel_id);
  if (wanted === '') {
    await h.ack(ephemeral(translator(current)('lang.current')));
    h.count('help');
    return;
  }
  if (!isLanguage(wanted) || words.length > 1 || !settings) {
    await h.ack(ephemeral(translator(current)('lang.usage')));
    h.count('rejected');
    h.audit('rejected');
    return;
  }
  if (!deps.admins.has(command.user_id)) {
    await h.ack(ephemeral(adminOnly('lang', deps.admins.size > 0, current)));
    h.count('refused');
    h.audit('refused');
    return;
  }
  await beforeAck(settings.setLanguage(command.channel_id, wanted), true);
  await h.ack(ephemeral(translator(wanted)('lang.set')));
  h.count('changed');
  h.audit('changed', { language: wanted });
}
