/**
 * Button: renders its child inside a native button and runs its action on click. Its checks gate the
 * action: while one fails the button is disabled and says why in its tooltip.
 */
import type { ButtonComponent } from '../../../renderer/catalog';
import { h, pick, setAttr, setBoolAttr, setModifier } from './dom';
import { single } from './layout';
import type { ComponentFactory } from './types';

export const buttonView: ComponentFactory<ButtonComponent> = (_component, host) => {
  const el = h('button', 'a2-button');
  el.type = 'button';
  el.addEventListener('click', () => {
    const current = host.component() as ButtonComponent | undefined;
    if (!current || el.disabled) return;
    // Checks are evaluated again at the moment of the click: the data may have changed since the
    // last render (a two-way binding writes without waiting for a frame).
    if (host.context().failedCheck(current.checks) !== null) return;
    host.dispatch(current.action);
  });
  return {
    el,
    update(c, ctx) {
      setModifier(el, 'a2-button', pick(c.variant, ['default', 'primary', 'borderless'] as const, 'default'));
      const failed = ctx.failedCheck(c.checks);
      setBoolAttr(el, 'disabled', failed !== null);
      setAttr(el, 'title', failed);
    },
    slots: (c, ctx) => [{ container: el, children: single(c.child, ctx) }],
  };
};
