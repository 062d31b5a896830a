/**
 * The Agents card on the dashboard, from the plugin's state: how many agents run, and for each live
 * session its status badge and the last line of its output (both change as the agent works).
 */
import { column, icon, keyedMemo, memo, row, text, type IconName, type UiNode } from '../../renderer';
import type { PluginCard } from '../types';
import type { AgentDefinition } from './definitions';
import type { ControlState, ControlTab } from './panel';
import { isLive } from './status';
import { statusIcon, statusLabel } from './view';

export function controlCard(definitions: readonly AgentDefinition[]): PluginCard<ControlState, ControlTab> {
  return {
    createView() {
      const agentRow = keyedMemo((id: string, name: string, status: string, iconName: IconName, last: string) =>
        column(`dashboard-card-control-agent-${id}`, {
          children: [
            row(`dashboard-card-control-agent-${id}-head`, {
              align: 'center',
              children: [
                text(`dashboard-card-control-agent-${id}-name`, { text: name, variant: 'h5' }),
                row(`dashboard-card-control-agent-${id}-badge`, {
                  align: 'center',
                  accessibility: { label: `${name} status` },
                  children: [icon(`dashboard-card-control-agent-${id}-icon`, { name: iconName }), text(`dashboard-card-control-agent-${id}-status`, { text: status, variant: 'caption' })],
                }),
              ],
            }),
            ...(last ? [text(`dashboard-card-control-agent-${id}-last`, { text: last, variant: 'caption' })] : []),
          ],
        }),
      );
      /** Flat facts, four per live agent (id, status, icon, last line), so an unchanged card is a memo hit. */
      const body = memo((...facts: string[]): UiNode => {
        const rows: UiNode[] = [];
        for (let i = 0; i < facts.length; i += 4) {
          const definition = definitions.find((d) => d.id === facts[i]);
          rows.push(agentRow(facts[i]!, definition?.name ?? facts[i]!, facts[i + 1]!, facts[i + 2] as IconName, facts[i + 3]!));
        }
        agentRow.sweep();
        const count = rows.length === 0 ? 'No agent running' : `${rows.length} running`;
        return column('dashboard-card-control-summary', {
          children: [text('dashboard-card-control-count', { text: count, variant: 'h3' }), column('dashboard-card-control-agents', { children: rows })],
        });
      });
      return (state) =>
        body(
          ...definitions.flatMap((d) => {
            const session = state.sessions.get(d.id);
            if (!session || !isLive(session.status)) return [];
            return [d.id, statusLabel(session), statusIcon(session), state.panels.get(d.id)?.lines.at(-1)?.text ?? ''];
          }),
        );
    },
  };
}
