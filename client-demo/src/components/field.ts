/**
 * The frame every input shares: a label around the control (clicking the text focuses it) and an
 * error line under it.
 *
 * When the error shows (forms.ts): a check's message once the field was touched (edited, then left)
 * or its form submitted, so an empty form is not red before anything was typed; a server's verdict
 * (a check whose condition is the literal `false`: the server refused what was sent, and says why at
 * the field) at once, until the user edits the field. `data-invalid` says whether a check fails now,
 * shown or not: a submit is held back by it.
 */
import type { CheckRule } from '../../../renderer/catalog';
import type { RenderContext } from '../render-context';
import { isObject } from '../values';
import { h, setAttr, setClass, setHidden, setText } from './dom';
import { FORM_ANSWERED, SUBMIT_ATTEMPT } from './forms';

export interface Field {
  el: HTMLDivElement;
  label: HTMLLabelElement;
  labelText: HTMLSpanElement;
  error: HTMLDivElement;
  /** Evaluates `checks` (plus a pattern's outcome) for `control` and shows what should show. */
  check(control: Element, checks: unknown, ctx: RenderContext, patternMessage?: string | null): void;
}

/** The server's verdict among `checks`: the message of one whose condition is the literal `false`. */
export function verdictOf(checks: unknown): string | null {
  if (!Array.isArray(checks)) return null;
  const rule = checks.find((c): c is CheckRule => isObject(c) && c.condition === false && typeof c.message === 'string');
  return rule ? rule.message : null;
}

/** The checks that are rules the client evaluates (the verdicts taken out). */
function rulesOf(checks: unknown): unknown {
  return Array.isArray(checks) ? checks.filter((c) => !(isObject(c) && c.condition === false)) : checks;
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

  let touched = false;
  let edited = false;
  let failed: string | null = null;
  let verdict: string | null = null;
  /** The verdict the user has edited past (it stays hidden until the server says something else). */
  let answered: string | null = null;
  let target: Element | null = null;

  const show = () => {
    const message = verdict !== null && verdict !== answered ? verdict : touched ? failed : null;
    setText(error, message ?? '');
    setHidden(error, message === null);
    setClass(el, 'a2-invalid', message !== null);
    el.dataset.invalid = failed !== null ? 'true' : 'false';
    if (target) {
      setAttr(target, 'aria-invalid', message !== null ? 'true' : null);
      setAttr(target, 'aria-describedby', message === null ? null : error.id);
    }
  };
  el.addEventListener('input', () => {
    edited = true;
    if (verdict !== null) answered = verdict;
    show();
  });
  el.addEventListener('change', () => {
    edited = true;
    if (verdict !== null) answered = verdict;
    show();
  });
  el.addEventListener('focusout', () => {
    if (!edited || touched) return;
    touched = true;
    show();
  });
  el.addEventListener(SUBMIT_ATTEMPT, () => {
    touched = true;
    show();
  });
  el.addEventListener(FORM_ANSWERED, () => {
    answered = null;
    show();
  });

  return {
    el,
    label,
    labelText,
    error,
    check(control, checks, ctx, patternMessage = null) {
      target = control;
      failed = ctx.failedCheck(rulesOf(checks)) ?? patternMessage;
      const next = verdictOf(checks);
      if (next !== verdict) answered = null; // a new verdict shows, even one worded as before
      verdict = next;
      show();
    },
  };
}

/** Sets the label text and hides the label's text span when it is empty. */
export function setLabel(field: Field, text: string): void {
  setText(field.labelText, text);
  setHidden(field.labelText, text === '');
}
