/**
 * A stand-in for a plugin that is not built yet: it owns its routes (so the router has one state per
 * route from the start) and shows one card saying what will be there.
 */
import { card, column, memo, text } from '../renderer';
import type { Plugin, RouteDecl } from './types';

export interface PlaceholderSpec {
  id: string;
  title: string;
  nav: { label: string; path: string };
  routes: RouteDecl[];
  description: string;
}

export function createPlaceholderPlugin(spec: PlaceholderSpec): Plugin<Record<string, never>> {
  return {
    id: spec.id,
    title: spec.title,
    nav: spec.nav,
    routes: spec.routes,
    actions: {},
    init: () => ({}),
    handle: () => ({}),
    status: () => ({ status: 'disabled', detail: 'not built yet' }),
    createView() {
      const view = memo(() => ({
        root: card(`${spec.id}-placeholder`, {
          child: column(`${spec.id}-placeholder-body`, {
            children: [
              text(`${spec.id}-placeholder-title`, { text: spec.title, variant: 'h2' }),
              text(`${spec.id}-placeholder-text`, { text: spec.description }),
            ],
          }),
        }),
      }));
      return () => view();
    },
  };
}
