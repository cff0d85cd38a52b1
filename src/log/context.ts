import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-command context: every log line written while handling a command carries its requestId. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function withRequest<T>(ctx: RequestContext, fn: () => T): T {
  return requestContext.run(ctx, fn);
}
