/**
 * Which plugin, for which user, a piece of work belongs to. Every entry into a plugin (`init`, an
 * action, `enter`, a background update) runs inside its scope, and async work it starts keeps the
 * scope (AsyncLocalStorage). The process-level safety net (server/app/safety-net.ts) reads it to
 * name the plugin of an error nobody caught and to tell the user concerned, instead of the process
 * dying for every user.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface PluginScope {
  pluginId: string;
  userId: string;
  /** Shows the user an error toast in every view (the error escaped the plugin's own handling). */
  report(message: string): void;
}

export const pluginScopes = new AsyncLocalStorage<PluginScope>();

export function inPluginScope<T>(scope: PluginScope, work: () => T): T {
  return pluginScopes.run(scope, work);
}
