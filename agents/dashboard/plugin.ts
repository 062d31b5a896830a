/**
 * The dashboard (route `/`): one card per section of the product (every plugin whose header entry has
 * a description), each opening that section.
 */
import { card, column, event, labelButton, memo, text } from '../../renderer';
import type { NavEntry, Plugin } from '../types';

export function createDashboardPlugin(): Plugin<Record<string, never>> {
  return {
    id: 'dashboard',
    title: 'Dashboard',
    nav: { id: 'dashboard', label: 'Dashboard', path: '/' },
    routes: [{ state: 'DASHBOARD', path: '/' }],
    actions: {},
    init: () => ({}),
    createView() {
      const view = memo((nav: readonly NavEntry[]) => ({
        root: column('dashboard', {
          children: [
            text('dashboard-title', { text: 'Dashboard', variant: 'h2' }),
            ...nav
              .filter((s) => s.description)
              .map((s) =>
                card(`dashboard-card-${s.id}`, {
                  child: column(`dashboard-card-${s.id}-body`, {
                    children: [
                      text(`dashboard-card-${s.id}-title`, { text: s.label, variant: 'h4' }),
                      text(`dashboard-card-${s.id}-text`, { text: s.description! }),
                      labelButton(`dashboard-card-${s.id}-open`, `Open ${s.label}`, event('navigate', { to: s.path })),
                    ],
                  }),
                }),
              ),
          ],
        }),
      }));
      return (_state, _view, input) => view(input.nav);
    },
  };
}
