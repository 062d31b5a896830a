/**
 * The app shell around every screen: a header navigating between the plugins, a toast area, and the
 * content of the route in force, with the panels (the assistant) beside it. Memoised piece by piece,
 * so a change in the content leaves the header and toasts as the identical objects (and the diff
 * never looks at them).
 *
 * The shell is drawn for the view's screen size (`context.screen_size`, which the client reports and
 * updates when a resize crosses a breakpoint):
 * - desktop: the header in one row (title, then the sections), the panels in a column beside the content;
 * - tablet and mobile: the sections under the title as icon-over-label buttons, and the panels behind
 *   an "Assistant" button in the header (a Modal: a sheet on a phone), so the content has the width.
 * The toast area is an overlay in both (clients place `app-toasts` over the page).
 */
import { button, column, event, icon, keyedMemo, labelButton, memo, modal, row, text, type IconName, type UiNode } from '../../renderer';
import { sectionOf, type Context, type NavEntry, type RouteMatch, type ToastVariant } from '../types';

export interface Toast {
  id: string;
  variant: ToastVariant;
  message: string;
}

export type ScreenSize = Context['screen_size'];

export interface ShellInput {
  route: RouteMatch;
  nav: readonly NavEntry[];
  toasts: readonly Toast[];
  content: UiNode;
  /** Panel plugins' subtrees (the assistant), drawn beside the content on every route. */
  panels: readonly UiNode[];
  screen: ScreenSize;
}

const TOAST_ICONS: Record<ToastVariant, IconName> = { success: 'check', error: 'error', warning: 'warning', info: 'info' };

/** A header button: its icon and label side by side, or (compact) the icon over the label. */
function navButton(entry: NavEntry, active: boolean, compact: boolean): UiNode {
  const id = `nav-${entry.id}`;
  const parts = [icon(`${id}-icon`, { name: entry.icon ?? 'moreHoriz' }), text(`${id}.label`, { text: entry.label, ...(compact ? { variant: 'caption' as const } : {}) })];
  return button(id, {
    child: compact ? column(`${id}-body`, { align: 'center', children: parts }) : row(`${id}-body`, { align: 'center', children: parts }),
    action: event('navigate', { to: entry.path }),
    variant: active ? 'primary' : 'borderless',
  });
}

export function createShellView(): (input: ShellInput) => UiNode {
  const navRow = memo((nav: readonly NavEntry[], activeSection: string, compact: boolean) =>
    row('app-nav', {
      justify: compact ? 'spaceAround' : 'end',
      accessibility: { label: 'Sections' },
      children: nav.map((entry) => navButton(entry, sectionOf(entry.path) === activeSection, compact)),
    }),
  );

  const title = text('app-title', { text: 'a2ui orchestrator', variant: 'h3' });
  const compactTitle = text('app-title', { text: 'a2ui orchestrator', variant: 'h5' });

  const header = memo((nav: UiNode, compact: boolean, panelButton: UiNode | null) =>
    compact
      ? column('app-header', {
          children: [row('app-header-top', { align: 'center', justify: 'spaceBetween', children: panelButton ? [compactTitle, panelButton] : [compactTitle] }), nav],
        })
      : row('app-header', { justify: 'spaceBetween', align: 'center', children: [title, nav] }),
  );

  const toast = keyedMemo((id: string, t: Toast) =>
    row(`toast-${id}`, {
      align: 'center',
      accessibility: { label: `${t.variant} notification` },
      children: [
        icon(`toast-${id}-icon`, { name: TOAST_ICONS[t.variant] }),
        text(`toast-${id}-text`, { text: t.message }),
        // A word, not an icon alone: every renderer names the button by its text.
        labelButton(`toast-${id}-dismiss`, 'Dismiss', event('dismiss_toast', { toast_id: id }), { variant: 'borderless' }),
      ],
    }),
  );
  const toastArea = memo((toasts: readonly Toast[]) => {
    const children = toasts.map((t) => toast(t.id, t));
    toast.sweep();
    // No accessibility label here: the official renderer stops redrawing a labelled Column's children
    // (clients name the region themselves).
    return column('app-toasts', { children });
  });

  const content = memo((node: UiNode) => column('app-content', { weight: 3, children: [node] }));
  const root = memo((h: UiNode, t: UiNode, c: UiNode) => column('root', { children: [h, t, c] }));
  // Wide: the panels share a quarter of the width (weights 3:1 from a zero basis), so a long text in a
  // panel never pushes it under the content.
  const wideBody = memo((c: UiNode, panels: readonly UiNode[]) =>
    panels.length === 0 ? c : row('app-body', { align: 'start', children: [c, column('app-panels', { weight: 1, children: [...panels] })] }),
  );
  // Compact: the panels open from the header's Assistant button.
  const panelModal = memo((panels: readonly UiNode[]) =>
    panels.length === 0
      ? null
      : modal('app-panels-modal', {
          trigger: button('app-panels-open', {
            child: row('app-panels-open-body', { align: 'center', children: [icon('app-panels-open-icon', { name: 'help' }), text('app-panels-open.label', { text: 'Assistant' })] }),
            action: event('open_dialog'),
          }),
          content: column('app-panels', { children: [...panels] }),
        }),
  );
  const panelList = memo((...panels: UiNode[]) => panels);

  return (input) => {
    const compact = input.screen !== 'desktop';
    const panels = panelList(...input.panels);
    const nav = navRow(input.nav, sectionOf(input.route.path), compact);
    const c = content(input.content);
    if (!compact) return root(header(nav, false, null), toastArea(input.toasts), wideBody(c, panels));
    return root(header(nav, true, panelModal(panels)), toastArea(input.toasts), c);
  };
}
