import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { interpretCommand } from '../../commands/interpret';
import type { Logger } from '../../log';
import { produceReport, type ReportContext } from '../../pipeline';
import { reportTitle } from '../../render/blocks';
import { deliverReport } from '../deliver';
import { slackErrorCode, userMessage } from '../errors';
import type { ScheduleService } from '../../schedule/service';

export const COMMANDS = ['/retain', '/visits', '/wxa'] as const;

export interface CommandDeps {
  reports: ReportContext;
  logger: Logger;
  now: () => Date;
  /** Every report in flight, so shutdown can wait for them. */
  inFlight: Set<Promise<unknown>>;
  schedules?: ScheduleService;
}

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function registerCommands(app: App, deps: CommandDeps): void {
  for (const name of COMMANDS) app.command(name, (args) => handleCommand(args, deps));
}

async function handleCommand(args: Args, deps: CommandDeps): Promise<void> {
  const { command, ack, respond, client } = args;
  const requestId = randomUUID();
  const log = deps.logger.child({ requestId, command: command.command, user: command.user_id, channel: command.channel_id });
  const what = interpretCommand(command.command, command.text ?? '', deps.now());
  if (what.type === 'reply') {
    // Bad input or help: answered in the ack itself, nothing fetched.
    await ack({ response_type: 'ephemeral', text: what.text });
    log.info({ outcome: what.isError ? 'rejected' : 'help' }, 'command answered');
    return;
  }
  if (what.type === 'schedule') return handleSchedule(what.words, args, deps, log, requestId);
  const { request } = what;
  const note = request.notes.length ? ` ${request.notes.join(' ')}` : '';
  await ack({ response_type: 'ephemeral', text: `:hourglass_flowing_sand: Preparing the ${reportTitle(request).toLowerCase()}.${note}` });
  log.info({ period: request.period, kind: request.kind }, 'command accepted');

  // The work runs after the ack; however slow WeChat is, Slack already has its answer.
  const work = (async () => {
    try {
      const rendered = await produceReport(request, { ...deps.reports, logger: log });
      const delivered = await deliverReport(client, command.channel_id, rendered);
      log.info({ outcome: 'posted', ts: delivered.ts, files: delivered.fileIds.length }, 'report delivered');
    } catch (e) {
      log.warn({ outcome: 'failed', err: e instanceof Error ? e.message : String(e), slackError: slackErrorCode(e) }, 'report failed');
      try {
        await respond({ response_type: 'ephemeral', replace_original: false, text: userMessage(e, requestId) });
      } catch (re) {
        log.warn({ err: re instanceof Error ? re.message : String(re) }, 'could not tell the user (response_url expired?)');
      }
    }
  })();
  await track(deps, work);
}

async function track(deps: CommandDeps, work: Promise<unknown>): Promise<void> {
  deps.inFlight.add(work);
  try {
    await work;
  } finally {
    deps.inFlight.delete(work);
  }
}

async function handleSchedule(words: string[], { command, ack, respond }: Args, deps: CommandDeps, log: Logger, requestId: string): Promise<void> {
  if (!deps.schedules) {
    await ack({ response_type: 'ephemeral', text: 'Scheduling is not enabled on this bot.' });
    return;
  }
  let reply;
  try {
    reply = await deps.schedules.handle(words, { userId: command.user_id, channelId: command.channel_id });
  } catch (e) {
    log.error({ err: e instanceof Error ? e.message : String(e) }, 'schedule command failed');
    await ack({ response_type: 'ephemeral', text: userMessage(e, requestId) });
    return;
  }
  await ack({ response_type: 'ephemeral', text: reply.text });
  log.info({ outcome: reply.changed ? 'changed' : 'answered', words: words.slice(0, 1) }, 'schedule command');
  const after = reply.after;
  if (!after) return;
  await track(
    deps,
    (async () => {
      const r = await after();
      if (r.outcome !== 'posted') {
        await respond({ response_type: 'ephemeral', replace_original: false, text: `Schedule run finished: ${r.outcome.replace('_', ' ')}.` }).catch(() => undefined);
      }
    })().catch((e: unknown) => log.error({ err: String(e) }, 'manual schedule run failed')),
  );
}
