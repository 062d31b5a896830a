/**
 * Forms, as a person expects them, over plain basic-catalog components. The catalog has no form
 * component: a form here is the smallest container around a button that holds fields (and around a
 * field, the smallest that holds a button), never crossing a card, a dialog or the shell's regions.
 *
 * - A field shows its check's error only once it has been touched (edited and left) or its form was
 *   submitted; a server's verdict on it (a check whose condition is the literal `false`) shows at once.
 * - Pressing a button of a form with a failing field sends nothing: every field shows its error and
 *   the first one takes the focus.
 * - Enter in a one-line field presses its form's button (the primary one, else the only one);
 *   Ctrl+Enter (⌘+Enter) does so from a multi-line field, where Enter is a new line.
 */

/** Sent to each field of a form whose button was pressed: show your error now. */
export const SUBMIT_ATTEMPT = 'a2-submit-attempt';
/**
 * Sent to each field of a form once the server answered its button's action: a verdict the user had
 * edited past and that the server did not take back (so its props did not change) shows again.
 */
export const FORM_ANSWERED = 'a2-form-answered';

const FIELD = '.a2-field, .a2-choice';
/** A form is at most a card or a dialog (which may be the form itself)... */
const OUTER = '.a2-card, dialog';
/** ...and never reaches one of the shell's regions. */
const SHELL = '[data-id="app-content"], [data-id="app-panels"], [data-id="app-toasts"], [data-id="app-header"], [data-id="root"]';
/** How far up a form is looked for (a form is a small group, not the page). */
const MAX_LEVELS = 5;

/** The smallest container above `from` holding something `selector` matches (within the form's bounds). */
function nearest(from: Element, selector: string): Element | null {
  let node = from.parentElement;
  for (let level = 0; node && level < MAX_LEVELS; level++, node = node.parentElement) {
    if (node.matches(SHELL)) return null;
    if (node.querySelector(selector)) return node;
    if (node.matches(OUTER)) return null;
  }
  return null;
}

/**
 * The button's form has a field whose check fails: each field is told to show its error, the first
 * takes the focus, and the caller sends nothing.
 */
export function blockedByForm(button: HTMLElement): boolean {
  const fields = fieldsOf(button);
  const invalid = fields.filter((field) => field.dataset.invalid === 'true');
  if (invalid.length === 0) return false;
  for (const field of fields) field.dispatchEvent(new CustomEvent(SUBMIT_ATTEMPT));
  invalid[0]!.querySelector<HTMLElement>('input, textarea, select')?.focus();
  return true;
}

/** The fields of the button's form (none when it has no form). */
export function fieldsOf(button: HTMLElement): HTMLElement[] {
  const form = nearest(button, FIELD);
  return form ? Array.from(form.querySelectorAll<HTMLElement>(FIELD)) : [];
}

/** The server answered the action of a button whose form held `fields`. */
export function formAnswered(fields: readonly HTMLElement[]): void {
  for (const field of fields) if (field.isConnected) field.dispatchEvent(new CustomEvent(FORM_ANSWERED));
}

/** Enter (or Ctrl+Enter in a multi-line field) pressed in `control`: its form's button is pressed. */
export function submitOnEnter(control: HTMLInputElement | HTMLTextAreaElement, event: KeyboardEvent): void {
  if (event.key !== 'Enter' || event.isComposing || event.shiftKey || event.altKey) return;
  const multiline = control instanceof HTMLTextAreaElement;
  if (multiline !== (event.ctrlKey || event.metaKey)) return;
  const form = nearest(control, '.a2-button');
  if (!form) return;
  const buttons = Array.from(form.querySelectorAll<HTMLButtonElement>('button.a2-button')).filter((b) => !b.closest('dialog') || b.closest('dialog') === control.closest('dialog'));
  const target = buttons.find((b) => b.classList.contains('a2-button--primary')) ?? (buttons.length === 1 ? buttons[0] : undefined);
  if (!target || target.disabled) return;
  event.preventDefault();
  target.click();
}
