import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, BlockAction, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { MiniProgram } from '../../apps/program';
import { latestComplete } from '../../calendar/period';
import type { ReportRequest } from '../../reports/model';
import { errorText } from '../../util/error-text';
import { accessRefusal } from '../access';
import { userMessage } from '../errors';
import { handOverFailure } from './report';
import {
  deniedHomeView,
  HEADLINE_KEYS,
  HOME_ACTION,
  type HomeAlert,
  type HomeSchedule,
  homeView,
  POST_FIELD,
  POST_REPORT_ID,
  postReportView,
  type ProgramCard,
  readPostReport,
} from '../views/home';
import { type Language, translator } from '../../i18n';
import { beforeAck, type CommandDeps, viewLanguage } from './kit';
import { openScheduleForm } from './schedule-form';

/** How long a user's figures and channels are kept: reopening the tab costs no WeChat or Slack call. */
const HOME_TTL_MS = 5 * 60_000;
/** A view with WeChat's notice is kept only briefly, so the figures come back soon after WeChat does. */
const HOME_FAILED_TTL_MS = 30_000;
/** users.conversations pages of 200: enough for nearly everyone, and bounded for the rest. */
const CHANNEL_PAGES = 5;
const CHANNEL_PAGE_SIZE = 200;
const MAX_PROGRAMS = 30;

/** What the tab shows that is slow to get: the user's channels (Slack) and last week's figures (WeChat). */
interface UserHome {
  channels: string[] | undefined;
  programs: ProgramCard[];
}

/** The channels the user is in, or undefined when Slack would not say. */
async function channelsOf(client: WebClient, user: string): Promise<string[] | undefined> {
  const out: string[] = [];
  let cursor: string | undefined;
  try {
    for (let page = 0; page < CHANNEL_PAGES; page++) {
      const r = await client.users.conversations({
        user,
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: CHANNEL_PAGE_SIZE,
        cursor,
      });
      for (const c of r.channels ?? []) if (c.id) out.push(c.id);
      cursor = r.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Mini programs without a channel list are everyone's; the others, of those in one of the user's channels. */
function visiblePrograms(deps: CommandDeps, channels: string[] | undefined): MiniProgram[] {
  const mine = new Set(channels ?? []);
  return deps.programs.all.filter((p) => !p.channels || [...p.channels].some((c) => mine.has(c)));
}

/** Last complete week's visitors, new users and sessions, through the same ReportService as /visits weekly. */
async function programCard(p: MiniProgram, deps: CommandDeps): Promise<ProgramCard> {
  const request: ReportRequest = { kind: 'visits', period: latestComplete('weekly', deps.now()), notes: [] };
  const card = { name: p.name, displayName: p.displayName, sandbox: p.sandbox, period: request.period };
  try {
    const made = await deps.jobs.run({ type: 'model', id: `model:${randomUUID()}`, program: p.name, request });
    const report = made.type === 'model' ? made.report : undefined;
    if (!report) throw new Error(made.type === 'model' ? (made.error ?? 'no report') : `unexpected ${made.type} result`);
    if (report.kind !== 'visits' && report.kind !== 'retain') return { ...card, figures: null };
    const figures = HEADLINE_KEYS.map((k) => report.visits.find((f) => f.key === k)).filter((f) => f !== undefined);
    return { ...card, period: report.period, figures };
  } catch (e) {
    deps.logger.warn({ app: p.name, err: errorText(e) }, 'home figures failed');
    return { ...card, figures: null };
  }
}

/** The schedules of the user's channels, through the schedule service's list (each channel's own view). */
async function schedulesIn(channels: string[], user: string, deps: CommandDeps): Promise<HomeSchedule[]> {
  const service = deps.schedules;
  if (!service) return [];
  const several = deps.programs.all.length > 1;
  const out: HomeSchedule[] = [];
  // A few channels at a time: each is one store read.
  for (let i = 0; i < channels.length; i += 20) {
    const answers = await Promise.all(channels.slice(i, i + 20).map((channelId) => service.handle(['list'], { userId: user, channelId })));
    for (const { answer } of answers) {
      if (answer.kind !== 'list') continue;
      for (const item of answer.items) {
        const appName = several && item.schedule.app ? (deps.programs.get(item.schedule.app)?.displayName ?? item.schedule.app) : undefined;
        out.push({ ...item, appName });
      }
    }
  }
  return out.sort((a, b) => a.next.getTime() - b.next.getTime());
}

/** The alerts of the user's channels, through the alert service's list (each channel's own view). */
async function alertsIn(channels: string[], user: string, deps: CommandDeps): Promise<HomeAlert[] | undefined> {
  const service = deps.alerts?.service;
  if (!service) return undefined;
  const out: HomeAlert[] = [];
  for (let i = 0; i < channels.length; i += 20) {
    const answers = await Promise.all(channels.slice(i, i + 20).map((channelId) => service.handle(['list'], { userId: user, channelId })));
    for (const { answer } of answers) if (answer.kind === 'list') out.push(...answer.items);
  }
  return out;
}

/** Each user's figures and channels, kept HOME_TTL_MS; concurrent opens share one computation. */
class HomeCache {
  private readonly cache = new LRUCache<string, Promise<UserHome>>({ max: 2_000, ttl: HOME_TTL_MS });
  private readonly shown = new LRUCache<string, MiniProgram[]>({ max: 2_000, ttl: HOME_TTL_MS });

  constructor(private readonly deps: CommandDeps) {}

  /** The mini programs last shown to the user, if still kept; never computes. */
  peek(user: string): MiniProgram[] | undefined {
    return this.shown.get(user);
  }

  get(client: WebClient, user: string): Promise<UserHome> {
    const kept = this.cache.get(user);
    if (kept) return kept;
    const work = this.compute(client, user);
    this.cache.set(user, work);
    work.then(
      (home) => {
        const partial = home.channels === undefined || home.programs.some((p) => p.figures === null);
        if (partial && this.cache.get(user) === work) this.cache.set(user, work, { ttl: HOME_FAILED_TTL_MS });
      },
      () => {
        if (this.cache.get(user) === work) this.cache.delete(user);
      },
    );
    return work;
  }

  private async compute(client: WebClient, user: string): Promise<UserHome> {
    const channels = await channelsOf(client, user);
    const programs = visiblePrograms(this.deps, channels).slice(0, MAX_PROGRAMS);
    this.shown.set(user, programs);
    return { channels, programs: await Promise.all(programs.map((p) => programCard(p, this.deps))) };
  }
}

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Posts last week's report in the chosen channel, as the command would; failures reach the user ephemerally. */
async function postReport({ ack, body, view, client }: SubmitArgs, deps: CommandDeps): Promise<void> {
  const user = body.user.id;
  const requestId = randomUUID();
  const log = deps.logger.child({ view: POST_REPORT_ID, user, requestId });
  const t = translator(viewLanguage(deps));
  const read = readPostReport(view.state.values, viewLanguage(deps));
  if (!read.ok) return ack({ response_action: 'errors', errors: read.errors });
  if (accessRefusal(deps.access, user, read.channel)) {
    return ack({ response_action: 'errors', errors: { [POST_FIELD.channel]: t('home.notAllowed') } });
  }
  const found = await beforeAck(deps.programs.resolve(read.app, read.channel));
  if (!found.ok) {
    const field = read.app ? POST_FIELD.app : POST_FIELD.channel;
    return ack({ response_action: 'errors', errors: { [field]: t('home.noProgram') } });
  }
  await ack();
  const period = latestComplete('weekly', deps.now());
  log.info(
    { audit: { who: user, where: read.channel, what: `home post ${read.kind}`, outcome: 'accepted', app: found.program.name } },
    'audit',
  );
  const work = (async () => {
    try {
      // In the channel's language, as the command would post it (read after the ack: no 3 s limit here).
      const language = await deps.settings?.language(read.channel).catch(() => undefined);
      const request: ReportRequest = { kind: read.kind, period, notes: [], ...(language ? { language } : {}) };
      // Posted by a worker, which tells the user ephemerally in the channel if it fails.
      await deps.jobs.submit({
        type: 'report',
        id: requestId,
        requestId,
        program: found.program.name,
        request,
        channel: read.channel,
        user,
        origin: 'home',
        what: `home post ${read.kind}`,
        receivedAt: Date.now(),
      });
    } catch (e) {
      log.warn({ err: errorText(e) }, 'home report could not be handed to a worker');
      // Said in the channel: in its language (English if the store cannot say).
      const lang = deps.settings ? await deps.settings.language(read.channel).catch((): Language => 'en') : viewLanguage(deps);
      const told = handOverFailure(e);
      await client.chat.postEphemeral({ channel: read.channel, user, text: userMessage(told, requestId, lang) }).catch(() => undefined);
    }
  })();
  await deps.inFlight.track(work);
}

/** The App Home tab, its two buttons and the "Post a report" modal. */
export function registerHome(app: App, deps: CommandDeps): void {
  const homes = new HomeCache(deps);

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const user = event.user;
    const work = (async () => {
      // No channel here: only the user list applies to the tab.
      if (accessRefusal({ users: deps.access.users }, user, '')) {
        await client.views.publish({ user_id: user, view: deniedHomeView(viewLanguage(deps)) });
        return;
      }
      const home = await homes.get(client, user);
      // Read each time (the store, no WeChat call), so a schedule just added shows at once.
      const schedules = home.channels
        ? await schedulesIn(home.channels, user, deps).catch((e: unknown) => {
            deps.logger.warn({ user, err: errorText(e) }, 'home schedules not read');
            return null;
          })
        : null;
      const alerts = home.channels
        ? await alertsIn(home.channels, user, deps).catch((e: unknown) => {
            deps.logger.warn({ user, err: errorText(e) }, 'home alerts not read');
            return null;
          })
        : deps.alerts
          ? null
          : undefined;
      await client.views.publish({ user_id: user, view: homeView({ programs: home.programs, schedules, alerts }, viewLanguage(deps)) });
    })();
    await deps.inFlight.track(work).catch((e: unknown) => deps.logger.warn({ user, err: errorText(e) }, 'home tab not published'));
  });

  app.action<BlockAction>(HOME_ACTION.createSchedule, async ({ ack, body, client }) => {
    await ack();
    await openScheduleForm(client, body.trigger_id, body.user.id, undefined, deps);
  });

  app.action<BlockAction>(HOME_ACTION.postReport, async ({ ack, body, client }) => {
    await ack();
    // No WeChat call here: the trigger_id lasts 3 s. The channel picked decides which programs apply.
    const programs = homes.peek(body.user.id) ?? deps.programs.all;
    await client.views.open({ trigger_id: body.trigger_id, view: postReportView({ programs }, viewLanguage(deps)) });
  });

  app.view<ViewSubmitAction>({ callback_id: POST_REPORT_ID, type: 'view_submission' }, (args) => postReport(args, deps));
}
