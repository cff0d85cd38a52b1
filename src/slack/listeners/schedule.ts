import type { ScheduleReply } from '../../schedule/service';
import { scheduleAnswerText } from '../schedule-words';
import { openScheduleForm } from './schedule-form';
import { translator } from '../../i18n';
import { ackFailure, afterAck, beforeAck, type CommandArgs, type CommandDeps, type CommandKit, ephemeral, replyLanguage } from './kit';

export async function handleSchedule(
  words: string[],
  app: string | undefined,
  { command, respond, ack, client }: CommandArgs,
  deps: CommandDeps,
  h: CommandKit,
): Promise<void> {
  const isForm = (words[0] ?? '').toLowerCase() === 'add' && words.length === 1;
  if (!deps.schedules) {
    await h.ack(ephemeral(translator(await replyLanguage(deps, command.channel_id))('schedule.notEnabled')));
    return;
  }
  if (isForm) {
    // No words: the form. The trigger_id lasts 3 s, so the empty ack goes first.
    await ack();
    await openScheduleForm(client, command.trigger_id, command.user_id, command.channel_id, deps, app);
    h.count('form');
    h.audit('form');
    return;
  }
  let reply: ScheduleReply;
  try {
    // add and remove write: if the store does not answer in time, the change may still land.
    const writes = ['add', 'remove'].includes((words[0] ?? '').toLowerCase());
    reply = await beforeAck(deps.schedules.handle(words, { userId: command.user_id, channelId: command.channel_id, app }), writes);
  } catch (e) {
    await ackFailure(e, h, deps, command.channel_id, 'schedule');
    return;
  }
  const lang = await replyLanguage(deps, command.channel_id);
  const t = translator(lang);
  await h.ack(ephemeral(scheduleAnswerText(reply.answer, lang)));
  h.count(reply.outcome);
  h.audit(reply.outcome, { scheduleChange: reply.changed });
  const after = reply.after;
  if (!after) return;
  await afterAck(deps, respond, h, lang, 'manual schedule run', async () => {
    const r = await after();
    h.audit(`run:${r.outcome}`);
    const outcomes = ['waiting_data', 'retrying', 'skipped', 'not_ready_notice', 'failed'] as const;
    const known = outcomes.find((o) => o === r.outcome);
    return r.outcome === 'posted' ? undefined : t('schedule.run.finished', { what: known ? t(`schedule.run.${known}`) : r.outcome });
  });
}
