/**
 * The Models plugin: route `/models` (in the header), the gateway's providers live for each user, and
 * the actions `lock_provider {provider}` and `unlock_provider`. The lock is the product's, not the
 * user's: every request of every client goes to the locked provider until someone unlocks it.
 *
 * Background: each session follows the router's events and the usage ledger (a burst of requests is
 * one refresh), and while a provider cools down a one-second tick moves its countdown; the tick stops
 * when no provider is cooling.
 */
import { z } from 'zod';
import { updateInBackground } from '../background';
import { PluginError } from '../errors';
import { actionsOf, type Plugin, type PluginHost } from '../types';
import type { ModelGateway } from './gateway';
import { coalesced } from './coalesce';
import { modelsCard } from './models-card';
import { createModelsView, type ModelsState } from './models-view';
import type { UsageLedger } from './ledger';
import { NoRouteError } from './router';

const TICK_MS = 1000;
/** Routing events and usage come with every request: a burst is one refresh of the screen. */
const REFRESH_MS = 200;

export function createModelsPlugin(gateway: ModelGateway, ledger: UsageLedger, prefix: string): Plugin<ModelsState> {
  const router = gateway.router;
  const snapshot = (userId: string): ModelsState => ({ status: gateway.status({ userId }), now: Date.now() });

  /** Keeps the user's screen in step with the gateway, and ticks the countdowns while one runs. */
  const follow = (host: PluginHost<ModelsState>): (() => void) => {
    let timer: NodeJS.Timeout | undefined;
    const refresh = () => {
      const next = snapshot(host.userId);
      const cooling = next.status.providers.some((p) => p.cooling_down_until !== null);
      if (cooling && !timer) timer = setInterval(refresh, TICK_MS);
      if (!cooling && timer) {
        clearInterval(timer);
        timer = undefined;
      }
      updateInBackground(host, 'gateway', () => next);
    };
    const soon = coalesced(refresh, REFRESH_MS);
    if (router.status().providers.some((p) => p.cooling_down_until !== null)) timer = setInterval(refresh, TICK_MS);
    const unsubscribeRouter = router.subscribe(soon.call);
    const unsubscribeLedger = ledger.subscribe(soon.call);
    return () => {
      unsubscribeRouter();
      unsubscribeLedger();
      clearInterval(timer);
      soon.cancel();
    };
  };

  const action = actionsOf<ModelsState>();
  /** Locks (or unlocks) the routing and shows the new state, with a toast saying what it means. */
  const setLock = (userId: string, provider: string | null) => {
    try {
      router.lock(provider);
    } catch (error) {
      if (error instanceof NoRouteError) throw new PluginError('NOT_FOUND', error.message);
      throw error;
    }
    const message = provider ? `Every model request now goes to ${provider}.` : 'Routing unlocked: requests fail over across all providers.';
    return { state: snapshot(userId), sideEffects: [{ type: 'toast' as const, variant: 'success' as const, message }] };
  };

  return {
    id: 'gateway',
    title: 'Models',
    nav: { id: 'gateway', label: 'Models', path: '/models', description: 'The model gateway: providers, failover, cooldowns, usage and cost.', icon: 'settings' },
    routes: [{ state: 'MODELS', path: '/models' }],
    card: modelsCard,
    actions: {
      lock_provider: action(z.object({ provider: z.string().min(1).max(40) }), ({ host, payload }) => setLock(host.userId, payload.provider)),
      unlock_provider: action(z.object({}), ({ host }) => setLock(host.userId, null)),
    },

    init(host) {
      host.onClose(follow(host));
      return snapshot(host.userId);
    },

    /** Entering the screen shows the gateway as it is now. */
    enter: ({ host }) => ({ state: snapshot(host.userId) }),

    createView: () => createModelsView(prefix),
  };
}
