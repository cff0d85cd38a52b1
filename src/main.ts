import { loadConfig, ConfigError } from './config';
import { createWeChatContext, registerConfigSecrets } from './context';
import { createLogger, redact } from './log';
import { createBot } from './slack/app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, 'bot');
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  registerConfigSecrets(config);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const wechat = await createWeChatContext(config, logger);
  const bot = createBot({ config, reports: wechat, logger });
  await bot.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await bot.stop();
    await wechat.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`The bot could not start: ${redact(e instanceof Error ? e.message : String(e))}\n`);
  process.exit(1);
});
