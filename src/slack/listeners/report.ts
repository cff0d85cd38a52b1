import type { RespondArguments } from '@slack/bolt';
import { translator } from '../../i18n';
import { reportTitle } from '../../reports/model';
import type { ReportRequest } from '../../reports/model';
import { deliverReport } from '../deliver';
import { noteText } from '../text';
import { slackErrorCode, userMessage } from '../errors';
import { programProblem } from '../replies';
import { beforeAck, type CommandArgs, type CommandDeps, type CommandKit, ephemeral, replyLanguage } from './kit';
import { errorText } from '../../util/error-text';

/** `/retain` and `/visits`: ack at once, then the report through the ReportService into the channel. */
export async function handleReport(
  typed: ReportRequest,
  requestedApp: string | undefined,
  { command, respond, client }: CommandArgs,
  deps: CommandDeps,
  { ack, count, audit, log, requestId, receivedAt }: CommandKit,
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
  const language = deps.settings ? await replyLanguage(deps, command.channel_id) : undefined;
  const request: ReportRequest = language ? { ...typed, language } : typed;
  const lang = request.language ?? 'en';
  const t = translator(lang);
  const note = request.notes.length ? ` ${request.notes.map((n) => noteText(n, lang)).join(' ')}` : '';
  // The title's first letter lowered for English ("Preparing the weekly retention…"); Chinese has no case.
  const title = lang === 'en' ? reportTitle(request).toLowerCase() : reportTitle(request);
  await ack(ephemeral(`${t('report.preparing', { title, app: app.displayName })}${note}`));
  audit('accepted', { app: app.name, period: request.period });

  // The work runs after the ack; however slow WeChat is, Slack already has its answer.
  const work = (async () => {
    // Where the job is, so "still working" names the side that is slow.
    let phase: 'queued' | 'preparing' | 'posting' = 'queued';
    const still = setTimeout(() => {
      const text =
        phase === 'queued'
          ? t('report.queued', { count: deps.reports.queue.waiting || 1 })
          : phase === 'preparing'
            ? t('report.slow_wechat')
            : t('report.slow_slack');
      void respond({ ...ephemeral(text), replace_original: false } as RespondArguments).catch(() => undefined);
    }, deps.stillWorkingMs);
    let outcome = 'posted';
    try {
      const delivered = await deps.reports.run(
        app,
        request,
        (report) => {
          phase = 'posting';
          return deliverReport(client, command.channel_id, report, (method, error) => deps.metrics.slackErrors.inc({ method, error }), {
            timezone: deps.timezone,
          });
        },
        { logger: log, onStart: () => (phase = 'preparing') },
      );
      log.info({ outcome: 'posted', ts: delivered.ts, files: delivered.fileIds.length }, 'report delivered');
    } catch (e) {
      outcome = 'failed';
      log.warn({ outcome, err: errorText(e), slackError: slackErrorCode(e) }, 'report failed');
      try {
        await respond({ ...ephemeral(userMessage(e, requestId, lang)), replace_original: false } as RespondArguments);
      } catch (re) {
        deps.metrics.slackErrors.inc({ method: 'response_url', error: 'respond_failed' });
        log.warn({ err: errorText(re) }, 'could not tell the user (response_url expired?)');
      }
    } finally {
      clearTimeout(still);
      count(outcome);
      deps.metrics.endToEndSeconds.observe({ command: name, outcome }, (performance.now() - receivedAt) / 1000);
      audit(outcome, { app: app.name, period: request.period });
    }
  })();
  await deps.inFlight.track(work);
}
