/**
 * The dashboard (route `/`): one card per section of the product (every plugin whose header entry has
 * a description), each opening that section. A module may add a live line to its section's card (the
 * Models card says what the user's model calls cost): `CardFacts`, one line per user, refreshed when
 * its source says it changed.
 */
import { updateInBackground } from '../background';
import { card, column, event, labelButton, memo, text } from '../../renderer';
import type { NavEntry, Plugin } from '../types';

/** A live line on one section's card. */
export interface CardFacts {
  /** The card's section (a plugin id, as in its header entry). */
  card: string;
  /** The user's line now ('' for none). */
  line(userId: string): string;
  /** Calls `listener` with the user whose line may have changed (null: anyone's). Answers the unsubscribe. */
  subscribe(listener: (userId: string | null) => void): () => void;
}

/** Per card: the user's line. */
type DashboardState = Readonly<Record<string, string>>;

export function createDashboardPlugin(facts: readonly CardFacts[] = []): Plugin<DashboardState> {
  const linesOf = (userId: string): DashboardState => Object.fromEntries(facts.map((f) => [f.card, f.line(userId)]));
  return {
    id: 'dashboard',
    title: 'Dashboard',
    nav: { id: 'dashboard', label: 'Dashboard', path: '/', icon: 'home' },
    routes: [{ state: 'DASHBOARD', path: '/' }],
    actions: {},
    init(host) {
      for (const fact of facts) {
        host.onClose(
          fact.subscribe((userId) => {
            if (userId === null || userId === host.userId) updateInBackground(host, 'dashboard', (state) => ({ ...state, [fact.card]: fact.line(host.userId) }));
          }),
        );
      }
      return linesOf(host.userId);
    },
    createView() {
      const view = memo((nav: readonly NavEntry[], lines: DashboardState) => ({
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
                      ...(lines[s.id] ? [text(`dashboard-card-${s.id}-facts`, { text: lines[s.id]!, variant: 'caption' })] : []),
                      labelButton(`dashboard-card-${s.id}-open`, `Open ${s.label}`, event('navigate', { to: s.path })),
                    ],
                  }),
                }),
              ),
          ],
        }),
      }));
      return (state, _view, input) => view(input.nav, state);
    },
  };
}
