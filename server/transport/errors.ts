/**
 * The one error shape of every transport: `{"error": {"code", "message", …details}}`, with the HTTP
 * status of its code. A refusal on purpose is a `PluginError` at every depth (a plugin, a service,
 * the transport itself); anything else is a bug: logged with its details, answered INTERNAL_ERROR
 * without them.
 */
import type { z } from 'zod';
import { ERROR_STATUS, PluginError, describeZodError, type ErrorCode } from '../../agents/errors';
import { MAX_DEPTH, withinDepth } from './bounded-json';

export { PluginError };

/** The body of every HTTP error. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; [detail: string]: unknown };
  /** Fields beside `error` that a refusal documents (PluginError `beside`). */
  [field: string]: unknown;
}

/** A refusal whose HTTP answer carries headers too (a 429's `Retry-After`). */
export class HttpRefusal extends PluginError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(code, message);
  }
}

/** A failure as the transports answer it: its HTTP status, its body, and any headers. */
export interface WireError {
  status: number;
  body: ErrorBody;
  headers?: Readonly<Record<string, string>>;
}

/**
 * Any failure as the one error shape. `where` names the transport in the log line of an unexpected
 * failure (`[http] unexpected error: …`).
 */
export function wireError(error: unknown, where: string): WireError {
  if (error instanceof PluginError) {
    const body: ErrorBody = { ...error.beside, error: { ...error.details, code: error.code, message: error.message } };
    return { status: ERROR_STATUS[error.code], body, ...(error instanceof HttpRefusal ? { headers: error.headers } : {}) };
  }
  console.error(`[${where}] unexpected error:`, error);
  return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal error.' } } };
}

/** The `{code, message}` a socket answers for a failure (see wireError). */
export function errorFields(error: unknown, where: string): { code: ErrorCode; message: string } {
  const { code, message } = wireError(error, where).body.error;
  return { code, message };
}

/**
 * What a client sent (a body, a query, a socket payload), checked against its schema (and, first, its
 * nesting depth: every value a client sends goes through here): the parsed value,
 * or INVALID_INPUT naming the field (`payload.to: …`). `where` names a value that is not an object, such
 * as a path parameter or a header (`id: must be an agent id …`).
 */
export function parseInput<T>(schema: z.ZodType<T, unknown>, value: unknown, where?: string): T {
  // Before the schema walks it: a hostile nesting must not reach anything recursive (bounded-json.ts).
  if (!withinDepth(value)) throw new PluginError('INVALID_INPUT', `${where ?? 'body'}: nested deeper than ${MAX_DEPTH} levels`);
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = describeZodError(parsed.error);
  throw new PluginError('INVALID_INPUT', where ? `${where}: ${message.replace(/^body: /, '')}` : message);
}
