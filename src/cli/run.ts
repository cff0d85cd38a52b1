import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { interpretCommand } from '../commands/interpret';
import { ConfigError, loadConfig } from '../config';
import { createWeChatContext, registerConfigSecrets, type WeChatContext } from '../context';
import { createLogger, redact } from '../log';
import { produceReport } from '../pipeline';
import { WeChatError } from '../wechat/errors';

export interface Written {
  blocks: string;
  chart: string;
}

/** Same words as the slash command, same path (parse -> fetch -> model -> render); output to files. */
export async function runToFiles(ctx: WeChatContext, words: string[], outDir: string): Promise<Written | { error: string }> {
  const [command = '', ...rest] = words;
  const what = interpretCommand(command, rest.join(' '), new Date());
  if (what.type === 'reply') return { error: what.text };
  if (what.type === 'schedule' || what.type === 'app') return { error: 'Schedules and app defaults are managed from Slack (/wxa ...), not from the CLI.' };
  const r = await produceReport(what.request, ctx);
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, r.chartFilename.replace(/\.png$/, ''));
  writeFileSync(`${base}.blocks.json`, JSON.stringify({ text: r.message.text, blocks: r.message.blocks }, null, 2));
  writeFileSync(`${base}.png`, r.chart);
  return { blocks: `${base}.blocks.json`, chart: `${base}.png` };
}

/** Shared start-up of the CLI and the demo: configuration, logging, the WeChat side. */
export async function withCliContext(fn: (ctx: WeChatContext) => Promise<number>): Promise<never> {
  let code = 1;
  try {
    const config = loadConfig(process.env, 'cli');
    registerConfigSecrets(config);
    const ctx = await createWeChatContext(config, createLogger({ level: process.env.LOG_LEVEL ?? 'error', destination: process.stderr }));
    try {
      code = await fn(ctx);
    } finally {
      await ctx.close();
    }
  } catch (e) {
    const known = e instanceof ConfigError || e instanceof WeChatError;
    process.stderr.write(`${known ? (e as Error).message : `Unexpected error: ${redact(String(e instanceof Error ? e.stack : e))}`}\n`);
  }
  process.exit(code);
}
