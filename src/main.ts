import { loadConfig, ConfigError, type Config } from './config';
import { createLogger, redact } from './log';
import { startRuntime } from './runtime';

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
  const logger = createLogger({ level: config.LOG_LEVEL });
  const runtime = await startRuntime(config, logger);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await runtime.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`The bot could not start: ${redact(e instanceof Error ? e.message : String(e))}\n`);
  process.exit(1);
});
