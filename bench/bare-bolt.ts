import { App } from '@slack/bolt';

// The baseline: a Bolt app on the same receiver that only acks. Started by the benchmark.
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.command(/.*/, async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});
void app.start({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.stdout.write('bare bolt ready\n'));
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
