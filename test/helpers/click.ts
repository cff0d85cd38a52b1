import { slackSignature } from '../doubles/slack-requests';
import { type Harness, SECRETS } from './harness';

/** An element under a posted report: a button or the menu. */
export type Element = { type: string; action_id: string; value?: string; options?: { value: string; text: { text: string } }[] };
export type ClickedMessage = { ts: string; thread_ts?: string; channel: string };
export type ClickOptions = { user?: string; value?: string; responseId?: string };

/** Clicks an element of a posted message as Slack sends a click (a signed block_actions payload); resolves to the HTTP status. */
export async function clickElement(
  h: Pick<Harness, 'slack' | 'baseUrl'>,
  message: ClickedMessage,
  el: Element,
  o: ClickOptions = {},
): Promise<number> {
  const value = o.value ?? el.value ?? el.options?.[0].value ?? '';
  const action =
    el.type === 'static_select'
      ? {
          type: 'static_select',
          action_id: el.action_id,
          block_id: 'wxa_nav',
          selected_option: { value, text: { type: 'plain_text', text: 'x' } },
        }
      : { type: 'button', action_id: el.action_id, block_id: 'wxa_nav', value, text: { type: 'plain_text', text: 'x' } };
  const payload = {
    type: 'block_actions',
    team: { id: 'T0DOUBLE', domain: 'double' },
    user: { id: o.user ?? 'U0GROWTH', username: 'growth', team_id: 'T0DOUBLE' },
    api_app_id: 'A0WXA',
    token: 'legacy',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: '1.2.3',
    channel: { id: message.channel, name: 'reports' },
    message: { type: 'message', ts: message.ts, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}), text: 'report' },
    response_url: h.slack.responseUrl(o.responseId),
    actions: [{ ...action, action_ts: String(Date.now() / 1000) }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`${h.baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(SECRETS.signingSecret, ts, body),
    },
    body,
  });
  await res.text();
  return res.status;
}
