/**
 * Errors at the field. When an action's payload fails its schema, the server refuses it (400
 * INVALID_INPUT, nothing done) and keeps, in the view, each failing field's message (`FieldErrors`).
 * A view puts that message at the field that sent the value: a check whose condition is the literal
 * `false`, which every renderer shows as the field's error, and which the thin client takes for the
 * server's verdict (shown at once, hidden once the user edits the field).
 */
import type { z } from 'zod';
import type { CheckRule } from '../renderer';
import type { FieldErrors } from './types';

/** `{field: message}` of a schema failure: the first message of each top-level field, as a sentence. */
export function fieldMessages(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (typeof field !== 'string' || Object.hasOwn(fields, field)) continue;
    fields[field] = sentence(issue.message);
  }
  return fields;
}

function sentence(message: string): string {
  const trimmed = message.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The server's message for `field` of `action`, if its last payload was refused for it. */
export function fieldError(errors: FieldErrors | null | undefined, action: string, field: string): string | null {
  if (!errors || errors.action !== action || !Object.hasOwn(errors.fields, field)) return null;
  return errors.fields[field]!;
}

/** A field's checks: its own rules, then the server's verdict on it (when there is one). */
export function fieldChecks(rules: readonly CheckRule[], verdict: string | null): CheckRule[] | undefined {
  const checks = verdict === null ? [...rules] : [...rules, { condition: false, message: verdict }];
  return checks.length > 0 ? checks : undefined;
}

/** A `required` rule for a bound value. */
export function requiredRule(path: string, message: string): CheckRule {
  return { condition: { call: 'required', args: { value: { path } }, returnType: 'boolean' }, message };
}
