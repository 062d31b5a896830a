/**
 * The shapes of A2UI dynamic values and the spec's type coercion rules (renderer_guide.md, "Type
 * Coercion Standards"), in one place so every component converts the same way.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{path}`: a data binding. A ChildList template also has `path`, but it is never read as a value. */
export function isDataBinding(value: unknown): value is { path: string } {
  return isObject(value) && typeof value.path === 'string' && !('componentId' in value) && !('call' in value);
}

/** `{call, args?}`: a client-side function call. */
export function isFunctionCall(value: unknown): value is { call: string; args?: unknown } {
  return isObject(value) && typeof value.call === 'string';
}

/** Any → string: null/undefined → '', objects and arrays → JSON, the rest → their standard form. */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Any → number: numeric strings parse, null/undefined and anything unparsable → `fallback` (0). */
export function toNumber(value: unknown, fallback = 0): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : fallback;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : fallback;
  }
  return fallback;
}

/** Any → boolean: "true"/"false" strings (any case), numbers by zero; other strings are false. */
export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  return false;
}

/** A string list (ChoicePicker's selection): non-arrays are empty, items are coerced to strings. */
export function toStringList(value: unknown): string[] {
  if (!Array.isArray(value)) return typeof value === 'string' && value !== '' ? [value] : [];
  return value.map(toText);
}
