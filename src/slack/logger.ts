import { format } from 'node:util';
import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../log';

/** Bolt and the Web API client log through pino (and so through its redaction). */
export function boltLogger(log: Logger): BoltLogger {
  let name = 'bolt';
  const child = () => log.child({ component: name });
  return {
    debug: (...m: unknown[]) => child().debug(format(...m)),
    info: (...m: unknown[]) => child().info(format(...m)),
    warn: (...m: unknown[]) => child().warn(format(...m)),
    error: (...m: unknown[]) => child().error(format(...m)),
    setLevel: (_level: LogLevel) => {
      // The level is LOG_LEVEL's, set on the pino logger.
    },
    getLevel: () => log.level as LogLevel,
    setName: (n: string) => {
      name = n;
    },
  };
}
