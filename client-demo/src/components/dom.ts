/**
 * Small DOM writers that change nothing when the value is already there, so re-rendering an element
 * whose inputs did not change produces no mutation at all. Text goes in through text nodes only:
 * server data never reaches an HTML parser.
 */

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  return el;
}

/** Sets the text of an element that holds only text: edits the existing text node when there is one. */
export function setText(el: Element, text: string): void {
  const first = el.firstChild;
  if (first && first === el.lastChild && first.nodeType === Node.TEXT_NODE) {
    if ((first as Text).data !== text) (first as Text).data = text;
    return;
  }
  if (text === '' && !first) return;
  el.replaceChildren(document.createTextNode(text));
}

/** Sets (string) or removes (null) an attribute. */
export function setAttr(el: Element, name: string, value: string | null): void {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) {
    el.setAttribute(name, value);
  }
}

export function setBoolAttr(el: Element, name: string, on: boolean): void {
  setAttr(el, name, on ? '' : null);
}

/** Sets (string) or removes (null) one inline style property (CSSOM, so a CSP without inline styles allows it). */
export function setStyle(el: HTMLElement, property: string, value: string | null): void {
  if (value === null) {
    if (el.style.getPropertyValue(property) !== '') el.style.removeProperty(property);
  } else if (el.style.getPropertyValue(property) !== value) {
    el.style.setProperty(property, value);
  }
}

/** Keeps exactly one `<base>--<value>` modifier class (or none when value is null). */
export function setModifier(el: Element, base: string, value: string | null): void {
  const wanted = value === null ? null : `${base}--${value}`;
  for (const name of Array.from(el.classList)) {
    if (name.startsWith(`${base}--`) && name !== wanted) el.classList.remove(name);
  }
  if (wanted && !el.classList.contains(wanted)) el.classList.add(wanted);
}

/** A form control's live value: written only when it differs, so typing is never interrupted. */
export function setValue(control: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  if (control.value !== value) control.value = value;
}

/** One of `allowed`, or the catalog's default. */
export function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** `hidden` without a mutation when it is already in that state. */
export function setHidden(el: HTMLElement, hidden: boolean): void {
  setBoolAttr(el, 'hidden', hidden);
}

/** Adds or removes one class, without a mutation when it is already in that state. */
export function setClass(el: Element, name: string, on: boolean): void {
  if (el.classList.contains(name) !== on) el.classList.toggle(name, on);
}
