import { startSimulator } from '../src/sandbox/server';
import { startSlackDouble } from '../test/doubles/slack-api';

// The WeChat simulator and the Slack double in a process of their own, so the benchmark's event
// loop only sends commands and times acks: serving the bot's WeChat calls and chart uploads there
// would delay the reading of the bot's acks (and not bare Bolt's, which makes no calls).

/** What the benchmark tells this process. */
export type ToDoubles = { type: 'slowWeChat'; ms: number } | { type: 'countPosts'; on: boolean } | { type: 'close' };

/** What this process tells the benchmark. */
export type FromDoubles =
  | { type: 'ready'; simUrl: string; appid: string; secret: string; apiUrl: string; slackUrl: string }
  | { type: 'posted'; channel: string }
  | { type: 'uploaded'; channel: string };

async function main(): Promise<void> {
  const send = (m: FromDoubles) => process.send?.(m);
  const sim = await startSimulator();
  const slack = await startSlackDouble({ keepUploadBytes: false, memberEverywhere: true });
  // Each report goes to a channel of its own: what reached a channel is what that report delivered.
  // Posts are told only while the benchmark counts them (shared mode): one message less per report otherwise.
  let countPosts = false;
  slack.onCall((c) => {
    if (c.method === 'chat.postMessage' && countPosts) send({ type: 'posted', channel: String(c.args.channel) });
    else if (c.method === 'files.completeUploadExternal') send({ type: 'uploaded', channel: String(c.args.channel_id) });
  });
  process.on('message', (m: ToDoubles) => {
    if (m.type === 'countPosts') {
      countPosts = m.on;
    } else if (m.type === 'slowWeChat') {
      sim.clearFaults();
      if (m.ms > 0) sim.inject('datacube', { type: 'delay', ms: m.ms }, Number.MAX_SAFE_INTEGER);
    } else {
      void Promise.all([slack.close(), sim.close()]).then(() => process.exit(0));
    }
  });
  send({ type: 'ready', simUrl: sim.url, appid: sim.appid, secret: sim.secret, apiUrl: slack.apiUrl, slackUrl: slack.url });
}

void main();
