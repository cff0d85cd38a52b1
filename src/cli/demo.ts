import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { measureAlert } from '../alerts/evaluator';
import { periodContaining } from '../calendar/period';
import { alertMessage } from '../slack/alerted';
import { runToFiles, withCli } from './run';

/** The sandbox's visitors halve on this day (unless SANDBOX_DIP says otherwise), so the demo alert fires. */
const ALERT_DAY = '20170320';
process.env.SANDBOX_DIP ??= `${ALERT_DAY}:0.5`;

// The README's first line: the slash-command path, end to end, on sandbox data (or real WeChat
// when WECHAT_APPID/WECHAT_SECRET are set), written to out/. SANDBOX_SECURITY=1 runs the sandbox in
// API security mode.
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
  const keys = cli.program.sandboxSecurity;
  if (keys) {
    process.stdout.write(
      'API security mode (SANDBOX_SECURITY=1): the sandbox refuses plain calls; every call below is encrypted and signed, every answer verified.\n' +
        `  keys and certificate: ${path.relative(process.cwd(), keys.dir) || '.'}\n` +
        `  the four settings a real mini program takes, filled in for the sandbox: ${path.relative(process.cwd(), keys.envFile)}\n`,
    );
  } else if (cli.program.client.securityMode) {
    process.stdout.write('API security mode: every call below is encrypted and signed, every answer verified.\n');
  }
  for (const text of DEMO) {
    const r = await runToFiles(cli, text.split(' '), outDir);
    if ('error' in r) throw new Error(r.error);
    process.stdout.write(`  /${text}\n    ${path.relative(process.cwd(), r.blocks)}\n    ${path.relative(process.cwd(), r.chart)}\n`);
  }
  // An alert as it would fire: `/wxa alert add visitors daily drops 30%`, checked for the dipped day.
  const alert = { id: 'a0demo0', metric: 'visitors', granularity: 'daily', condition: { kind: 'drops', percent: 30 } } as const;
  const report = await measureAlert(cli.program, alert, periodContaining('daily', ALERT_DAY), { language: cli.language });
  const base = path.join(outDir, `alert-visitors-${ALERT_DAY}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${base}.blocks.json`, JSON.stringify(alertMessage(report), null, 2));
  writeFileSync(`${base}.png`, await cli.reports.chart(report));
  process.stdout.write(
    `  /wxa alert add visitors daily drops 30% (checked for ${ALERT_DAY}: ${report.verdict.state})\n    ${path.relative(process.cwd(), `${base}.blocks.json`)}\n    ${path.relative(process.cwd(), `${base}.png`)}\n`,
  );
  process.stdout.write(
    `Block Kit JSON and PNG charts are in ${outDir}. Paste a .blocks.json into Slack's Block Kit Builder to preview it.\n`,
  );
  return 0;
});
