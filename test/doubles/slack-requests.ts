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
    trigger_id: '1.2.3',
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
  const body = commandBody(f);
  const started = performance.now();
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
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
