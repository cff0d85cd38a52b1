import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import axios from 'axios';
import type { SlackBlock } from './messages/kit';
import type { ProducedReport } from '../reports/service';
import type { DeliveredParts } from '../store/types';
import { chartAltText, chartTitle, renderMessage } from './blocks';
import { MAX_BLOCKS } from './limits';
import { reportActions } from './report-actions';
import { DeliveryError, slackErrorCode, slackProblem } from './errors';
import { type Language, LANGUAGES, translator } from '../i18n';

const NOT_MEMBER = new Set(['not_in_channel', 'channel_not_found']);

/** A delivery failure's words in every language (the reader's is picked when it is shown). */
function inEvery(words: (lang: Language) => string): Partial<Record<Language, string>> {
  return Object.fromEntries(LANGUAGES.map((l) => [l, words(l)]));
}

function notMember(): DeliveryError {
  return new DeliveryError(
    'not_in_channel',
    translator('en')('error.invite'),
    undefined,
    inEvery((l) => translator(l)('error.invite')),
  );
}

/** Joins a public channel; for private channels and DMs only an /invite helps. */
async function join(client: WebClient, channel: string): Promise<void> {
  try {
    await client.conversations.join({ channel });
  } catch {
    throw notMember();
  }
}

/** Runs a call that needs channel membership, joining once on not_in_channel. */
export async function asMember<T>(client: WebClient, channel: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const code = slackErrorCode(e);
    if (!code || !NOT_MEMBER.has(code)) throw e;
    await join(client, channel);
    try {
      return await call();
    } catch (again) {
      if (NOT_MEMBER.has(slackErrorCode(again) ?? '')) throw notMember();
      throw again;
    }
  }
}

export interface Delivered {
  ts: string;
  fileIds: string[];
}

/** Counts a failed Slack call by method and error code, then rethrows it. */
export type SlackErrorHook = (method: string, error: string) => void;

function counted<T>(method: string, call: () => Promise<T>, onError?: SlackErrorHook): () => Promise<T> {
  return () =>
    call().catch((e: unknown) => {
      onError?.(method, slackErrorCode(e) ?? (e instanceof Error && /upload/i.test(e.message) ? 'upload_failed' : 'request_failed'));
      throw e;
    });
}

export interface DeliverOptions {
  /** Parts already in the channel (a resumed scheduled run): not posted again. */
  done?: DeliveredParts;
  /** Awaited after each part reaches Slack, before the next: where a resumable caller records it. */
  onPart?: (delivered: DeliveredParts) => Promise<void>;
  /** IANA zone of the "Generated at" line (REPORT_TIMEZONE). */
  timezone?: string;
  /** Post summary and chart in this thread (a button clicked under a report). */
  threadTs?: string;
  /** Buttons under the report (◀ Previous, Next ▶, other granularities and reports); off for the CLI. */
  buttons?: boolean;
}

/** What one post is made of: the message (built only when it is still to be posted) and the chart file. */
export interface Post {
  message: () => { text: string; blocks: SlackBlock[] };
  /** Absent: a message without a chart (an alert whose chart could not be drawn). */
  file?: { chart: Buffer; filename: string; title: string; alt: string };
}

/**
 * Posts the summary into the channel, then uploads the chart there (files.uploadV2). Each part is
 * skipped if `done` says it is already there, and reported to `onPart` before the next one starts.
 */
export async function deliverReport(
  client: WebClient,
  channel: string,
  r: ProducedReport,
  onError?: SlackErrorHook,
  o: DeliverOptions = {},
): Promise<Delivered> {
  const post: Post = {
    message: () => {
      const message = renderMessage(r.report, { generatedAt: new Date(), timezone: o.timezone ?? 'Asia/Shanghai' });
      const actions = o.buttons === false ? undefined : reportActions(r.report, r.program, new Date());
      return { text: message.text, blocks: actions ? [...message.blocks.slice(0, MAX_BLOCKS - 1), actions] : message.blocks };
    },
    file: { chart: r.chart, filename: r.chartFilename, title: chartTitle(r.report), alt: chartAltText(r.report) },
  };
  return deliverPost(client, channel, post, onError, o);
}

/** The metadata event type our posts carry: a delivery's tag, to find a message posted but not recorded. */
const TAG_EVENT = 'wxa_delivery';
/** How far before the recorded moment the search starts (clocks of Slack and of our workers differ). */
const TAG_SEARCH_SLACK_MS = 120_000;

/**
 * The ts of the message carrying `posting.tag`, posted since `posting.at` (in the thread, if any);
 * undefined when there is none, or when Slack cannot say (then the message is posted, as before).
 */
async function findTagged(
  client: WebClient,
  channel: string,
  posting: NonNullable<DeliveredParts['posting']>,
  threadTs: string | undefined,
  onError?: SlackErrorHook,
): Promise<string | undefined> {
  const ours = (m: Recent) =>
    m.metadata?.event_type === TAG_EVENT && (m.metadata.event_payload as { tag?: unknown } | undefined)?.tag === posting.tag;
  return (await recentMessages(client, channel, posting.at, threadTs, onError)).find(ours)?.ts;
}

type Recent = { ts?: string; metadata?: { event_type?: string; event_payload?: unknown }; files?: { id?: string }[] };

/** The channel's (or thread's) messages since a moment (less a margin for clocks); none when Slack cannot say. */
async function recentMessages(
  client: WebClient,
  channel: string,
  since: number,
  threadTs: string | undefined,
  onError?: SlackErrorHook,
): Promise<Recent[]> {
  const oldest = String(Math.max(0, since - TAG_SEARCH_SLACK_MS) / 1000);
  try {
    const page = threadTs
      ? await client.conversations.replies({ channel, ts: threadTs, oldest, include_all_metadata: true, limit: 200 })
      : await client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200 });
    return (page.messages ?? []) as Recent[];
  } catch (e) {
    onError?.(threadTs ? 'conversations.replies' : 'conversations.history', slackErrorCode(e) ?? 'request_failed');
    return [];
  }
}

/** The message, then its chart, each once (see deliverReport): reports and alerts alike. */
export async function deliverPost(
  client: WebClient,
  channel: string,
  post: Post,
  onError?: SlackErrorHook,
  o: Pick<DeliverOptions, 'done' | 'onPart' | 'threadTs'> = {},
): Promise<Delivered> {
  let ts = o.done?.ts;
  const earlier = o.done?.posting;
  if (ts === undefined && earlier) {
    // An earlier attempt was posting when it stopped: its message may be in Slack without a record.
    ts = await findTagged(client, channel, earlier, o.threadTs, onError);
    if (ts !== undefined) await o.onPart?.({ ts });
  }
  if (ts === undefined) {
    const { text, blocks } = post.message();
    const thread = o.threadTs ? { thread_ts: o.threadTs } : {};
    const posting = { at: Date.now(), tag: randomUUID() };
    // Recorded first (by resumable callers): a takeover then knows to look for this message.
    if (o.onPart) await o.onPart({ posting });
    const metadata = { event_type: TAG_EVENT, event_payload: { tag: posting.tag } };
    const posted = await asMember(
      client,
      channel,
      counted(
        'chat.postMessage',
        () => client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false, metadata, ...thread }),
        onError,
      ),
    );
    ts = posted.ts ?? '';
    await o.onPart?.({ ts });
  }
  if (o.done?.fileIds?.length) return { ts, fileIds: o.done.fileIds };
  const attached = post.file;
  if (!attached) return { ts, fileIds: [] };
  const started = o.done?.uploading;
  if (started) {
    // An earlier attempt was sharing this file when it stopped: it may be in the channel without a record.
    const shared = await findShared(client, channel, started, o.threadTs, onError);
    if (shared) {
      await o.onPart?.({ ts, fileIds: [shared] });
      return { ts, fileIds: [shared] };
    }
  }
  const fileIds = await asMember(
    client,
    channel,
    counted(
      'files.uploadV2',
      () =>
        uploadFile(client, channel, attached, o.threadTs, async (fileId) => {
          await o.onPart?.({ ts, uploading: { at: Date.now(), fileId } });
        }),
      onError,
    ),
  ).catch((e: unknown) => {
    if (e instanceof DeliveryError) throw e;
    const words = (lang: Language) => {
      const t = translator(lang);
      const slack = slackProblem(e, lang);
      return t('error.upload', {
        reason: slack?.reason ?? t('error.upload.failed'),
        action: slack?.auth ? slack.action : t('error.upload.again'),
      });
    };
    throw new DeliveryError('upload_failed', words('en'), e, inEvery(words));
  });
  await o.onPart?.({ ts, fileIds });
  return { ts, fileIds };
}

/** How long sending the chart's bytes to Slack's upload URL may take. */
const UPLOAD_TIMEOUT_MS = 30_000;

/**
 * Slack's three upload steps (what files.uploadV2 does), with the file id told to `onFileId` before
 * the file is shared: the upload URL and file id, the bytes, then the share into the channel (thread).
 */
async function uploadFile(
  client: WebClient,
  channel: string,
  file: NonNullable<Post['file']>,
  threadTs: string | undefined,
  onFileId: (fileId: string) => Promise<void>,
): Promise<string[]> {
  const target = await client.files.getUploadURLExternal({ filename: file.filename, length: file.chart.length, alt_text: file.alt });
  if (!target.upload_url || !target.file_id) throw new Error('Slack gave no upload URL for the chart (files.getUploadURLExternal)');
  await onFileId(target.file_id);
  const sent = await axios.post(target.upload_url, file.chart, {
    headers: { 'content-type': 'application/octet-stream' },
    timeout: UPLOAD_TIMEOUT_MS,
    maxBodyLength: Number.POSITIVE_INFINITY,
    maxRedirects: 0,
    validateStatus: () => true,
  });
  if (sent.status !== 200) throw new Error(`Failed to upload the chart to Slack's upload URL (HTTP ${sent.status})`);
  const shared = await client.files.completeUploadExternal({
    files: [{ id: target.file_id, title: file.title }],
    channel_id: channel,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  const ids = (shared.files ?? []).flatMap((f) => (f.id ? [f.id] : []));
  return ids.length ? ids : [target.file_id];
}

/** The file id when a message of the channel (or thread) since `uploading.at` carries that file; undefined otherwise. */
async function findShared(
  client: WebClient,
  channel: string,
  uploading: NonNullable<DeliveredParts['uploading']>,
  threadTs: string | undefined,
  onError?: SlackErrorHook,
): Promise<string | undefined> {
  const messages = await recentMessages(client, channel, uploading.at, threadTs, onError);
  const has = (m: { files?: { id?: string }[] }) => (m.files ?? []).some((f) => f.id === uploading.fileId);
  return messages.some(has) ? uploading.fileId : undefined;
}
