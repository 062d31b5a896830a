/**
 * The one error shape: `{"error": {"code", "message"}}` with the HTTP status of its code. Code that
 * fails on purpose throws `ApiError` (or, below the server, `PluginError`); anything else becomes
 * INTERNAL_ERROR without leaking details.
 */
import type { z } from 'zod';
import { PluginError } from '../../agents/errors';
import { ERROR_STATUS, describeZodError, type ErrorBody, type ErrorCode } from './protocol';

/** A PluginError with its HTTP status and body: one error class for a refusal, at every depth. */
export class ApiError extends PluginError {
  readonly status: number;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof PluginError) return new ApiError(error.code, error.message, error.details);
  return new ApiError('INTERNAL_ERROR', 'Internal error.');
}

/**
 * `toApiError` for a transport's answer: a failure that is not on purpose (neither ApiError nor
 * PluginError) is a bug, logged as `[<where>] unexpected error` with its details, which the answer never carries.
 */
export function reportApiError(error: unknown, where: string): ApiError {
  if (!(error instanceof PluginError)) console.error(`[${where}] unexpected error:`, error);
  return toApiError(error);
}

/** The `{code, message}` a socket answers for a failure (see reportApiError). */
export function errorBody(error: unknown, where: string): { code: ErrorCode; message: string } {
  const { code, message } = reportApiError(error, where);
  return { code, message };
}

/**
 * What a client sent (a body, a query, a socket payload), checked against its schema: the parsed value,
 * or INVALID_INPUT naming the field (`payload.to: …`). `where` names a value that is not an object, such
 * as a path parameter or a header (`id: must be an agent id …`).
 */
export function parseInput<T>(schema: z.ZodType<T, unknown>, value: unknown, where?: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = describeZodError(parsed.error);
  throw new ApiError('INVALID_INPUT', where ? `${where}: ${message.replace(/^body: /, '')}` : message);
}
