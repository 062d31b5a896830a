/**
 * Button: renders its child inside a native button and runs its action on click.
 *
 * - Its checks gate the action: while one fails the button is disabled and says why in its tooltip.
 * - A button that submits a form (the fields around it, forms.ts) first checks them: when one fails,
 *   nothing is sent, every field of the form shows its error and the first one takes the focus.
 * - While its action is on its way to the server the button is busy (`aria-busy`, a spinner): a
 *   second click does nothing, so a form is never submitted twice.
 */
import type { ButtonComponent } from '../../../renderer/catalog';
import { h, pick, setAttr, setBoolAttr, setClass, setModifier } from './dom';
import { blockedByForm, fieldsOf, formAnswered } from './forms';
import { single } from './layout';
import type { ComponentFactory } from './types';

export const buttonView: ComponentFactory<ButtonComponent> = (_component, host) => {
  const el = h('button', 'a2-button');
  el.type = 'button';
  let busy = false;
  const setBusy = (on: boolean) => {
    busy = on;
    setAttr(el, 'aria-busy', on ? 'true' : null);
    setClass(el, 'a2-busy', on);
  };
  el.addEventListener('click', () => {
    const current = host.component() as ButtonComponent | undefined;
    if (!current || el.disabled || busy) return;
    // Checks are evaluated again at the moment of the click: the data may have changed since the
    // last render (a two-way binding writes without waiting for a frame).
    if (host.context().failedCheck(current.checks) !== null) return;
    if (blockedByForm(el)) return;
    const fields = fieldsOf(el);
    const pending = host.dispatch(current.action);
    if (pending instanceof Promise) {
      setBusy(true);
      void pending.finally(() => {
        setBusy(false);
        formAnswered(fields);
      });
    }
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
