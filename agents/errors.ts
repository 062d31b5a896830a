/**
 * The product's error codes and their HTTP statuses, and the error a plugin or service throws on
 * purpose. They live here, below the server, because services (git, processes, mail) raise them and
 * a plugin never imports the server; the server turns a `PluginError` into its one error shape, and an
 * action's error toast shows its message as it is.
 */
import type { z } from 'zod';

export const ERROR_STATUS = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  NO_SESSION: 404,
  NO_RESUMABLE_SESSION: 404,
  SESSION_EXISTS: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 502,
  /** An operation passed its own time limit (git slower than A2UI_GIT_TIMEOUT_MS) or was cancelled; nothing of it stays. */
  TIMEOUT: 504,
  /** No AI provider is configured (the assistant, drafts): the message says how to enable one. */
  AI_DISABLED: 503,
  WORKTREES_DISABLED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class PluginError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields of the error body (e.g. the existing session for SESSION_EXISTS). */
    readonly details?: Record<string, unknown>,
    /**
     * Fields of the answer beside `error` (a documented client reads the agent server's 409 as
     * `{"error": {…}, "existingSession": {…}}`). `error` itself cannot be replaced.
     */
    readonly beside?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PluginError';
  }
}

/** A zod failure as one readable sentence naming the field, e.g. `payload.email_id: expected string`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}
