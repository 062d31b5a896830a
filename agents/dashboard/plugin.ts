/**
 * The dashboard (route `/`): one card per section of the product, each opening that section.
 */
import { card, column, event, labelButton, memo, text } from '../../renderer';
import type { Plugin } from '../types';

export interface DashboardSection {
  id: string;
  title: string;
  description: string;
  path: string;
}

export function createDashboardPlugin(sections: readonly DashboardSection[]): Plugin<Record<string, never>> {
  return {
    id: 'dashboard',
    title: 'Dashboard',
    nav: { label: 'Dashboard', path: '/' },
    routes: [{ state: 'DASHBOARD', path: '/' }],
    actions: {},
    init: () => ({}),
    handle: () => ({}),
    createView() {
      const view = memo(() => ({
        root: column('dashboard', {
          children: [
            text('dashboard-title', { text: 'Dashboard', variant: 'h2' }),
            ...sections.map((s) =>
              card(`dashboard-card-${s.id}`, {
                child: column(`dashboard-card-${s.id}-body`, {
                  children: [
                    text(`dashboard-card-${s.id}-title`, { text: s.title, variant: 'h4' }),
                    text(`dashboard-card-${s.id}-text`, { text: s.description }),
                    labelButton(`dashboard-card-${s.id}-open`, `Open ${s.title}`, event('navigate', { to: s.path })),
                  ],
                }),
              }),
            ),
          ],
        }),
      }));
      return () => view();
    },
  };
}
