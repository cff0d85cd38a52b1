import type { WebClient } from '@slack/web-api';
import { slackErrorCode } from './errors';

/**
 * Whether Slack still accepts the bot token, for /readyz: one auth.test at most every `everyMs`
 * however often readiness is asked (anyone may call it), the last answer kept in between.
 */
export function slackTokenCheck(client: WebClient, everyMs = 60_000, now: () => number = Date.now): () => Promise<string> {
  let last: { at: number; result: string } | undefined;
  let inflight: Promise<string> | undefined;
  const ask = () =>
    client.auth.test().then(
      () => 'ok',
      (e: unknown) => {
        const code = slackErrorCode(e);
        return code
          ? `Slack refused SLACK_BOT_TOKEN (auth.test: ${code}); reinstall the app or update the token`
          : 'Slack could not be reached to check SLACK_BOT_TOKEN';
      },
    );
  return async () => {
    if (last && now() - last.at < everyMs) return last.result;
    inflight ??= ask()
      .then((result) => {
        last = { at: now(), result };
        return result;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
}
