import path from 'node:path';
import { runToFiles, withCli } from './run';

// The README's first line: the slash-command path, end to end, on sandbox data (or real WeChat
// when WECHAT_APPID/WECHAT_SECRET are set), written to out/.
const DEMO = [
  'retain weekly 2017-03-06',
  'visits weekly 2017-03-06',
  'retain daily 2017-03-13',
  'visits daily 2017-03-13',
  'retain monthly 2017-02',
  'retain cohorts weekly 2017-03-06',
  'retain cohorts daily 2017-03-13',
  'digest weekly 2017-03-06',
  'digest daily 2017-03-13',
  'sources 2017-03-13',
  'pages 2017-03-13',
  'users 7d 2017-03-12',
  'users 30d 2017-03-12',
  // WeChat keeps performance data for a limited time: the latest 30 days.
  'perf 30d',
];

void withCli(async (cli) => {
  const outDir = path.resolve('out');
  process.stdout.write(
    `Demo on ${cli.program.sandbox ? 'sandbox data (no WECHAT_APPID set)' : `WeChat data for ${cli.program.displayName}`}:\n`,
  );
  for (const text of DEMO) {
    const r = await runToFiles(cli, text.split(' '), outDir);
    if ('error' in r) throw new Error(r.error);
    process.stdout.write(`  /${text}\n    ${path.relative(process.cwd(), r.blocks)}\n    ${path.relative(process.cwd(), r.chart)}\n`);
  }
  process.stdout.write(
    `Block Kit JSON and PNG charts are in ${outDir}. Paste a .blocks.json into Slack's Block Kit Builder to preview it.\n`,
  );
  return 0;
});
