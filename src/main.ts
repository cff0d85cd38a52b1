import { inspect } from 'node:util';
import pino from 'pino';
import { loadConfig, ConfigError, type Config } from './config';
import { createLogger, redact, type Logger } from './log';
import { startRuntime, type Runtime } from './runtime';
import { errorText } from './util/error-text';

/** After an uncaught exception the process state is suspect: a short graceful stop, then exit 1 regardless. */
const FATAL_STOP_BUDGET_MS = 5_000;

/** A one-line name for whatever was thrown or rejected (an Error's class and message, or the value itself). */
function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return inspect(reason, { depth: 2, breakLength: Infinity, maxStringLength: 500, maxArrayLength: 20 }).slice(0, 1000);
}

/**
 * The fields logged for it: the name and the stack, not the error's own properties (pino's err serializer
 * would copy an HTTP client error whole: its request, socket and headers).
 */
function reasonFields(reason: unknown): { err: string; stack?: string } {
  return { err: describeReason(reason), stack: reason instanceof Error ? reason.stack : undefined };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, 'bot');
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const out = pino.destination(1);
  const logger = createLogger({ level: config.LOG_LEVEL, destination: out });
  let runtime: Runtime | undefined;
  let stopping = false;
  let failed = false;

  const stop = async (why: Record<string, string>, budgetMs: number | undefined, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info(why, 'shutting down');
    try {
      await runtime?.stop(budgetMs);
      logger.info('stopped');
    } catch (e) {
      failed = true;
      logger.error(reasonFields(e), `graceful stop failed: ${describeReason(e)}`);
    }
    exitAfterLogs(out, failed ? 1 : code);
  };

  // The fatal line is written synchronously: the logger's own writes are asynchronous, and the process
  // exits soon after, so that line could otherwise come out after the stop's lines, or not at all.
  const fatalLogger = createLogger({ level: config.LOG_LEVEL, destination: pino.destination({ dest: 1, sync: true }) });
  installProcessHandlers(logger, fatalLogger, {
    onFatal: () => {
      failed = true;
      if (!runtime) return exitAfterLogs(out, 1); // still starting: nothing to hand back; the OS releases the rest
      // Whatever happens to the graceful stop (a second exception, a promise that never settles), exit 1 in time.
      setTimeout(() => process.exit(1), FATAL_STOP_BUDGET_MS + 1000);
      void stop({ reason: 'uncaughtException' }, FATAL_STOP_BUDGET_MS, 1); // no-op if a SIGTERM stop already runs
    },
  });

  runtime = await startRuntime(config, logger);
  process.on('SIGTERM', () => void stop({ signal: 'SIGTERM' }, undefined, 0));
  process.on('SIGINT', () => void stop({ signal: 'SIGINT' }, undefined, 0));
}

/**
 * pino writes asynchronously, and process.exit() does not wait for a write in progress: a line logged just
 * before (the "shutting down" of a quick stop) could come out after the next one, or not at all. So the
 * stream is ended first and the process exits once it has written everything (1 s at most).
 */
function exitAfterLogs(out: ReturnType<typeof pino.destination>, code: number): void {
  setTimeout(() => process.exit(code), 1000);
  out.once('close', () => process.exit(code));
  try {
    out.end();
  } catch {
    process.exit(code); // already ended or destroyed
  }
}

/**
 * A stray rejection (a library's promise nobody awaited) is logged and the bot keeps serving: it must
 * neither go unnoticed nor take every running report down with it. An uncaught exception leaves the
 * process in an unknown state: it is logged as fatal, then the bot stops (briefly gracefully) and exits 1.
 * Log lines pass through the redactor like any other.
 */
function installProcessHandlers(logger: Logger, fatalLogger: Logger, on: { onFatal: () => void }): void {
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error(reasonFields(reason), `unhandled promise rejection (the bot keeps running): ${describeReason(reason)}`);
  });
  process.on('uncaughtException', (err: Error, origin: string) => {
    fatalLogger.fatal({ ...reasonFields(err), origin }, `uncaught exception, stopping: ${describeReason(err)}`);
    on.onFatal();
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`The bot could not start: ${redact(errorText(e))}\n`);
  process.exit(1);
});
