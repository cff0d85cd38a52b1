import { randomUUID } from 'node:crypto';
import type { App } from '@slack/bolt';
import { withRequest } from '../../log';
import { accessRefusal } from '../access';
import { StorageUnavailableError, userMessage } from '../errors';
import { extractApp, interpretCommand } from '../interpret';
import { type CommandArgs, type CommandDeps, commandKit, ephemeral, replyLanguage } from './kit';
import { handleLanguage } from './lang';
import { handleAlert } from './alert';
import { handlePrograms } from './programs';
import { registerReportActions } from './actions';
import { registerHome } from './home';
import { registerScheduleForm } from './schedule-form';
import { handleReport } from './report';
import { handleSchedule } from './schedule';
import { errorText } from '../../util/error-text';

export type { CommandDeps } from './kit';

export const COMMANDS = ['/retain', '/visits', '/wxa'] as const;

/** Every listener is registered from here. */
export function registerListeners(app: App, deps: CommandDeps): void {
  registerReportActions(app, deps);
  registerScheduleForm(app, deps);
  registerHome(app, deps);
  for (const name of COMMANDS) {
    app.command(name, (args) => {
      const requestId = randomUUID();
      return withRequest({ requestId }, () => guarded(args, deps, requestId));
    });
  }
}

/**
 * Every command is answered, whatever fails before its ack (the store, a bug): the user gets the
 * reason and the request id, and the failure is logged; Bolt never sees an unacked command.
 */
export async function guarded(args: CommandArgs, deps: CommandDeps, requestId: string): Promise<void> {
  let acked = false;
  const once: CommandArgs = {
    ...args,
    ack: async (r) => {
      acked = true;
      await args.ack(r);
    },
  } as CommandArgs;
  try {
    await dispatch(once, deps, requestId);
  } catch (e) {
    const log = deps.logger.child({ command: args.command.command, user: args.command.user_id, channel: args.command.channel_id });
    log.error({ err: errorText(e), storage: e instanceof StorageUnavailableError }, 'command failed before it was answered');
    deps.metrics.commands.inc({
      command: args.command.command,
      outcome: e instanceof StorageUnavailableError ? 'storage_unavailable' : 'failed',
    });
    if (!acked) {
      // The store may be what failed: then English at once, not another wait for it.
      const lang = e instanceof StorageUnavailableError ? 'en' : await replyLanguage(deps, args.command.channel_id, 500);
      await args.ack(ephemeral(userMessage(e, requestId, lang))).catch(() => undefined);
    }
  }
}

/** Access rules, then what the text asks for: help or a usage error (answered in the ack), a report, schedules, mini programs. */
async function dispatch(args: CommandArgs, deps: CommandDeps, requestId: string): Promise<void> {
  const { command } = args;
  const kit = commandKit(args, deps, requestId);
  const { ack, count, audit } = kit;
  const name = command.command;
  // The channel's language is read only for the answers given here; the handlers read it themselves.
  if (accessRefusal(deps.access, command.user_id, command.channel_id)) {
    const lang = await replyLanguage(deps, command.channel_id);
    await ack(ephemeral(accessRefusal(deps.access, command.user_id, command.channel_id, lang) ?? ''));
    count('refused');
    audit('refused');
    return;
  }
  const { app: requestedApp, rest } = extractApp(command.text ?? '');
  let what = interpretCommand(name, rest, deps.now());
  if (what.type === 'reply') {
    // Bad input or help: answered in the ack itself, nothing fetched.
    what = interpretCommand(name, rest, deps.now(), await replyLanguage(deps, command.channel_id));
    if (what.type === 'reply') {
      await ack(ephemeral(what.text));
      count(what.isError ? 'rejected' : 'help');
      audit(what.isError ? 'rejected' : 'help');
      return;
    }
  }
  if (what.type === 'schedule') return handleSchedule(what.words, requestedApp, args, deps, kit);
  if (what.type === 'alert') return handleAlert(what.words, requestedApp, args, deps, kit);
  if (what.type === 'app') return handlePrograms(what.words, args, deps, kit);
  if (what.type === 'lang') return handleLanguage(what.words, args, deps, kit);
  return handleReport(what.request, requestedApp, args, deps, kit);
}
