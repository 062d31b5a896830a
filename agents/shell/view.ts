/**
 * The app shell around every screen: a header navigating between the plugins, a toast area, and the
 * content of the route in force. Memoised piece by piece, so a change in the content leaves the
 * header and toasts as the identical objects (and the diff never looks at them).
 */
import { column, event, icon, keyedMemo, labelButton, memo, row, text, type IconName, type UiNode } from '../../renderer';
import type { NavEntry, RouteMatch, ToastVariant } from '../types';

export interface Toast {
  id: string;
  variant: ToastVariant;
  message: string;
}

export interface ShellInput {
  route: RouteMatch;
  nav: readonly NavEntry[];
  toasts: readonly Toast[];
  content: UiNode;
  /** Panel plugins' subtrees (the assistant), drawn beside the content on every route. */
  panels: readonly UiNode[];
}

const TOAST_ICONS: Record<ToastVariant, IconName> = { success: 'check', error: 'error', warning: 'warning', info: 'info' };

/** The top-level section of a path: `/email/thread/1` → `/email`; `/` stays `/`. */
function section(path: string): string {
  return `/${path.split('/')[1] ?? ''}`;
}

export function createShellView(): (input: ShellInput) => UiNode {
  const header = memo((nav: readonly NavEntry[], activeSection: string) =>
    row('app-header', {
      justify: 'spaceBetween',
      align: 'center',
      children: [
        text('app-title', { text: 'a2ui orchestrator', variant: 'h3' }),
        row('app-nav', {
          children: nav.map((entry) =>
            labelButton(`nav-${entry.id}`, entry.label, event('navigate', { to: entry.path }), {
              variant: section(entry.path) === activeSection ? 'primary' : 'borderless',
            }),
          ),
        }),
      ],
    }),
  );

  const toast = keyedMemo((id: string, t: Toast) =>
    row(`toast-${id}`, {
      align: 'center',
      accessibility: { label: `${t.variant} notification` },
      children: [
        icon(`toast-${id}-icon`, { name: TOAST_ICONS[t.variant] }),
        text(`toast-${id}-text`, { text: t.message }),
        labelButton(`toast-${id}-dismiss`, 'Dismiss', event('dismiss_toast', { toast_id: id }), { variant: 'borderless' }),
      ],
    }),
  );
  const toastArea = memo((toasts: readonly Toast[]) => {
    const children = toasts.map((t) => toast(t.id, t));
    toast.sweep();
    return column('app-toasts', { children });
  });

  const content = memo((node: UiNode) => column('app-content', { weight: 3, children: [node] }));
  const root = memo((h: UiNode, t: UiNode, c: UiNode) => column('root', { children: [h, t, c] }));
  // Without panels the content is the body; with them, a row of content and panels (one memo per
  // count, so the row is the identical object while its children are).
  // The panels share a quarter of the width (weights 3:1 from a zero basis), so a long text in a panel
  // never pushes it under the content.
  const body = memo((c: UiNode, panels: readonly UiNode[]) =>
    panels.length === 0 ? c : row('app-body', { align: 'start', children: [c, column('app-panels', { weight: 1, children: [...panels] })] }),
  );
  const panelList = memo((...panels: UiNode[]) => panels);

  return (input) =>
    root(header(input.nav, section(input.route.path)), toastArea(input.toasts), body(content(input.content), panelList(...input.panels)));
}
