#!/usr/bin/env node
import { runToFiles, withCli } from './run';

// report retain weekly 2017-03-06  ->  out/retain-weekly-20170306.{blocks.json,png}
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const outDir = outIdx >= 0 ? (args.splice(outIdx, 2)[1] ?? 'out') : 'out';

void withCli(async (cli) => {
  if (args.length === 0) {
    process.stderr.write(
      'Usage: report retain|visits [daily|weekly|monthly] [date] [--out dir]\nExample: report retain weekly 2017-03-06\n',
    );
    return 2;
  }
  const r = await runToFiles(cli, args, outDir);
  if ('error' in r) {
    process.stderr.write(`${r.error.replace(/\*/g, '')}\n`);
    return 2;
  }
  process.stdout.write(`${cli.program.sandbox ? 'Sandbox data. ' : ''}Wrote:\n  ${r.blocks}\n  ${r.chart}\n`);
  return 0;
});
