import type { AlertReply } from '../../alerts/service';
import { translator } from '../../i18n';
import { alertAnswerText, runResultText } from '../alert-words';
import { ackFailure, afterAck, beforeAck, type CommandArgs, type CommandDeps, type CommandKit, ephemeral, replyLanguage } from './kit';

/** `/wxa alert …`: the answer in the ack; `run` then tells its author what each alert came to. */
export async function handleAlert(
  words: string[],
  app: string | undefined,
  args: CommandArgs,
  deps: CommandDeps,
  h: CommandKit,
): Promise<void> {
  const { command, respond } = args;
  if (!deps.alerts) {
    await h.ack(ephemeral(translator(await replyLanguage(deps, command.channel_id))('alert.notEnabled')));
    return;
  }
  const alerts = deps.alerts;
  let reply: AlertReply;
  try {
    const writes = ['add', 'remove', 'mute'].includes((words[0] ?? '').toLowerCase());
    reply = await beforeAck(alerts.service.handle(words, { userId: command.user_id, channelId: command.channel_id, app }), writes);
  } catch (e) {
    await ackFailure(e, h, deps, command.channel_id, 'alert');
    return;
  }
  const lang = await replyLanguage(deps, command.channel_id);
  await h.ack(ephemeral(alertAnswerText(reply.answer, lang, alerts.time)));
  h.count(reply.outcome);
  const a = reply.answer;
  const changed = a.kind === 'added' || a.kind === 'removed' || a.kind === 'muted' ? a.alert : undefined;
  h.audit(reply.outcome, changed ? { alertChange: a.kind, alert: changed } : {});
  const after = reply.after;
  if (!after) return;
  await afterAck(deps, respond, h, lang, 'alert run', async () => {
    const results = await after();
    for (const r of results) h.audit(`alert_run:${r.outcome.outcome}`, { alert: r.alert.id });
    const withLast = await Promise.all(
      results.map(async (r) => ({ ...r, last: await alerts.service.lastEvaluation(r.alert.id).catch(() => undefined) })),
    );
    return runResultText(withLast, lang);
  });
}
