import type { RespondArguments } from '@slack/bolt';
import { translator } from '../../i18n';
import { reportTitle } from '../../reports/model';
import type { ReportRequest } from '../../reports/model';
import type { Language } from '../../i18n';
import { JobQueueError, type ReportJob } from '../../jobs/types';
import { QueueClosedError } from '../../reports/queue';
import type { Logger } from '../../log';
import { noteText } from '../text';
import { BusyError, StorageUnavailableError, userMessage } from '../errors';
import { programProblem } from '../replies';
import { beforeAck, type CommandArgs, type CommandDeps, type CommandKit, ephemeral, replyLanguage } from './kit';
import { errorText } from '../../util/error-text';

/** `/retain`, `/visits` and `/wxa <report>`: ack at once, then the report job to a worker, which posts it into the channel. */
export async function handleReport(
  typed: ReportRequest,
  requestedApp: string | undefined,
  { command, respond }: CommandArgs,
  deps: CommandDeps,
  { ack, audit, count, log, requestId, receivedAt }: CommandKit,
): Promise<void> {
  const name = command.command;
  const resolved = await beforeAck(deps.programs.resolve(requestedApp, command.channel_id));
  if (!resolved.ok) {
    await ack(ephemeral(programProblem(resolved.problem, await replyLanguage(deps, command.channel_id))));
    count('rejected');
    audit('rejected', { reason: 'app' });
    return;
  }
  const app = resolved.program;
  // Nobody would take the job (a web process with no worker up): said now, nothing queued.
  if ((await beforeAck(deps.jobs.counts()).catch(() => undefined))?.workers === 0) {
    await ack(ephemeral(translator(await replyLanguage(deps, command.channel_id))('error.noWorkers', { ref: requestId })));
    count('failed');
    audit('failed', { reason: 'no_workers' });
    return;
  }
  const language = deps.settings ? await replyLanguage(deps, command.channel_id) : undefined;
  const request: ReportRequest = language ? { ...typed, language } : typed;
  const lang = request.language ?? 'en';
  const t = translator(lang);
  const note = request.notes.length ? ` ${request.notes.map((n) => noteText(n, lang)).join(' ')}` : '';
  // The title's first letter lowered for English ("Preparing the weekly retention…"); Chinese has no case.
  const title = lang === 'en' ? reportTitle(request).toLowerCase() : reportTitle(request);
  await ack(ephemeral(`${t('report.preparing', { title, app: app.displayName })}${note}`));
  audit('accepted', { app: app.name, period: request.period });

  // The work runs in a worker after the ack; however slow WeChat is, Slack already has its answer.
  const job: ReportJob = {
    type: 'report',
    id: requestId,
    requestId,
    program: app.name,
    request,
    channel: command.channel_id,
    user: command.user_id,
    responseUrl: command.response_url,
    origin: name,
    what: `${name} ${(command.text ?? '').slice(0, 200)}`,
    receivedAt: Date.now() - (performance.now() - receivedAt),
  };
  await handOver(deps, job, respond, log, lang);
}

/**
 * Hands a report job to the workers (tracked for shutdown: embedded, until it has run). If it cannot
 * be handed over (Redis down, the bot stopping), the asker is told; nothing of it happened.
 */
export function handOver(deps: CommandDeps, job: ReportJob, respond: CommandArgs['respond'], log: Logger, lang: Language): Promise<void> {
  return deps.inFlight.track(
    deps.jobs.submit(job).catch(async (e: unknown) => {
      log.error({ err: errorText(e), job: job.id }, 'could not hand the report to a worker');
      deps.metrics.commands.inc({ command: job.origin, outcome: 'failed' });
      const told = handOverFailure(e);
      await respond({ ...ephemeral(userMessage(told, job.requestId, lang)), replace_original: false } as RespondArguments).catch(
        () => undefined,
      );
    }),
  );
}

/** What the asker is told when a job could not be handed over: the bot stopping, our storage (Redis), or a fault of ours. */
export function handOverFailure(e: unknown): unknown {
  if (!(e instanceof JobQueueError)) return e;
  if (e.reason === 'closed') return new QueueClosedError();
  if (e.reason === 'busy') return new BusyError();
  // Redis did not confirm in time: the job may still be queued and run.
  if (e.reason === 'unreachable') return new StorageUnavailableError(e.message, { maybeChanged: true });
  return e; // crashed or failed: the generic error, with the request id to look it up
}
