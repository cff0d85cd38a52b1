import type { App } from '@slack/bolt';
import { registerCommands, type CommandDeps } from './commands';

/** Every listener is registered from here. */
export function registerListeners(app: App, deps: CommandDeps): void {
  registerCommands(app, deps);
}
