/**
 * Reading one environment variable into a checked value. A bad value stops the start with a message
 * naming the variable, instead of a server that half works.
 */
import type { z } from 'zod';

export function integerVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

/** An http(s) URL, or undefined when unset. */
export function httpUrlVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!isHttpUrl(raw)) throw new Error(`${name} must be an http(s) URL, got "${raw}"`);
  return raw;
}

export function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * A JSON setting checked against `schema`, or undefined when unset. `shape` describes the expected
 * JSON in the message when the value is not JSON at all.
 */
export function jsonVar<T>(env: NodeJS.ProcessEnv, name: string, schema: z.ZodType<T, unknown>, shape: string): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${name} must be ${shape}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
