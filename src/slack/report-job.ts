import type { WebClient } from '@slack/web-api';
import { backOff } from 'exponential-backoff';
import type { ProgramDirectory } from '../apps/directory';
import { translator } from '../i18n';
import type { JobResult, ReportJob, ReportJobOutcome } from '../jobs/types';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { reportTitle } from '../reports/model';
import type { ReportService } from '../reports/service';
import type { DeliveredParts, Store } from '../store/types';
import { errorText } from '../util/error-text';
import { deliverReport } from './deliver';
import { slackErrorCode, userMessage } from './errors';
import { respondPrivately } from './respond';

export interface ReportJobDeps {
  programs: ProgramDirectory;
  reports: ReportService;
  client: WebClient;
  store: Store;
  metrics: Metrics;
  logger: Logger;
  /** IANA zone of the "Generated at" line (REPORT_TIMEZONE). */
  timezone: string;
  /** After this long from the request without a result, the asker is told it is still coming. */
  stillWorkingMs: number;
}

/** What reached Slack for a job, kept a day: a job handed to another worker resumes from it. */
const MARK_TTL_MS = 24 * 3_600_000;
const markKey = (id: string) => `job:${id}`;

interface Marks extends DeliveredParts {
  finished?: boolean;
}

/**
 * A report someone asked for (a command, a button, the Home tab's form), run by a worker: the
 * report through the ReportService into the channel (or the clicked thread), each part recorded
 * before the next so a worker that dies mid-job is resumed without posting anything twice; the
 * asker told privately while it is slow and when it fails.
 */
export async function runReportJob(job: ReportJob, d: ReportJobDeps): Promise<JobResult> {
  const log = d.logger.child({ requestId: job.requestId, command: job.origin, user: job.user, channel: job.channel, job: job.id });
  const lang = job.request.language ?? 'en';
  const t = translator(lang);
  const tell = (text: string): Promise<void> =>
    (job.responseUrl
      ? respondPrivately(job.responseUrl, text)
      : d.client.chat.postEphemeral({ channel: job.channel, user: job.user, text }).then(() => undefined)
    ).catch((e: unknown) => {
      d.metrics.slackErrors.inc({ method: 'response_url', error: 'respond_failed' });
      log.warn({ err: errorText(e) }, 'could not tell the user (response_url expired?)');
    });
  const marks = await readMarks(d.store, job.id, log);
  if (marks?.finished) {
    log.info('job already finished by another worker');
    return { type: 'report', outcome: 'already_done' };
  }
  let phase: 'queued' | 'preparing' | 'posting' = 'queued';
  const still = setTimeout(
    () => {
      const text =
        phase === 'queued'
          ? t('report.queued', { count: d.reports.queue.waiting || 1 })
          : phase === 'preparing'
            ? t('report.slow_wechat')
            : t('report.slow_slack');
      void tell(text);
    },
    Math.max(0, d.stillWorkingMs - (Date.now() - job.receivedAt)),
  );
  let outcome: ReportJobOutcome = 'posted';
  try {
    const program = d.programs.get(job.program);
    if (!program) throw new Error(`mini program ${job.program} is no longer configured`);
    const delivered = await d.reports.run(
      program,
      job.request,
      async (produced) => {
        phase = 'posting';
        const started = performance.now();
        try {
          return await deliverReport(d.client, job.channel, produced, (method, error) => d.metrics.slackErrors.inc({ method, error }), {
            timezone: d.timezone,
            threadTs: job.threadTs,
            done: marks,
            onPart: (part) => writeMarks(d.store, job.id, part, log),
          });
        } finally {
          d.metrics.jobStageSeconds.observe({ stage: 'upload' }, (performance.now() - started) / 1000);
        }
      },
      {
        logger: log,
        onStart: () => {
          phase = 'preparing';
          d.metrics.jobWaitSeconds.observe(Math.max(0, Date.now() - job.receivedAt) / 1000);
        },
      },
    );
    log.info({ outcome, ts: delivered.ts, files: delivered.fileIds.length, title: reportTitle(job.request) }, 'report delivered');
  } catch (e) {
    outcome = 'failed';
    log.warn({ outcome, err: errorText(e), slackError: slackErrorCode(e) }, 'report failed');
    await tell(userMessage(e, job.requestId, lang));
  } finally {
    clearTimeout(still);
  }
  await writeMarks(d.store, job.id, { finished: true }, log);
  d.metrics.commands.inc({ command: job.origin, outcome });
  d.metrics.endToEndSeconds.observe({ command: job.origin, outcome }, Math.max(0, Date.now() - job.receivedAt) / 1000);
  log.info(
    {
      audit: {
        who: job.user,
        where: job.channel,
        what: job.what,
        outcome,
        app: job.program,
        period: job.request.period,
      },
    },
    'audit',
  );
  return { type: 'report', outcome };
}

/** What an earlier worker delivered for this job; a store that cannot say is asked a few times, then taken as nothing. */
async function readMarks(store: Store, id: string, log: Logger): Promise<Marks | undefined> {
  try {
    const text = await backOff(() => store.kvGet(markKey(id)), { numOfAttempts: 3, startingDelay: 200 });
    return text ? (JSON.parse(text) as Marks) : undefined;
  } catch (e) {
    log.warn({ err: errorText(e) }, 'could not read what this job delivered before; running it as new');
    return undefined;
  }
}

/** Records a delivered part before the next starts (bounded retries: Slack already has it, so this must not be lost lightly). */
async function writeMarks(store: Store, id: string, part: Marks, log: Logger): Promise<void> {
  try {
    const before = part.finished ? await store.kvGet(markKey(id)) : undefined;
    const merged = { ...(before ? (JSON.parse(before) as Marks) : {}), ...part };
    await backOff(() => store.kvSet(markKey(id), JSON.stringify(merged), MARK_TTL_MS), {
      numOfAttempts: 6,
      startingDelay: 250,
      maxDelay: 4_000,
    });
  } catch (e) {
    log.error({ err: errorText(e), part }, 'could not record what this job delivered; a takeover could repeat it');
  }
}

/**
 * A report job no worker will try again (shared mode: its attempts are spent): the asker is told, with
 * the request id, and the job is marked finished so a late copy posts nothing.
 */
export async function tellGivenUp(job: ReportJob, d: Pick<ReportJobDeps, 'client' | 'store' | 'logger'>): Promise<void> {
  const log = d.logger.child({ requestId: job.requestId, job: job.id });
  await writeMarks(d.store, job.id, { finished: true }, log);
  const text = userMessage(new Error('the report job was given up after its attempts'), job.requestId, job.request.language ?? 'en');
  if (job.responseUrl) await respondPrivately(job.responseUrl, text);
  else await d.client.chat.postEphemeral({ channel: job.channel, user: job.user, text });
  log.warn({ audit: { who: job.user, where: job.channel, what: job.what, outcome: 'failed' } }, 'audit');
}
