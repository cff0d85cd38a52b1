import pino from 'pino';
import { redact } from './redact';
import { requestContext } from './context';

export type Logger = pino.Logger;
export { redact, registerSecret, registerRotatingSecret } from './redact';
export { requestContext, withRequest, type RequestContext } from './context';

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to inspect every line. */
  destination?: pino.DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'wxa-slack' },
      // fetch, render and upload log deep inside the call tree; the request id comes along by itself.
      mixin: () => ({ ...requestContext.getStore() }),
      // The last line of defence: whatever a log call carried, the serialized line is scrubbed.
      hooks: { streamWrite: (line: string) => redact(line) },
      redact: { paths: ['*.access_token', '*.secret', '*.token', 'config.*Secret', 'config.*Token'], censor: '[REDACTED]' },
    },
    opts.destination ?? pino.destination(1),
  );
}

/** A logger that drops everything: the default for library code run without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
