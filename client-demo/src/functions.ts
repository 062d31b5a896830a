/**
 * The basic catalog's client-side functions (basic_catalog_implementation_guide.md §2) that a check or
 * a dynamic property can call. Arguments arrive unresolved and are resolved through `resolve` (which
 * reads the data model and records the binding), so `and`/`or` can stop at the first deciding value
 * and the bindings of the values they never looked at are not recorded.
 *
 * `openUrl` is an effect, not a value: it runs from a Button action (surface-view.ts), never here.
 */
import { isObject, toBoolean, toNumber, toText } from './values';

export type Resolve = (value: unknown) => unknown;
type Args = Record<string, unknown>;
type Implementation = (args: Args, resolve: Resolve) => unknown;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `required`: present, i.e. not null/undefined, not '' and not []. */
function required(args: Args, resolve: Resolve): boolean {
  const value = resolve(args.value);
  if (value === null || value === undefined || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** `regex`: the string matches `pattern` (unanchored, as RegExp.test). A broken pattern never matches. */
function regex(args: Args, resolve: Resolve): boolean {
  const pattern = resolve(args.pattern);
  if (typeof pattern !== 'string') return false;
  try {
    return new RegExp(pattern).test(toText(resolve(args.value)));
  } catch {
    return false;
  }
}

/** `length`: min ≤ length ≤ max (each bound only when given). Lists count their items. */
function length(args: Args, resolve: Resolve): boolean {
  const value = resolve(args.value);
  const size = Array.isArray(value) ? value.length : toText(value).length;
  return inRange(size, resolve(args.min), resolve(args.max));
}

/** `numeric`: parses as a number within min..max; an unparsable value is invalid. */
function numeric(args: Args, resolve: Resolve): boolean {
  const value = resolve(args.value);
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(number)) return false;
  return inRange(number, resolve(args.min), resolve(args.max));
}

function inRange(value: number, min: unknown, max: unknown): boolean {
  if (typeof min === 'number' && value < min) return false;
  if (typeof max === 'number' && value > max) return false;
  return true;
}

function email(args: Args, resolve: Resolve): boolean {
  return EMAIL.test(toText(resolve(args.value)));
}

/** The items of `values`: a literal list of dynamic booleans, or a binding to a list. */
function items(args: Args, resolve: Resolve): unknown[] {
  const values = Array.isArray(args.values) ? args.values : resolve(args.values);
  return Array.isArray(values) ? values : [];
}

function and(args: Args, resolve: Resolve): boolean {
  for (const item of items(args, resolve)) if (!toBoolean(resolve(item))) return false;
  return true;
}

function or(args: Args, resolve: Resolve): boolean {
  for (const item of items(args, resolve)) if (toBoolean(resolve(item))) return true;
  return false;
}

function not(args: Args, resolve: Resolve): boolean {
  return !toBoolean(resolve(args.value));
}

/**
 * `formatString`, data paths only: `${/abs/path}` and `${relative/path}` are replaced by the value
 * there; `\${` is a literal `${`. Function calls inside `${...}` are not supported and stay as written.
 */
function formatString(args: Args, resolve: Resolve): string {
  const template = toText(resolve(args.value));
  return template.replace(/\\\$\{|\$\{([^}]*)\}/g, (match, expression: string | undefined) => {
    if (expression === undefined) return '${';
    const path = expression.trim();
    if (!/^[^\s(),'"]+$/.test(path)) return match;
    return toText(resolve({ path }));
  });
}

function formatNumber(args: Args, resolve: Resolve): string {
  const decimals = resolve(args.decimals);
  const options: Intl.NumberFormatOptions = { useGrouping: resolve(args.grouping) !== false };
  if (typeof decimals === 'number' && decimals >= 0 && decimals <= 20) {
    options.minimumFractionDigits = decimals;
    options.maximumFractionDigits = decimals;
  }
  return new Intl.NumberFormat(undefined, options).format(toNumber(resolve(args.value)));
}

function formatCurrency(args: Args, resolve: Resolve): string {
  const currency = toText(resolve(args.currency)) || 'USD';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(toNumber(resolve(args.value)));
  } catch {
    return `${toNumber(resolve(args.value))} ${currency}`; // an unknown currency code
  }
}

function pluralize(args: Args, resolve: Resolve): string {
  const category = new Intl.PluralRules().select(toNumber(resolve(args.value)));
  const chosen = category in args ? args[category] : args.other;
  return toText(resolve(chosen));
}

const FUNCTIONS: Readonly<Record<string, Implementation>> = {
  required,
  regex,
  length,
  numeric,
  email,
  and,
  or,
  not,
  formatString,
  formatNumber,
  formatCurrency,
  pluralize,
};

const warned = new Set<string>();

/** Runs a catalog function; an unknown one (or `openUrl` used as a value) is undefined, warned once. */
export function callFunction(name: string, args: unknown, resolve: Resolve): unknown {
  const implementation = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!implementation) {
    if (!warned.has(name)) {
      warned.add(name);
      console.warn(`a2ui: function "${name}" is not supported by this client`);
    }
    return undefined;
  }
  return implementation(isObject(args) ? args : {}, resolve);
}
