import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import { translator } from '../../i18n';
import { withRequest } from '../../log';
import { errorText } from '../../util/error-text';
import { accessRefusal } from '../access';
import { userMessage } from '../errors';
import { programProblem } from '../replies';
import { decodeTarget, NAV_ACTION } from '../report-actions';
import { type CommandDeps, replyLanguage } from './kit';
import { handOver } from './report';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** How long a click on one target in one thread blocks the same click (a double click, two people). */
export const CLICK_WINDOW_MS = 60_000;

/** The buttons and the menu under every report. */
export function registerReportActions(app: App, deps: CommandDeps): void {
  app.action<BlockAction>(NAV_ACTION, (args) => {
    const requestId = randomUUID();
    return withRequest({ requestId }, () => handleClick(args, deps, requestId));
  });
}

/** The clicked button's or chosen option's value. */
function clickedValue(action: BlockAction['actions'][number]): string | undefined {
  if (action.type === 'button') return action.value;
  if (action.type === 'static_select') return action.selected_option?.value;
  return undefined;
}

/**
 * A click: acknowledged at once; the clicker checked like a command's author; the button's value
 * checked like typed text; then the report job handed to a worker, which posts it in the thread of
 * the message clicked, once per thread and target however many clicks arrive.
 */
export async function handleClick({ ack, body, action, respond }: ActionArgs, deps: CommandDeps, requestId: string): Promise<void> {
  await ack();
  const user = body.user.id;
  const channel = body.channel?.id ?? body.container?.channel_id;
  const message = body.message;
  const log = deps.logger.child({ action: action.action_id, user, channel });
  const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => undefined);
  const count = (outcome: string) => deps.metrics.commands.inc({ command: 'button', outcome });
  const audit = (outcome: string, extra: Record<string, unknown> = {}) =>
    log.info({ audit: { who: user, where: channel, what: `button ${action.action_id}`, outcome, ...extra } }, 'audit');
  if (!channel || !message?.ts) {
    count('rejected');
    return;
  }
  try {
    const lang = deps.settings ? await deps.settings.language(channel) : 'en';
    const t = translator(lang);
    const refusal = accessRefusal(deps.access, user, channel, lang);
    if (refusal) {
      await tell(refusal);
      count('refused');
      audit('refused');
      return;
    }
    const decoded = decodeTarget(clickedValue(action), deps.now());
    if (!decoded.ok) {
      await tell(t('nav.tampered'));
      count('rejected');
      audit('rejected', { reason: 'value' });
      return;
    }
    const resolved = await deps.programs.resolve(decoded.target.app, channel);
    if (!resolved.ok) {
      await tell(programProblem(resolved.problem, lang));
      count('rejected');
      audit('rejected', { reason: 'app' });
      return;
    }
    // Clicks inside a thread stay in it; a click on a channel message starts its thread.
    const threadTs = (message as { thread_ts?: string }).thread_ts ?? message.ts;
    const request = { ...decoded.request, language: lang };
    if ((await deps.jobs.counts().catch(() => undefined))?.workers === 0) {
      await tell(t('error.noWorkers', { ref: requestId }));
      count('failed');
      audit('failed', { reason: 'no_workers' });
      return;
    }
    const key = `click:${channel}:${threadTs}:${clickedValue(action)}`;
    if (deps.claimClick && !(await deps.claimClick(key))) {
      count('duplicate');
      audit('duplicate');
      return;
    }
    audit('accepted', { app: resolved.program.name, kind: request.kind, period: request.period });
    await handOver(
      deps,
      {
        type: 'report',
        id: requestId,
        requestId,
        program: resolved.program.name,
        request,
        channel,
        user,
        threadTs,
        responseUrl: (body as { response_url?: string }).response_url,
        origin: 'button',
        what: `button ${action.action_id}`,
        receivedAt: Date.now(),
      },
      respond,
      log,
      lang,
    );
  } catch (e) {
    log.error({ err: errorText(e) }, 'button click failed');
    // The language may be what failed: the store is asked once more, briefly, then English.
    await tell(userMessage(e, requestId, await replyLanguage(deps, channel, 500)));
    count('failed');
  }
}
