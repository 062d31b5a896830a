/**
 * The dashboard (route `/`): one card per section of the product, each rendered by its plugin from
 * its own user state (`Plugin.card`: the unread mail, the running agents, the worktrees, the model
 * gateway), so every number on it is live: the change of a plugin's state that re-renders its screen
 * re-renders its card too, in every view that shows it, and the diff carries the changed line only.
 * Then the user's recent activity (what the toasts of every tab said).
 *
 * The dashboard itself holds no state: a card's body comes in `ViewInput.cards`, the activity in
 * `ViewInput.activity` (both only on routes of a plugin that `showsCards`).
 */
import { card, column, event, icon, keyedMemo, labelButton, memo, row, text, type IconName, type UiNode } from '../../renderer';
import { timeText } from '../time';
import type { ActivityEntry, DashboardCard, Plugin, ToastVariant } from '../types';

const ACTIVITY_ICONS: Record<ToastVariant, IconName> = { success: 'check', error: 'error', warning: 'warning', info: 'info' };

export function createDashboardPlugin(): Plugin<null> {
  return {
    id: 'dashboard',
    title: 'Dashboard',
    nav: { id: 'dashboard', label: 'Dashboard', path: '/', icon: 'home' },
    routes: [{ state: 'DASHBOARD', path: '/' }],
    showsCards: true,
    actions: {},
    init: () => null,
    createView() {
      const sectionCard = keyedMemo((id: string, entry: DashboardCard['nav'], body: UiNode) =>
        card(`dashboard-card-${id}`, {
          child: column(`dashboard-card-${id}-body`, {
            children: [
              row(`dashboard-card-${id}-head`, {
                align: 'center',
                children: [icon(`dashboard-card-${id}-icon`, { name: entry.icon ?? 'moreHoriz' }), text(`dashboard-card-${id}-title`, { text: entry.label, variant: 'h4' })],
              }),
              body,
              labelButton(`dashboard-card-${id}-open`, `Open ${entry.label}`, event('navigate', { to: entry.path }), { variant: 'borderless' }),
            ],
          }),
        }),
      );
      const activityRow = keyedMemo((id: string, entry: ActivityEntry, timeZone: string) =>
        row(`dashboard-activity-${id}`, {
          align: 'center',
          children: [
            icon(`dashboard-activity-${id}-icon`, { name: ACTIVITY_ICONS[entry.variant] }),
            text(`dashboard-activity-${id}-text`, { text: entry.message }),
            timeText(`dashboard-activity-${id}-at`, entry.at, timeZone),
          ],
        }),
      );
      const activityCard = memo((activity: readonly ActivityEntry[], timeZone: string) => {
        const rows = activity.map((entry) => activityRow(entry.id, entry, timeZone));
        activityRow.sweep();
        return card('dashboard-activity', {
          child: column('dashboard-activity-body', {
            children: [
              row('dashboard-activity-head', {
                align: 'center',
                children: [icon('dashboard-activity-icon', { name: 'notifications' }), text('dashboard-activity-title', { text: 'Recent activity', variant: 'h4' })],
              }),
              rows.length ? column('dashboard-activity-list', { children: rows }) : text('dashboard-activity-empty', { text: 'Nothing yet: what you do here shows up as it happens.', variant: 'caption' }),
            ],
          }),
        });
      });
      const view = memo((cards: readonly DashboardCard[], activity: UiNode) => {
        const children = cards.map((c) => sectionCard(c.nav.id, c.nav, c.body));
        sectionCard.sweep();
        return {
          root: column('dashboard', {
            children: [text('dashboard-title', { text: 'Dashboard', variant: 'h2' }), row('dashboard-cards', { children: [...children, activity] })],
          }),
        };
      });
      return (_state, _view, input) => view(input.cards ?? [], activityCard(input.activity ?? [], input.context.timezone));
    },
  };
}
