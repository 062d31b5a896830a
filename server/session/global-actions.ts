/**
 * Actions every route accepts, handled by the session itself rather than a plugin.
 */
import { z } from 'zod';
import type { SideEffect } from '../../agents/types';

export interface GlobalTarget {
  /** Moves the router; false when the path names no route. */
  navigate(to: string): boolean;
  /** The route path in force. */
  route(): string;
  select(ids: string[]): void;
  dismissToast(id: string): void;
}

export interface GlobalResult {
  sideEffects: SideEffect[];
  /** A user-facing reason the action did nothing. */
  error?: string;
}

interface GlobalAction<P> {
  schema: z.ZodType<P>;
  run(payload: P, target: GlobalTarget): GlobalResult;
}

const navigate: GlobalAction<{ to: string }> = {
  schema: z.object({ to: z.string().startsWith('/', 'must be a path starting with /').max(2048) }),
  run({ to }, target) {
    if (!target.navigate(to)) return { sideEffects: [], error: `There is no page at ${to.slice(0, 200)}.` };
    // The client moves its URL with this (pushState), unless it is already there (Back/Forward).
    return { sideEffects: [{ type: 'navigate', to: target.route() }] };
  },
};

const select: GlobalAction<{ ids: string[] }> = {
  schema: z.object({ ids: z.array(z.string().max(256)).max(1000) }),
  run({ ids }, target) {
    target.select(ids);
    return { sideEffects: [] };
  },
};

const dismissToast: GlobalAction<{ toast_id: string }> = {
  schema: z.object({ toast_id: z.string().max(64) }),
  run({ toast_id }, target) {
    target.dismissToast(toast_id);
    return { sideEffects: [] };
  },
};

export const GLOBAL_ACTIONS: Readonly<Record<string, GlobalAction<never> | undefined>> = {
  navigate: navigate as GlobalAction<never>,
  select: select as GlobalAction<never>,
  dismiss_toast: dismissToast as GlobalAction<never>,
};
