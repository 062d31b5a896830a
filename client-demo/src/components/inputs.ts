/**
 * Inputs with two-way binding: TextField, CheckBox, Slider, DateTimeInput. User input is written at
 * once to the local data model at the bound `value` path (which re-renders whatever else reads it);
 * nothing is sent to the server until an action is. A literal (unbound) value is local to the control.
 */
import type {
  CheckBoxComponent,
  DateTimeInputComponent,
  SliderComponent,
  TextFieldComponent,
} from '../../../renderer/catalog';
import { h, pick, setAttr, setText, setValue } from './dom';
import { createField, setLabel } from './field';
import { submitOnEnter } from './forms';
import type { ComponentFactory, ComponentHost } from './types';

/** Writes `value` at the component's bound `value` path, if it has one. */
export function writeBack(host: ComponentHost, value: unknown): void {
  const component = host.component() as { value?: unknown } | undefined;
  const pointer = component ? host.context().pointer(component.value) : null;
  if (pointer !== null) host.write(pointer, value);
}

const TEXT_VARIANTS = ['shortText', 'longText', 'number', 'obscured'] as const;
const INPUT_TYPES = { shortText: 'text', number: 'number', obscured: 'password' } as const;

export const textFieldView: ComponentFactory<TextFieldComponent> = (_component, host) => {
  const field = createField('textfield', host);
  let control: HTMLInputElement | HTMLTextAreaElement = h('input', 'a2-control');
  field.label.appendChild(control);
  const onInput = (event: Event) => writeBack(host, (event.target as HTMLInputElement).value);
  const onKeyDown = (event: Event) => submitOnEnter(control, event as KeyboardEvent);

  /** longText needs a textarea, the others an input: the control is swapped when the variant changes. */
  const ensureControl = (variant: (typeof TEXT_VARIANTS)[number]) => {
    const wantsArea = variant === 'longText';
    if (wantsArea !== control instanceof HTMLTextAreaElement) {
      const next: HTMLInputElement | HTMLTextAreaElement = wantsArea ? h('textarea', 'a2-control') : h('input', 'a2-control');
      next.value = control.value;
      control.replaceWith(next);
      control = next;
      control.addEventListener('input', onInput);
      control.addEventListener('keydown', onKeyDown);
    }
    if (control instanceof HTMLInputElement && variant !== 'longText') {
      setAttr(control, 'type', INPUT_TYPES[variant]);
      setAttr(control, 'autocomplete', variant === 'obscured' ? 'current-password' : null);
    }
  };
  control.addEventListener('input', onInput);
  control.addEventListener('keydown', onKeyDown);

  return {
    el: field.el,
    get a11yTarget() {
      return control;
    },
    update(c, ctx) {
      ensureControl(pick(c.variant, TEXT_VARIANTS, 'shortText'));
      setLabel(field, ctx.text(c.label));
      if (c.value !== undefined) setValue(control, ctx.text(c.value));
      field.check(control, c.checks, ctx, matches(c.validationRegexp, control.value) ? null : 'This is not in the expected format.');
    },
  };
};

/** validationRegexp: an empty field is not invalid (that is what a `required` check is for). */
function matches(pattern: unknown, value: string): boolean {
  if (typeof pattern !== 'string' || value === '') return true;
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return true; // a broken pattern from the server must not lock the user out
  }
}

export const checkBoxView: ComponentFactory<CheckBoxComponent> = (_component, host) => {
  const field = createField('checkbox', host);
  const box = h('input', 'a2-control');
  box.type = 'checkbox';
  field.label.prepend(box);
  box.addEventListener('change', () => writeBack(host, box.checked));
  return {
    el: field.el,
    a11yTarget: box,
    update(c, ctx) {
      setLabel(field, ctx.text(c.label));
      const checked = ctx.boolean(c.value);
      if (box.checked !== checked) box.checked = checked;
      field.check(box, c.checks, ctx);
    },
  };
};

export const sliderView: ComponentFactory<SliderComponent> = (_component, host) => {
  const field = createField('slider', host);
  const range = h('input', 'a2-control');
  range.type = 'range';
  range.step = 'any';
  const output = h('output', 'a2-slider-value');
  field.label.append(range, output);
  range.addEventListener('input', () => {
    setText(output, range.value);
    writeBack(host, Number(range.value));
  });
  return {
    el: field.el,
    a11yTarget: range,
    update(c, ctx) {
      setLabel(field, ctx.text(c.label));
      // Bounds before the value: the browser clamps the value to the bounds it has at that moment.
      setAttr(range, 'min', String(typeof c.min === 'number' ? c.min : 0));
      setAttr(range, 'max', String(typeof c.max === 'number' ? c.max : 100));
      setValue(range, String(ctx.number(c.value)));
      setText(output, range.value);
      field.check(range, c.checks, ctx);
    },
  };
};

type DateKind = 'date' | 'time' | 'datetime-local';

function dateKind(c: DateTimeInputComponent): DateKind {
  if (c.enableDate && !c.enableTime) return 'date';
  if (c.enableTime && !c.enableDate) return 'time';
  return 'datetime-local'; // both, or neither set (then a full timestamp is the least surprising)
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO 8601 string from the model → the value format of an `<input type=kind>`. */
export function isoToInput(iso: string, kind: DateKind): string {
  if (iso === '') return '';
  if (kind === 'time') {
    const time = /(\d{2}:\d{2})(:\d{2})?/.exec(iso.includes('T') ? iso.slice(iso.indexOf('T')) : iso);
    return time ? time[1]! : '';
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return kind === 'date' ? iso : `${iso}T00:00`;
  const date = new Date(iso); // a date-time with zone: shown in the user's local time
  if (Number.isNaN(date.getTime())) return '';
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return kind === 'date' ? day : `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The input's value → ISO 8601 for the model: `YYYY-MM-DD`, `HH:MM`, or a UTC date-time. */
export function inputToIso(value: string, kind: DateKind): string {
  if (value === '' || kind !== 'datetime-local') return value;
  const date = new Date(value); // parsed as local time, as the user picked it
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

export const dateTimeInputView: ComponentFactory<DateTimeInputComponent> = (component, host) => {
  const field = createField('datetime', host);
  const input = h('input', 'a2-control');
  let kind = dateKind(component);
  field.label.appendChild(input);
  input.addEventListener('input', () => writeBack(host, inputToIso(input.value, kind)));
  return {
    el: field.el,
    a11yTarget: input,
    update(c, ctx) {
      kind = dateKind(c);
      setAttr(input, 'type', kind);
      setLabel(field, ctx.text(c.label));
      setAttr(input, 'min', c.min === undefined ? null : isoToInput(ctx.text(c.min), kind) || null);
      setAttr(input, 'max', c.max === undefined ? null : isoToInput(ctx.text(c.max), kind) || null);
      setValue(input, isoToInput(ctx.text(c.value), kind));
      field.check(input, c.checks, ctx);
    },
  };
};
