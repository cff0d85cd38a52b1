import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ScheduleReply } from '../../schedule/service';
import { errorText } from '../../util/error-text';
import { accessRefusal } from '../access';
import { userMessage } from '../errors';
import { adminOnly } from '../replies';
import { scheduleAnswerText } from '../schedule-words';
import { noticeModal, unpackMetadata, type ModalView } from '../views/kit';
import {
  adminOnlyView,
  answerErrors,
  FIELD,
  fieldErrorsIn,
  readScheduleForm,
  SCHEDULE_FORM_ID,
  scheduleAddedView,
  scheduleFormView,
} from '../views/schedule-form';
import { translator } from '../../i18n';
import { beforeAck, type CommandDeps, viewLanguage } from './kit';

/** What opens instead of the form for someone who may not use it: said before anything is filled in. */
function refusalView(user: string, deps: CommandDeps): ModalView | undefined {
  const lang = viewLanguage(deps);
  const t = translator(lang);
  if (!deps.schedules) return noticeModal(t('form.schedules'), t('schedule.notEnabled'), undefined, lang);
  // Only the user list: the channel is picked in the form and checked on submission.
  const refusal = accessRefusal({ users: deps.access.users }, user, '', lang);
  if (refusal) return noticeModal(t('form.schedules'), refusal, undefined, lang);
  if (!deps.admins.has(user)) return adminOnlyView(adminOnly('add', deps.admins.size > 0, lang), lang);
  return undefined;
}

/**
 * Opens the schedule form (or, for someone who may not add schedules, a modal saying so) with the
 * trigger_id of a slash command or a button. `/wxa schedule add` without words calls this.
 */
export async function openScheduleForm(
  client: WebClient,
  triggerId: string,
  user: string,
  channel: string | undefined,
  deps: CommandDeps,
  app?: string,
): Promise<void> {
  const view = refusalView(user, deps) ?? scheduleFormView({ channel, timezone: deps.timezone, app }, viewLanguage(deps));
  await client.views.open({ trigger_id: triggerId, view });
}

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The form's submission: the same words and the same ScheduleService as `/wxa schedule add`. */
async function submitted({ ack, body, view }: SubmitArgs, deps: CommandDeps): Promise<void> {
  const user = body.user.id;
  const requestId = randomUUID();
  const log = deps.logger.child({ view: SCHEDULE_FORM_ID, user, requestId });
  const count = (outcome: string) => deps.metrics.commands.inc({ command: '/wxa schedule form', outcome });
  const update = (v: ModalView) => ack({ response_action: 'update', view: v });
  const lang = viewLanguage(deps);
  const t = translator(lang);
  const refused = refusalView(user, deps);
  if (refused || !deps.schedules) {
    await update(refused ?? noticeModal(t('form.schedules'), t('schedule.notEnabled'), undefined, lang));
    count('refused');
    log.info({ audit: { who: user, what: 'schedule form', outcome: 'refused' } }, 'audit');
    return;
  }
  const read = readScheduleForm(view.state.values, lang);
  if (!read.ok) {
    await ack({ response_action: 'errors', errors: read.errors });
    count('rejected');
    return;
  }
  if (deps.access.channels && !deps.access.channels.has(read.channel)) {
    await ack({ response_action: 'errors', errors: { [FIELD.channel]: fieldErrorsIn(lang).notAllowedHere() } });
    count('rejected');
    return;
  }
  const { app } = unpackMetadata(view.private_metadata);
  let reply: ScheduleReply;
  try {
    // A write: if the store does not answer in time, the schedule may still land.
    reply = await beforeAck(deps.schedules.handle(['add', ...read.words], { userId: user, channelId: read.channel, app }), true);
  } catch (e) {
    log.error({ err: errorText(e) }, 'schedule form failed');
    await update(noticeModal(t('form.failedTitle'), userMessage(e, requestId, lang), undefined, lang));
    count('failed');
    return;
  }
  const errors = answerErrors(reply.answer, lang);
  if (errors) await ack({ response_action: 'errors', errors });
  else if (reply.answer.kind === 'added') await update(scheduleAddedView(scheduleAnswerText(reply.answer, lang), lang));
  else await update(adminOnlyView(scheduleAnswerText(reply.answer, lang), lang));
  count(reply.outcome);
  log.info(
    {
      audit: {
        who: user,
        where: read.channel,
        what: `schedule form ${read.words.join(' ')}`,
        outcome: reply.outcome,
        scheduleChange: reply.changed,
      },
    },
    'audit',
  );
}

/** The schedule form's submission listener. */
export function registerScheduleForm(app: App, deps: CommandDeps): void {
  app.view<ViewSubmitAction>({ callback_id: SCHEDULE_FORM_ID, type: 'view_submission' }, (args) => submitted(args, deps));
}
