/**
 * What the thin client knows of the product's shell, by its well-known component ids (agents/shell):
 * the toast area is a live region (toasts are read out as they come), and a toast under the pointer
 * or the keyboard focus is held (`hold_toast`), so a success does not vanish while it is being read.
 * Everything else about the shell is plain basic-catalog components, drawn as any other.
 */

/** Attributes for an element of a well-known component, set once when it is created. */
export function decorate(el: HTMLElement, id: string): void {
  if (id === 'app-toasts') {
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', 'Notifications');
    el.setAttribute('aria-live', 'polite');
  }
}

const TOAST_ROW = /^toast-(t\d+)$/;

/** The toast (its id without the `toast-` prefix) that `target` is in, if any. */
function toastOf(target: EventTarget | null): string | null {
  const row = target instanceof Element ? target.closest('[data-id^="toast-"][data-component="Row"]') : null;
  const match = row ? TOAST_ROW.exec(row.getAttribute('data-id') ?? '') : null;
  return match ? match[1]! : null;
}

/** Sends `hold_toast` when the pointer or focus enters a toast, and again when it leaves. */
export function watchToastHolds(container: HTMLElement, send: (toastId: string, held: boolean) => void): void {
  const change = (from: EventTarget | null, to: EventTarget | null) => {
    const left = toastOf(from);
    const entered = toastOf(to);
    if (left === entered) return;
    if (left) send(left, false);
    if (entered) send(entered, true);
  };
  container.addEventListener('pointerover', (event) => change(event.relatedTarget, event.target));
  container.addEventListener('pointerout', (event) => {
    if (!container.contains(event.relatedTarget as Node | null)) change(event.target, null);
  });
  container.addEventListener('focusin', (event) => change(event.relatedTarget, event.target));
  container.addEventListener('focusout', (event) => {
    if (!container.contains(event.relatedTarget as Node | null)) change(event.target, null);
  });
}
