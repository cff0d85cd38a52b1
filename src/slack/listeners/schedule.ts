import type { RespondArguments } from '@slack/bolt';
import type { ScheduleReply } from '../../schedule/service';
import { StorageUnavailableError, userMessage } from '../errors';
import { scheduleAnswerText } from '../schedule-words';
import { openScheduleForm } from './schedule-form';
import { beforeAck, type CommandArgs, type CommandDeps, type CommandKit, ephemeral } from './kit';
import { errorText } from '../../util/error-text';

export async function handleSchedule(
  words: string[],
  app: string | undefined,
  { command, respond, ack, client }: CommandArgs,
  deps: CommandDeps,
  h: CommandKit,
): Promise<void> {
  if (!deps.schedules) {
    await h.ack(ephemeral('Scheduling is not enabled on this bot.'));
    return;
  }
  if ((words[0] ?? '').toLowerCase() === 'add' && words.length === 1) {
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
    h.log.error({ err: errorText(e) }, 'schedule command failed');
    await h.ack(ephemeral(userMessage(e, h.requestId)));
    h.count('failed');
    h.audit('failed');
    return;
  }
  await h.ack(ephemeral(scheduleAnswerText(reply.answer)));
  h.count(reply.outcome);
  h.audit(reply.outcome, { scheduleChange: reply.changed });
  const after = reply.after;
  if (!after) return;
  await deps.inFlight.track(
    (async () => {
      const tell = (text: string) => respond({ ...ephemeral(text), replace_original: false } as RespondArguments).catch(() => undefined);
      try {
        const r = await after();
        h.audit(`run:${r.outcome}`);
        const words: Record<string, string> = {
          waiting_data: "WeChat's data is not ready yet; it will be posted when it is",
          retrying: 'the summary is posted; the chart failed and will be tried again',
          skipped: 'the run was already taken by another instance',
          not_ready_notice: "WeChat's data never came; a notice was posted",
          failed: 'it could not be posted; the channel was told why',
        };
        if (r.outcome !== 'posted') await tell(`Schedule run finished: ${words[r.outcome] ?? r.outcome}.`);
      } catch (e) {
        h.log.error({ err: errorText(e) }, 'manual schedule run failed');
        await tell(userMessage(e instanceof StorageUnavailableError ? e : new StorageUnavailableError(errorText(e)), h.requestId));
      }
    })(),
  );
}
