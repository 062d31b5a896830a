/**
 * The Models card on the dashboard, from the Models plugin's state (which follows the router and the
 * usage ledger, and ticks while a provider cools down): how many providers, which are cooling down or
 * locked, and what the user's model calls cost.
 */
import { memo, text, type UiNode } from '../../renderer';
import { usageText } from '../control/model-access';
import type { PluginCard } from '../types';
import type { ModelsState } from './models-view';

/** The card's line. */
export function modelsLine(state: ModelsState): string {
  const status = state.status;
  if (!status.configured) return 'No model provider configured.';
  const cooling = status.providers.filter((p) => p.state === 'cooling_down').map((p) => p.name);
  const usage = status.usage.user;
  return [
    `${status.providers.length} provider${status.providers.length === 1 ? '' : 's'}`,
    status.locked ? `locked to ${status.locked}` : null,
    cooling.length ? `cooling down: ${cooling.join(', ')}` : null,
    usage.requests ? `your usage: ${usageText(usage)}` : 'no model calls yet',
  ]
    .filter(Boolean)
    .join(' · ');
}

export const modelsCard: PluginCard<ModelsState, undefined> = {
  createView() {
    const line = memo((facts: string): UiNode => text('dashboard-card-gateway-facts', { text: facts }));
    return (state) => line(modelsLine(state));
  },
};
