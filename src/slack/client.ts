import { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import type { Logger } from '../log';
import { boltLogger } from './logger';

/** Bounded retries on Slack 429/5xx: never the client's 30-minute default on an interactive path. */
export const SLACK_RETRY = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true };

export function slackClientOptions(c: Config) {
  return { slackApiUrl: c.SLACK_API_URL ? c.SLACK_API_URL.replace(/\/?$/, '/') : undefined, retryConfig: SLACK_RETRY, timeout: 15_000 };
}

/** A Web API client for work that no command is waiting on (scheduled posts). */
export function createWebClient(c: Config, logger: Logger): WebClient {
  return new WebClient(c.SLACK_BOT_TOKEN, { ...slackClientOptions(c), logger: boltLogger(logger) });
}
