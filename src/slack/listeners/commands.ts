import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, RespondArguments, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { ProgramDirectory } from '../../apps/directory';
import { withRequest, type Logger } from '../../log';
import type { Metrics } from '../../metrics';
import { reportTitle } from '../../reports/model';
import type { ReportService } from '../../reports/service';
import type { ScheduleService } from '../../schedule/service';
import { accessRefusal, type AccessLists } from '../access';
import { deliverReport } from '../deliver';
import { slackErrorCode, StorageUnavailableError, userMessage } from '../errors';
import { extractApp, interpretCommand } from '../interpret';
import { programProblem } from '../replies';

export const COMMANDS = ['/retain', '/visits', '/wxa'] as const;

export interface CommandDeps {
  programs: ProgramDirectory;
  reports: ReportService;
  /** IANA zone of the "Generated at" line (REPORT_TIMEZONE). */
  timezone: string;
  logger: Logger;
  metrics: Metrics;
  access: AccessLists;
  admins: ReadonlySet<string>;
  now: () => Date;
  /** Every piece of work still running after its ack, so shutdown can wait for it. */
  inFlight: Set<Promise<unknown>>;
  schedules?: ScheduleService;
  /** After this long without a result, tell the user it is still coming. */
  stillWorkingMs: number;
}

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type Ack = (r: { response_type: 'ephemeral'; text: string }) => Promise<void>;

export function registerCommands(app: App, deps: CommandDeps): void {
  for (const name of COMMANDS) {
    app.command(name, (args) => {
      const requestId = randomUUID();
      return withRequest({ requestId }, () => guarded(args, deps, requestId));
    });
  }
}

/** Slack wants an answer within 3 s: store reads before the ack get this long, then the user is told. */
const STORE_BEFORE_ACK_MS = 2_000;

/** A store call made before the ack: bounded, and any failure becomes StorageUnavailableError. */
async function beforeAck<T>(work: Promise<T>, maybeChanged = false): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STORE_BEFORE_ACK_MS} ms`)), STORE_BEFORE_ACK_MS);
  });
  try {
    return await Promise.race([work, late]);
  } catch (e) {
    throw new StorageUnavailableError(errText(e), { maybeChanged });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every command is answered, whatever fails before its ack (the store, a bug): the user gets the
 * reason and the request id, and the failure is logged; Bolt never sees an unacked command.
 */
async function guarded(args: Args, deps: CommandDeps, requestId: string): Promise<void> {
  let acked = false;
  const once: Args = { ...args, ack: async (r) => {
    acked = true;
    await args.ack(r);
  } } as Args;
  try {
    await handleCommand(once, deps, requestId);
  } catch (e) {
    const log = deps.logger.child({ command: args.command.command, user: args.command.user_id, channel: args.command.channel_id });
    log.error({ err: errText(e), storage: e instanceof StorageUnavailableError }, 'command failed before it was answered');
    deps.metrics.commands.inc({ command: args.command.command, outcome: e instanceof StorageUnavailableError ? 'storage_unavailable' : 'failed' });
    if (!acked) await args.ack(ephemeral(userMessage(e, requestId))).catch(() => undefined);
  }
}

async function track(deps: CommandDeps, work: Promise<unknown>): Promise<void> {
  deps.inFlight.add(work);
  try {
    await work;
  } finally {
    deps.inFlight.delete(work);
  }
}

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function handleCommand(args: Args, deps: CommandDeps, requestId: string): Promise<void> {
  const { command, respond, client, context } = args;
  const receivedAt = typeof context.receivedAt === 'number' ? context.receivedAt : performance.now();
  const name = command.command;
  const log = deps.logger.child({ command: name, user: command.user_id, channel: command.channel_id });
  const audit = (outcome: string, extra: Record<string, unknown> = {}) =>
    log.info({ audit: { who: command.user_id, where: command.channel_id, what: `${name} ${(command.text ?? '').slice(0, 200)}`, outcome, ...extra } }, 'audit');
  const ack: Ack = async (r) => {
    await args.ack(r);
    deps.metrics.ackSeconds.observe({ command: name }, (performance.now() - receivedAt) / 1000);
  };
  const count = (outcome: string) => deps.metrics.commands.inc({ command: name, outcome });

  const refusal = accessRefusal(deps.access, command.user_id, command.channel_id);
  if (refusal) {
    await ack(ephemeral(refusal));
    count('refused');
    audit('refused');
    return;
  }
  const { app: requestedApp, rest } = extractApp(command.text ?? '');
  const what = interpretCommand(name, rest, deps.now());
  if (what.type === 'reply') {
    // Bad input or help: answered in the ack itself, nothing fetched.
    await ack(ephemeral(what.text));
    count(what.isError ? 'rejected' : 'help');
    audit(what.isError ? 'rejected' : 'help');
    return;
  }
  if (what.type === 'schedule') return handleSchedule(what.words, requestedApp, args, deps, { ack, count, audit, log, requestId });
  if (what.type === 'app') return handleApp(what.words, args, deps, { ack, count, audit, requestId });

  const resolved = await beforeAck(deps.programs.resolve(requestedApp, command.channel_id));
  if (!resolved.ok) {
    await ack(ephemeral(programProblem(resolved.problem)));
    count('rejected');
    audit('rejected', { reason: 'app' });
    return;
  }
  const { request } = what;
  const app = resolved.program;
  const note = request.notes.length ? ` ${request.notes.join(' ')}` : '';
  await ack(ephemeral(`:hourglass_flowing_sand: Preparing the ${reportTitle(request).toLowerCase()} for ${app.displayName}.${note}`));
  audit('accepted', { app: app.name, period: request.period });

  // The work runs after the ack; however slow WeChat is, Slack already has its answer.
  const work = (async () => {
    // Where the job is, so "still working" names the side that is slow.
    let phase: 'queued' | 'preparing' | 'posting' = 'queued';
    const still = setTimeout(() => {
      const text =
        phase === 'queued'
          ? `:hourglass: Busy: your report is in the queue (${deps.reports.queue.waiting || 1} waiting). It will follow.`
          : phase === 'preparing'
            ? ':hourglass: Still working: WeChat is answering slowly. The report will follow, or I will tell you what went wrong.'
            : ':hourglass: Still working: the report is ready but Slack is answering slowly (it may be rate-limiting the bot). It will follow, or I will tell you what went wrong.';
      void respond({ ...ephemeral(text), replace_original: false } as RespondArguments).catch(() => undefined);
    }, deps.stillWorkingMs);
    let outcome = 'posted';
    try {
      const delivered = await deps.reports.run(
        app,
        request,
        (report) => {
          phase = 'posting';
          return deliverReport(client, command.channel_id, report, (method, error) => deps.metrics.slackErrors.inc({ method, error }), { timezone: deps.timezone });
        },
        { logger: log, onStart: () => (phase = 'preparing') },
      );
      log.info({ outcome: 'posted', ts: delivered.ts, files: delivered.fileIds.length }, 'report delivered');
    } catch (e) {
      outcome = 'failed';
      log.warn({ outcome, err: errText(e), slackError: slackErrorCode(e) }, 'report failed');
      try {
        await respond({ ...ephemeral(userMessage(e, requestId)), replace_original: false } as RespondArguments);
      } catch (re) {
        deps.metrics.slackErrors.inc({ method: 'response_url', error: 'respond_failed' });
        log.warn({ err: errText(re) }, 'could not tell the user (response_url expired?)');
      }
    } finally {
      clearTimeout(still);
      count(outcome);
      deps.metrics.endToEndSeconds.observe({ command: name, outcome }, (performance.now() - receivedAt) / 1000);
      audit(outcome, { app: app.name, period: request.period });
    }
  })();
  await track(deps, work);
}

interface Helpers {
  requestId: string;
  ack: Ack;
  count: (outcome: string) => void;
  audit: (outcome: string, extra?: Record<string, unknown>) => void;
}

async function handleSchedule(words: string[], app: string | undefined, { command, respond }: Args, deps: CommandDeps, h: Helpers & { log: Logger }): Promise<void> {
  if (!deps.schedules) {
    await h.ack(ephemeral('Scheduling is not enabled on this bot.'));
    return;
  }
  let reply;
  try {
    // add and remove write: if the store does not answer in time, the change may still land.
    const writes = ['add', 'remove'].includes((words[0] ?? '').toLowerCase());
    reply = await beforeAck(deps.schedules.handle(words, { userId: command.user_id, channelId: command.channel_id, app }), writes);
  } catch (e) {
    h.log.error({ err: errText(e) }, 'schedule command failed');
    await h.ack(ephemeral(userMessage(e, h.requestId)));
    h.count('failed');
    h.audit('failed');
    return;
  }
  await h.ack(ephemeral(reply.problem ? programProblem(reply.problem) : reply.text));
  h.count(reply.outcome);
  h.audit(reply.outcome, { scheduleChange: reply.changed });
  const after = reply.after;
  if (!after) return;
  await track(
    deps,
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
        h.log.error({ err: errText(e) }, 'manual schedule run failed');
        await tell(userMessage(e instanceof StorageUnavailableError ? e : new StorageUnavailableError(errText(e)), h.requestId));
      }
    })(),
  );
}

async function handleApp(words: string[], { command }: Args, deps: CommandDeps, h: Helpers): Promise<void> {
  const [sub = 'list', name] = words.map((w) => w.toLowerCase());
  if (sub === 'default' && name) {
    if (!deps.admins.has(command.user_id)) {
      await h.ack(ephemeral(":no_entry: Only the bot's admins (SLACK_ADMIN_USERS) can set a channel's default mini program."));
      h.count('refused');
      h.audit('refused');
      return;
    }
    const r = await beforeAck(deps.programs.setChannelDefault(command.channel_id, name), true);
    await h.ack(ephemeral(r.ok ? `:white_check_mark: Reports in this channel now default to \`${name}\` (${r.program.displayName}).` : programProblem(r.problem)));
    h.count(r.ok ? 'changed' : 'rejected');
    h.audit(r.ok ? 'changed' : 'rejected', { channelDefault: name });
    return;
  }
  const visible = deps.programs.visibleIn(command.channel_id);
  const current = (await beforeAck(deps.programs.channelDefault(command.channel_id))) ?? '(none)';
  const lines = visible.map((p) => `• \`${p.name}\` — ${p.displayName}${p.sandbox ? ' (sandbox data)' : ''}`);
  await h.ack(ephemeral(`*Mini programs in this channel* (default: \`${current}\`)\n${lines.join('\n') || 'none'}\nUse \`app:&lt;name&gt;\` in a command, or \`/wxa app default &lt;name&gt;\` (admins).`));
  h.count('help');
  h.audit('help');
}
