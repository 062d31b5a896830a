/**
 * Background changes that nobody awaits (a line of agent output, a chunk of a draft, a sign-in done in
 * another tab), through a plugin's host or a tab's. `update` can reject (a view that cannot render even the rolled-back state, a
 * failing listener); left unawaited, that rejection would be unhandled, and Node stops the process on
 * an unhandled rejection. So every fire-and-forget update goes through here and a failure is logged.
 */
import type { SideEffect } from './types';

export function updateInBackground<S>(host: { update(recipe: (state: S) => S, sideEffects?: SideEffect[]): Promise<void> }, plugin: string, recipe: (state: S) => S, sideEffects?: SideEffect[]): void {
  host.update(recipe, sideEffects).catch((error: unknown) => console.error(`[${plugin}] a background update failed:`, error));
}
