/**
 * The frame every input shares: a label around the control (clicking the text focuses it) and an
 * error line under it showing the first failing check's message.
 */
import { h, setAttr, setClass, setHidden, setText } from './dom';

export interface Field {
  el: HTMLDivElement;
  label: HTMLLabelElement;
  labelText: HTMLSpanElement;
  error: HTMLDivElement;
  /** Shows `message` (or clears it) and marks `control` invalid. */
  setError(control: Element, message: string | null, invalid?: boolean): void;
}

export function createField(kind: string, host: { uid: string }): Field {
  const el = h('div', `a2-field a2-${kind}`);
  const label = h('label', 'a2-field-label');
  const labelText = h('span', 'a2-field-label-text');
  label.appendChild(labelText);
  const error = h('div', 'a2-field-error');
  error.id = `${host.uid}-error`;
  error.setAttribute('aria-live', 'polite');
  el.append(label, error);
  return {
    el,
    label,
    labelText,
    error,
    setError(control, message, invalid = message !== null) {
      setText(error, message ?? '');
      setHidden(error, message === null);
      setAttr(control, 'aria-invalid', invalid ? 'true' : null);
      setAttr(control, 'aria-describedby', message === null ? null : error.id);
      setClass(el, 'a2-invalid', invalid);
    },
  };
}

/** Sets the label text and hides the label's text span when it is empty. */
export function setLabel(field: Field, text: string): void {
  setText(field.labelText, text);
  setHidden(field.labelText, text === '');
}
