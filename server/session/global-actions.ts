/**
 * Actions every route accepts, handled by the session itself rather than a plugin.
 */
import { z } from 'zod';
import type { SideEffect } from '../../agents/types';

export interface GlobalTarget {
  /** Moves the view's router; false when the path names no route. */
  navigate(to: string): boolean;
  /** The route path in force. */
  route(): string;
  select(ids: string[]): void;
  dismissToast(id: string): void;
  /** The pointer or focus is on a toast (it stays while held) or left it. */
  holdToast(id: string, held: boolean): void;
  /** What the client says of itself (its screen size after a resize, its time zone). */
  setContext(context: { screen_size?: 'mobile' | 'tablet' | 'desktop'; timezone?: string }): void;
  /**
   * Runs a plugin's `init` again for the user after it failed: `started`, `not_failed` when it had not
   * failed, or the cause when it failed again.
   */
  retryPlugin(pluginId: string): Promise<'started' | 'not_failed' | { failed: string }>;
}

export interface GlobalResult {
  sideEffects: SideEffect[];
  /** A user-facing reason the action did nothing. */
  error?: string;
  /** The error's code (default INVALID_ROUTE). */
  code?: string;
}

interface GlobalAction<P> {
  schema: z.ZodType<P, unknown>;
  run(payload: P, target: GlobalTarget): GlobalResult | Promise<GlobalResult>;
}

function globalAction<Schema extends z.ZodType<any, unknown>>(schema: Schema, run: (payload: z.output<Schema>, target: GlobalTarget) => GlobalResult | Promise<GlobalResult>): GlobalAction<z.output<Schema>> {
  return { schema, run };
}

export const GLOBAL_ACTIONS: Readonly<Record<string, GlobalAction<any>>> = {
  navigate: globalAction(z.object({ to: z.string().startsWith('/', 'must be a path starting with /').max(2048) }), ({ to }, target) => {
    if (!target.navigate(to)) return { sideEffects: [], error: `There is no page at ${to.slice(0, 200)}.` };
    // The client moves its URL with this (pushState), unless it is already there (Back/Forward).
    return { sideEffects: [{ type: 'navigate', to: target.route() }] };
  }),
  select: globalAction(z.object({ ids: z.array(z.string().max(256)).max(1000) }), ({ ids }, target) => {
    target.select(ids);
    return { sideEffects: [] };
  }),
  dismiss_toast: globalAction(z.object({ toast_id: z.string().max(64) }), ({ toast_id }, target) => {
    target.dismissToast(toast_id);
    return { sideEffects: [] };
  }),
  hold_toast: globalAction(z.object({ toast_id: z.string().max(64), held: z.boolean() }), ({ toast_id, held }, target) => {
    target.holdToast(toast_id, held);
    return { sideEffects: [] };
  }),
  // A client reports a change of itself (a resize across a breakpoint): the view renders for it. The
  // native protocol's `context` carries it too; v0.9 clients have only the payload.
  update_context: globalAction(
    z.object({ screen_size: z.enum(['mobile', 'tablet', 'desktop']).optional(), timezone: z.string().max(64).optional() }),
    (context, target) => {
      target.setContext(context);
      return { sideEffects: [] };
    },
  ),
  // A Modal's trigger (the Assistant button of a narrow screen, a tool's Details) opens its dialog in
  // the client; renderers that also send the trigger's action get this no-op.
  open_dialog: globalAction(z.object({}), () => ({ sideEffects: [] })),
  retry_plugin: globalAction(z.object({ plugin: z.string().max(64) }), async ({ plugin }, target) => {
    const outcome = await target.retryPlugin(plugin);
    if (outcome === 'not_failed') return { sideEffects: [], error: `${plugin.slice(0, 64)} is running; nothing to retry.` };
    // Failing again is not "Started again": the card keeps the cause, the toast says it.
    if (outcome !== 'started') return { sideEffects: [], code: 'PLUGIN_ERROR', error: `${plugin.slice(0, 64)} could not start again: ${outcome.failed}` };
    return { sideEffects: [{ type: 'toast', variant: 'success', message: 'Started again.' }] };
  }),
};
