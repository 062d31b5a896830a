/**
 * Containers: Row, Column, List, Card, Tabs, Modal. Each owns its element and the structure inside it
 * (tab headers, the dialog) and names its slots; the surface view puts the children's elements into
 * the slots, moving existing ones rather than re-creating them.
 */
import type {
  CardComponent,
  ColumnComponent,
  ListComponent,
  ModalComponent,
  RowComponent,
  TabsComponent,
} from '../../../renderer/catalog';
import { isObject } from '../values';
import { iconPath } from '../icon-paths';
import { svgIcon } from './content';
import { h, pick, setAttr, setModifier, setStyle, setText } from './dom';
import type { ChildRef, ComponentFactory, RenderContext } from './types';

const JUSTIFY = {
  start: 'flex-start',
  center: 'center',
  end: 'flex-end',
  spaceBetween: 'space-between',
  spaceAround: 'space-around',
  spaceEvenly: 'space-evenly',
  stretch: 'stretch',
} as const;
const ALIGN = { start: 'flex-start', center: 'center', end: 'flex-end', stretch: 'stretch' } as const;
const JUSTIFY_KEYS = Object.keys(JUSTIFY) as Array<keyof typeof JUSTIFY>;
const ALIGN_KEYS = Object.keys(ALIGN) as Array<keyof typeof ALIGN>;

function flexView(kind: 'row' | 'column'): ComponentFactory<RowComponent | ColumnComponent> {
  return () => {
    const el = h('div', `a2-flex a2-${kind}`);
    return {
      el,
      update(c) {
        const justify = pick(c.justify, JUSTIFY_KEYS, 'start');
        setStyle(el, 'justify-content', JUSTIFY[justify]);
        // `stretch` on the main axis has no CSS equivalent in flexbox: the class makes children grow.
        setModifier(el, 'a2-justify', justify === 'stretch' ? 'stretch' : null);
        setStyle(el, 'align-items', ALIGN[pick(c.align, ALIGN_KEYS, 'stretch')]);
      },
      slots: (c, ctx) => [{ container: el, children: ctx.childList(c.children) }],
    };
  };
}

export const rowView = flexView('row') as ComponentFactory<RowComponent>;
export const columnView = flexView('column') as ComponentFactory<ColumnComponent>;

/**
 * List: its items in a scroller of their own. A vertical list that scrolls (the page gave it a height:
 * an agent's transcript) follows its tail: new items keep it scrolled to the end, until the user
 * scrolls up to read; then a "Jump to latest" button brings it back and it follows again.
 */
export const listView: ComponentFactory<ListComponent> = () => {
  const el = h('div', 'a2-list');
  const items = h('div', 'a2-list-items');
  const jump = h('button', 'a2-follow-jump');
  jump.type = 'button';
  jump.hidden = true;
  jump.append(svgIcon(iconPath('arrowForward')), 'Jump to latest');
  el.append(items, jump);
  let vertical = true;
  let following = true;
  const scrollable = () => items.scrollHeight > items.clientHeight + 1;
  const atEnd = () => items.scrollHeight - items.scrollTop - items.clientHeight < 24;
  const toEnd = () => {
    items.scrollTop = items.scrollHeight;
  };
  items.addEventListener('scroll', () => {
    if (!vertical) return;
    following = atEnd();
    jump.hidden = following || !scrollable();
  });
  jump.addEventListener('click', () => {
    following = true;
    jump.hidden = true;
    toEnd();
    items.focus({ preventScroll: true });
  });
  // Items added or changed (a burst of output lines is one frame, so one callback).
  const observer = new MutationObserver(() => {
    // A scroller must be reachable by keyboard (its lines have nothing focusable).
    setAttr(items, 'tabindex', scrollable() ? '0' : null);
    if (!vertical) return;
    if (following) toEnd();
    else jump.hidden = !scrollable();
  });
  observer.observe(items, { childList: true, subtree: true, characterData: true });
  // The scroller gets its height once on the page (lines from a snapshot arrive before that): a
  // following list goes to its end then, and whenever the page resizes it.
  const resized = new ResizeObserver(() => {
    if (vertical && following) toEnd();
  });
  resized.observe(items);
  return {
    el,
    update(c) {
      const direction = pick(c.direction, ['vertical', 'horizontal'] as const, 'vertical');
      vertical = direction === 'vertical';
      setModifier(el, 'a2-list', direction);
      setStyle(items, 'align-items', ALIGN[pick(c.align, ALIGN_KEYS, 'stretch')]);
    },
    slots: (c, ctx) => [{ container: items, children: ctx.childList(c.children) }],
    dispose() {
      observer.disconnect();
      resized.disconnect();
    },
  };
};

/** One child id (Card.child, Button.child, ...) as a slot's children, in the parent's scope. */
export function single(id: unknown, ctx: RenderContext): ChildRef[] {
  return typeof id === 'string' ? [{ id, scope: ctx.scope }] : [];
}

export const cardView: ComponentFactory<CardComponent> = () => {
  const el = h('section', 'a2-card');
  return {
    el,
    update() {},
    slots: (c, ctx) => [{ container: el, children: single(c.child, ctx) }],
  };
};

/** Tab headers and the selected tab's child. The selection is local UI state, never sent anywhere. */
export const tabsView: ComponentFactory<TabsComponent> = (_component, host) => {
  const el = h('div', 'a2-tabs');
  const bar = h('div', 'a2-tabs-bar');
  bar.setAttribute('role', 'tablist');
  const panel = h('div', 'a2-tabs-panel');
  panel.setAttribute('role', 'tabpanel');
  panel.id = `${host.uid}-panel`;
  el.append(bar, panel);
  let selected = 0;

  const select = (index: number) => {
    if (index === selected) return;
    selected = index;
    host.refresh();
  };
  bar.addEventListener('click', (event) => {
    const tab = (event.target as Element).closest('[role="tab"]');
    if (tab && tab.parentElement === bar) select(Array.prototype.indexOf.call(bar.children, tab));
  });
  bar.addEventListener('keydown', (event) => {
    // Arrow keys move between tabs, as in the WAI-ARIA tabs pattern.
    const count = bar.children.length;
    if (count === 0 || (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft')) return;
    const next = (selected + (event.key === 'ArrowRight' ? 1 : count - 1)) % count;
    select(next);
    (bar.children[next] as HTMLElement | undefined)?.focus();
  });

  const tabsOf = (c: TabsComponent) => (Array.isArray(c.tabs) ? c.tabs.filter(isObject) : []);
  return {
    el,
    update(c, ctx) {
      const tabs = tabsOf(c);
      if (selected >= tabs.length) selected = Math.max(0, tabs.length - 1);
      // Headers are reused by position: a title change edits one header's text.
      while (bar.children.length > tabs.length) bar.lastElementChild!.remove();
      while (bar.children.length < tabs.length) {
        const button = h('button', 'a2-tab');
        button.type = 'button';
        button.setAttribute('role', 'tab');
        button.setAttribute('aria-controls', panel.id);
        bar.appendChild(button);
      }
      tabs.forEach((tab, index) => {
        const button = bar.children[index] as HTMLButtonElement;
        setText(button, ctx.text(tab.title));
        setAttr(button, 'aria-selected', String(index === selected));
        setAttr(button, 'tabindex', index === selected ? '0' : '-1');
      });
    },
    slots(c, ctx) {
      const tab = tabsOf(c)[selected];
      return [{ container: panel, children: tab ? single(tab.child, ctx) : [] }];
    },
  };
};

/**
 * The trigger is shown inline; activating it opens a native `<dialog>` (focus trap, Escape, backdrop)
 * holding the content and a close button. The trigger's own action is intercepted: in A2UI the trigger
 * of a Modal only opens it.
 */
export const modalView: ComponentFactory<ModalComponent> = () => {
  const el = h('div', 'a2-modal');
  const trigger = h('div', 'a2-modal-trigger');
  const dialog = h('dialog', 'a2-modal-dialog');
  const close = h('button', 'a2-modal-close');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close');
  close.append(svgIcon(iconPath('close')));
  const content = h('div', 'a2-modal-content');
  dialog.append(close, content);
  el.append(trigger, dialog);

  trigger.addEventListener(
    'click',
    (event) => {
      event.preventDefault();
      event.stopPropagation(); // capture phase: the trigger's own handler never runs
      if (!dialog.open) dialog.showModal();
    },
    true,
  );
  close.addEventListener('click', () => dialog.close());
  // A click on the backdrop lands on the dialog element itself, outside its content box.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  return {
    el,
    update() {},
    slots: (c, ctx) => [
      { container: trigger, children: single(c.trigger, ctx) },
      { container: content, children: single(c.content, ctx) },
    ],
    dispose() {
      if (dialog.open) dialog.close();
    },
  };
};
