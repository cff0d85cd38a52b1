import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCliProgram } from '../apps/factory';
import type { MiniProgram } from '../apps/program';
import { ConfigError, loadConfig } from '../config';
import { registerConfigSecrets } from '../config/secrets';
import { createLogger, redact, type Logger } from '../log';
import { createChartRenderer } from '../render/pool';
import { ReportQueue } from '../reports/queue';
import { ReportService } from '../reports/service';
import { renderMessage } from '../slack/blocks';
import { interpretCommand } from '../slack/interpret';
import { WeChatError } from '../wechat/errors';
import type { Language } from '../i18n';

export interface Written {
  blocks: string;
  chart: string;
}

/** What the CLI and the demo work with: the mini program and the same ReportService the bot uses. */
export interface CliContext {
  program: MiniProgram;
  reports: ReportService;
  timezone: string;
  /** REPORT_LANGUAGE: the language of the words in the files. */
  language: Language;
}

/** The bot's ReportService with in-process stand-ins: charts drawn in this thread, one report at a time. */
export function cliReportService(logger: Logger): ReportService {
  return new ReportService({ charts: createChartRenderer(0, 0), queue: new ReportQueue(1, 10 * 60_000), logger });
}

/** Same words as the slash command, same path (parse -> fetch -> model -> render); output to files. */
export async function runToFiles(cli: CliContext, words: string[], outDir: string): Promise<Written | { error: string }> {
  const [command = '', ...rest] = words;
  const what = interpretCommand(command, rest.join(' '), new Date());
  if (what.type === 'reply') return { error: what.text };
  if (what.type !== 'report')
    return { error: 'Schedules, app defaults and channel languages are managed from Slack (/wxa ...), not from the CLI.' };
  return cli.reports.run(cli.program, { ...what.request, language: cli.language }, async (r) => {
    const message = renderMessage(r.report, { generatedAt: new Date(), timezone: cli.timezone });
    mkdirSync(outDir, { recursive: true });
    const base = path.join(outDir, r.chartFilename.replace(/\.png$/, ''));
    writeFileSync(`${base}.blocks.json`, JSON.stringify({ text: message.text, blocks: message.blocks }, null, 2));
    writeFileSync(`${base}.png`, r.chart);
    return { blocks: `${base}.blocks.json`, chart: `${base}.png` };
  });
}

/** Shared start-up of the CLI and the demo: configuration, logging, the WeChat side. */
export async function withCli(fn: (cli: CliContext) => Promise<number>): Promise<never> {
  let code = 1;
  try {
    const config = loadConfig(process.env, 'cli');
    registerConfigSecrets(config);
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', destination: process.stderr });
    const program = await createCliProgram(config, logger);
    try {
      code = await fn({ program, reports: cliReportService(logger), timezone: config.REPORT_TIMEZONE, language: config.REPORT_LANGUAGE });
    } finally {
      await program.close();
    }
  } catch (e) {
    const known = e instanceof ConfigError || e instanceof WeChatError;
    process.stderr.write(`${known ? (e as Error).message : `Unexpected error: ${redact(String(e instanceof Error ? e.stack : e))}`}\n`);
  }
  process.exit(code);
}
