import type { AllMiddlewareArgs, RespondArguments, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { ProgramDirectory } from '../../apps/directory';
import type { Logger } from '../../log';
import type { Metrics } from '../../metrics';
import type { JobQueue } from '../../jobs/types';
import type { AlertService } from '../../alerts/service';
import type { ScheduleService } from '../../schedule/service';
import type { ChannelSettings } from '../../store/channel-settings';
import type { Language } from '../../i18n';
import type { InFlight } from '../../util/in-flight';
import type { AccessLists } from '../access';
import { errorText } from '../../util/error-text';
import { StorageUnavailableError, userMessage } from '../errors';

export interface CommandDeps {
  programs: ProgramDirectory;
  /** Where report work goes: the receiver verifies, acks and hands it over, nothing more. */
  jobs: JobQueue;
  /** IANA zone of the "Generated at" line (REPORT_TIMEZONE). */
  timezone: string;
  logger: Logger;
  metrics: Metrics;
  access: AccessLists;
  admins: ReadonlySet<string>;
  now: () => Date;
  /** Every piece of work still running after its ack, so shutdown can wait for it. */
  inFlight: InFlight;
  schedules?: ScheduleService;
  /** `/wxa alert`: the service and the daily check time (ALERT_TIME, China time). */
  alerts?: { service: AlertService; time: string };
  /** Per-channel settings (the language); English everywhere without. */
  settings?: ChannelSettings;
  /** REPORT_LANGUAGE: the language of what has no channel (the Home tab, the modals); English without. */
  language?: Language;
  /** Takes a click's key for CLICK_WINDOW_MS if nobody has (across instances); without it every click runs. */
  claimClick?: (key: string) => Promise<boolean>;
}

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type Ack = (r: { response_type: 'ephemeral'; text: string }) => Promise<void>;

export const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

/** What every command listener uses: the timed ack, the outcome counter, the audit line, its logger and request id. */
export interface CommandKit {
  requestId: string;
  log: Logger;
  ack: Ack;
  count: (outcome: string) => void;
  audit: (outcome: string, extra?: Record<string, unknown>) => void;
  /** When Slack's request arrived (performance.now()), for the latency histograms. */
  receivedAt: number;
}

export function commandKit(args: CommandArgs, deps: CommandDeps, requestId: string): CommandKit {
  const { command, context } = args;
  const receivedAt = typeof context.receivedAt === 'number' ? context.receivedAt : performance.now();
  const name = command.command;
  const log = deps.logger.child({ command: name, user: command.user_id, channel: command.channel_id });
  return {
    requestId,
    log,
    receivedAt,
    audit: (outcome, extra = {}) =>
      log.info(
        {
          audit: {
            who: command.user_id,
            where: command.channel_id,
            what: `${name} ${(command.text ?? '').slice(0, 200)}`,
            outcome,
            ...extra,
          },
        },
        'audit',
      ),
    ack: async (r) => {
      await args.ack(r);
      deps.metrics.ackSeconds.observe({ command: name }, (performance.now() - receivedAt) / 1000);
    },
    count: (outcome) => deps.metrics.commands.inc({ command: name, outcome }),
  };
}

/** Slack wants an answer within 3 s: store reads before the ack get this long, then the user is told. */
const STORE_BEFORE_ACK_MS = 2_000;

/** A store call made before the ack: bounded, and any failure becomes StorageUnavailableError. */
export async function beforeAck<T>(work: Promise<T>, maybeChanged = false): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STORE_BEFORE_ACK_MS} ms`)), STORE_BEFORE_ACK_MS);
  });
  try {
    return await Promise.race([work, late]);
  } catch (e) {
    throw new StorageUnavailableError(errorText(e), { maybeChanged });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The channel's language for a reply, read before the ack (bounded like every store read there).
 * Never blocks the reply: a store that fails or is slow means English.
 */
/**
 * How long a reply waits for the channel's language before going out in English. Short: it comes on
 * top of the handler's own store reads, and all of them must fit in Slack's 3 s.
 */
export const LANGUAGE_BEFORE_ACK_MS = 400;

export async function replyLanguage(deps: CommandDeps, channel: string | undefined, ms = LANGUAGE_BEFORE_ACK_MS): Promise<Language> {
  if (!deps.settings || !channel) return 'en';
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Language>((resolve) => {
    timer = setTimeout(() => resolve('en'), ms);
  });
  try {
    return await Promise.race([deps.settings.language(channel).catch((): Language => 'en'), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The language of what belongs to no channel (the Home tab, the modals): REPORT_LANGUAGE. */
export const viewLanguage = (deps: CommandDeps): Language => deps.language ?? 'en';

/**
 * A command that failed before its answer (the store, usually): said in the ack, counted and
 * audited. When the store failed there is no second wait for it: the answer is in English.
 */
export async function ackFailure(e: unknown, h: CommandKit, deps: CommandDeps, channel: string, what: string): Promise<void> {
  h.log.error({ err: errorText(e) }, `${what} command failed`);
  const lang = e instanceof StorageUnavailableError ? 'en' : await replyLanguage(deps, channel, 500);
  await h.ack(ephemeral(userMessage(e, h.requestId, lang)));
  h.count('failed');
  h.audit('failed');
}

/**
 * Work a command starts after its ack (`/wxa schedule run`, `/wxa alert run`): tracked for shutdown;
 * what it returns is told privately to the person who asked (nothing when it returns undefined);
 * if it fails, they are told it did not finish.
 */
export function afterAck(
  deps: CommandDeps,
  respond: CommandArgs['respond'],
  h: CommandKit,
  lang: Language,
  what: string,
  work: () => Promise<string | undefined>,
): Promise<void> {
  const tell = (text: string) => respond({ ...ephemeral(text), replace_original: false } as RespondArguments).catch(() => undefined);
  return deps.inFlight.track(
    (async () => {
      try {
        const text = await work();
        if (text !== undefined) await tell(text);
      } catch (e) {
        h.log.error({ err: errorText(e) }, `${what} failed`);
        await tell(userMessage(e instanceof StorageUnavailableError ? e : new StorageUnavailableError(errorText(e)), h.requestId, lang));
      }
    })(),
  );
}
