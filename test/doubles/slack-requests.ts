import { createHmac } from 'node:crypto';
import net from 'node:net';

/** Slack's signature: v0= + hex HMAC-SHA256(signing secret, `v0:${timestamp}:${raw body}`). */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface CommandFields {
  command: string;
  text: string;
  channel_id?: string;
  user_id?: string;
  response_url: string;
  /** For opening a modal; '1.2.3' when not given. */
  trigger_id?: string;
}

export function commandBody(f: CommandFields): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0DOUBLE',
    team_domain: 'double',
    channel_id: f.channel_id ?? 'C0REPORTS',
    channel_name: 'reports',
    user_id: f.user_id ?? 'U0GROWTH',
    user_name: 'growth',
    command: f.command,
    text: f.text,
    response_url: f.response_url,
    trigger_id: f.trigger_id ?? '1.2.3',
    api_app_id: 'A0WXA',
  }).toString();
}

export interface SlackResponse {
  status: number;
  body: string;
  json: Record<string, unknown> | undefined;
  ms: number;
}

/** POSTs a slash command to /slack/events, signed the way Slack signs it. */
export async function sendCommand(
  baseUrl: string,
  secret: string,
  f: CommandFields,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<SlackResponse> {
  return sendSigned(baseUrl, secret, commandBody(f), 'application/x-www-form-urlencoded', timestamp);
}

/** POSTs any body to /slack/events with Slack's signature headers. */
export async function sendSigned(
  baseUrl: string,
  secret: string,
  body: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json',
  timestamp = Math.floor(Date.now() / 1000),
): Promise<SlackResponse> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, body: text, json, ms: performance.now() - started };
}

/** An interactive payload (block_actions, view_submission...) as Slack sends it: one `payload` form field of JSON. */
export function sendInteraction(baseUrl: string, secret: string, payload: Record<string, unknown>): Promise<SlackResponse> {
  return sendSigned(
    baseUrl,
    secret,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    'application/x-www-form-urlencoded',
  );
}

/** An Events API callback (JSON) wrapping `event`, as Slack sends it. */
export function sendEvent(baseUrl: string, secret: string, event: Record<string, unknown>): Promise<SlackResponse> {
  return sendSigned(baseUrl, secret, JSON.stringify(eventCallback(event)), 'application/json');
}

let eventSeq = 0;

export function eventCallback(event: Record<string, unknown>): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    token: 'legacy-verification-token',
    team_id: 'T0DOUBLE',
    api_app_id: 'A0WXA',
    event: { event_ts: `${now}.000100`, ...event },
    type: 'event_callback',
    event_id: `Ev${String(++eventSeq).padStart(8, '0')}`,
    event_time: now,
    authorizations: [{ enterprise_id: null, team_id: 'T0DOUBLE', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

/** app_home_opened for `user`, on the Home tab unless told otherwise. */
export function appHomeOpened(user: string, tab: 'home' | 'messages' = 'home'): Record<string, unknown> {
  return { type: 'app_home_opened', user, channel: 'D0HOME', tab };
}

const userOf = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: 'T0DOUBLE' });

/** What a view's inputs hold: block id → the value (a select's option value, a text, or a conversation id). */
export type SubmittedValues = Record<string, { type: 'static_select' | 'plain_text_input' | 'conversations_select'; value: string | null }>;

/** A view_submission payload: each value put where Slack puts it for that element type (action id `value`). */
export function viewSubmission(o: {
  user: string;
  callbackId: string;
  values: SubmittedValues;
  privateMetadata?: string;
}): Record<string, unknown> {
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [block, { type, value }] of Object.entries(o.values)) {
    const state =
      type === 'static_select'
        ? { type, selected_option: value === null ? null : { text: { type: 'plain_text', text: value }, value } }
        : type === 'conversations_select'
          ? { type, selected_conversation: value }
          : { type, value };
    values[block] = { value: state };
  }
  return {
    type: 'view_submission',
    team: { id: 'T0DOUBLE', domain: 'double' },
    user: userOf(o.user),
    api_app_id: 'A0WXA',
    token: 'legacy-verification-token',
    trigger_id: '4.5.6',
    view: {
      id: 'V0FORM',
      team_id: 'T0DOUBLE',
      type: 'modal',
      callback_id: o.callbackId,
      private_metadata: o.privateMetadata ?? '',
      state: { values },
      hash: '1.abc',
      title: { type: 'plain_text', text: 'Form' },
      blocks: [],
      app_id: 'A0WXA',
      bot_id: 'BBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}

/** A block_actions payload for a button pressed in the Home tab. */
export function homeButton(o: { user: string; actionId: string; triggerId?: string }): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T0DOUBLE', domain: 'double' },
    user: userOf(o.user),
    api_app_id: 'A0WXA',
    token: 'legacy-verification-token',
    trigger_id: o.triggerId ?? '7.8.9',
    container: { type: 'view', view_id: 'V0HOME' },
    view: { id: 'V0HOME', type: 'home', team_id: 'T0DOUBLE', callback_id: '', private_metadata: '', state: { values: {} }, blocks: [] },
    actions: [
      { type: 'button', action_id: o.actionId, block_id: 'home_actions', text: { type: 'plain_text', text: 'x' }, action_ts: '1.2' },
    ],
    is_enterprise_install: false,
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
