/**
 * The process-level safety net. An error that a plugin's background work lets escape (a promise
 * rejected with nobody to catch it, an exception thrown from a timer) would by default stop the
 * process — every user's sessions, agents and streams with it. Instead it is logged with the plugin's
 * name and shown to the user concerned as an error toast, and the server keeps serving.
 *
 * Attribution: plugin code runs inside its scope (session/plugin-scope.ts); a promise created inside
 * a scope is remembered with it (an async hook, only while a scope is active), so a rejection that
 * surfaces later still names its plugin and user. An error outside any scope is logged as the
 * process's own.
 */
import { createHook } from 'node:async_hooks';
import { pluginScopes, type PluginScope } from '../session/plugin-scope';

let installed = false;
const owners = new WeakMap<object, PluginScope>();

function report(kind: string, error: unknown, scope: PluginScope | undefined): void {
  if (!scope) {
    console.error(`[process] ${kind} outside any plugin; the server keeps serving:`, error);
    return;
  }
  console.error(`[${scope.pluginId}] ${kind} in work for user ${scope.userId}; the server keeps serving:`, error);
  const message = error instanceof Error && error.message ? error.message.slice(0, 200) : 'unexpected error';
  scope.report(`${scope.pluginId} failed in the background: ${message}`);
}

/** Installs the net once per process (`npm start`; the reliability tests start servers that way). */
export function installSafetyNet(): void {
  if (installed) return;
  installed = true;
  createHook({
    init(_asyncId, type, _trigger, resource) {
      if (type !== 'PROMISE') return;
      const scope = pluginScopes.getStore();
      if (scope) owners.set(resource, scope);
    },
  }).enable();
  process.on('unhandledRejection', (reason, promise) => report('an unhandled rejection', reason, owners.get(promise)));
  process.on('uncaughtException', (error) => report('an uncaught exception', error, pluginScopes.getStore()));
}
