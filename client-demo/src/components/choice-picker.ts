/**
 * ChoicePicker: a group of checkboxes (multipleSelection) or radios (mutuallyExclusive), shown as a
 * list or as chips, optionally with a filter box. The selection is a string list at the bound `value`
 * path, written back on every change. The filter text is local UI state.
 */
import type { ChoicePickerComponent } from '../../../renderer/catalog';
import { isObject } from '../values';
import { h, pick, setAttr, setClass, setHidden, setModifier, setText } from './dom';
import { writeBack } from './inputs';
import { SUBMIT_ATTEMPT } from './forms';
import type { ComponentFactory, ComponentHost } from './types';

interface OptionRow {
  row: HTMLLabelElement;
  input: HTMLInputElement;
  text: HTMLSpanElement;
}

export const choicePickerView: ComponentFactory<ChoicePickerComponent> = (_component, host) => {
  const el = h('fieldset', 'a2-choice');
  const legend = h('legend', 'a2-choice-label');
  const filter = h('input', 'a2-choice-filter');
  filter.type = 'search';
  filter.placeholder = 'Filter';
  filter.setAttribute('aria-label', 'Filter options');
  const list = h('div', 'a2-choice-options');
  const error = h('div', 'a2-field-error');
  error.setAttribute('aria-live', 'polite');
  el.append(legend, filter, list, error);
  const rows: OptionRow[] = [];
  // As a field's (field.ts): the error shows once the choice was changed or its form submitted.
  let touched = false;
  let failed: string | null = null;
  const showError = () => {
    const message = touched ? failed : null;
    setText(error, message ?? '');
    setHidden(error, message === null);
    setClass(el, 'a2-invalid', message !== null);
    el.dataset.invalid = failed !== null ? 'true' : 'false';
  };
  el.addEventListener(SUBMIT_ATTEMPT, () => {
    touched = true;
    showError();
  });

  const applyFilter = () => {
    const query = filter.value.trim().toLowerCase();
    for (const { row, text } of rows) setHidden(row, query !== '' && !(text.textContent ?? '').toLowerCase().includes(query));
  };
  filter.addEventListener('input', applyFilter);
  list.addEventListener('change', (event) => {
    const target = event.target as HTMLInputElement;
    if (target.tagName !== 'INPUT') return;
    touched = true;
    writeSelection(host, rows, target);
  });

  return {
    el,
    update(c, ctx) {
      const multiple = pick(c.variant, ['multipleSelection', 'mutuallyExclusive'] as const, 'mutuallyExclusive') === 'multipleSelection';
      setModifier(el, 'a2-choice', pick(c.displayStyle, ['checkbox', 'chips'] as const, 'checkbox'));
      const label = ctx.text(c.label);
      setText(legend, label);
      setHidden(legend, label === '');
      setHidden(filter, c.filterable !== true);

      // Option rows are reused by position: a changed label edits one row.
      const options = Array.isArray(c.options) ? c.options.filter(isObject) : [];
      while (rows.length > options.length) rows.pop()!.row.remove();
      while (rows.length < options.length) {
        const row = h('label', 'a2-choice-option');
        const input = h('input');
        const text = h('span');
        row.append(input, text);
        list.appendChild(row);
        rows.push({ row, input, text });
      }
      const selected = new Set(ctx.stringList(c.value));
      options.forEach((option, index) => {
        const { input, text } = rows[index]!;
        setAttr(input, 'type', multiple ? 'checkbox' : 'radio');
        setAttr(input, 'name', host.uid); // one radio group per picker
        setAttr(input, 'value', typeof option.value === 'string' ? option.value : '');
        const checked = selected.has(input.value);
        if (input.checked !== checked) input.checked = checked;
        setText(text, ctx.text(option.label));
      });
      applyFilter();

      failed = ctx.failedCheck(c.checks);
      showError();
    },
  };
};

/** The new selection after `changed` toggled: every checked option, in option order. */
function writeSelection(host: ComponentHost, rows: OptionRow[], changed: HTMLInputElement): void {
  writeBack(host, changed.type === 'radio' ? [changed.value] : rows.filter((r) => r.input.checked).map((r) => r.input.value));
}
