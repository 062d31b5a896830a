/**
 * Requests from a page of the server's own origin (the auth cookie goes along) and what the user reads
 * when one fails: one sentence for an error body `{code, message}` or a bare HTTP status. Shared by the
 * thin client and the page on the official renderer, so both say the same thing about the same failure.
 */
import { isObject } from './values';

const MESSAGES: Readonly<Record<string, string>> = {
  UNAUTHORIZED: 'Not signed in: open the start-up link (with ?token=…) printed by the server.',
  FORBIDDEN: 'This action is not allowed.',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  PAYLOAD_TOO_LARGE: 'That was too large to send.',
};

/** Our sentence for an error code the user can act on, if it is one. */
export function knownErrorMessage(code: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(MESSAGES, code) ? MESSAGES[code] : undefined;
}

/** One readable sentence for an error body's `{code, message}`, or for a bare HTTP status. */
export function describeError(error: unknown, status?: number): string {
  const code = isObject(error) && typeof error.code === 'string' ? error.code : statusCode(status);
  const message = isObject(error) && typeof error.message === 'string' ? error.message : '';
  const known = code ? knownErrorMessage(code) : undefined;
  if (known) return known;
  if (message) return message;
  return status ? `The server answered with an error (HTTP ${status}).` : 'The action failed.';
}

function statusCode(status: number | undefined): string | undefined {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  return undefined;
}

export type PostResult = { ok: true; body: unknown } | { ok: false; problem: string };

/** POSTs `body` as JSON: the answer's parsed body, or the sentence that says why there is none. */
export async function postJson(url: string, body: unknown): Promise<PostResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, problem: 'The server cannot be reached. Check your connection and try again.' };
  }
  let parsed: unknown = null;
  try {
    parsed = await response.json();
  } catch {
    // an empty or non-JSON body: described by the status alone
  }
  if (!response.ok) return { ok: false, problem: describeError(isObject(parsed) ? parsed.error : undefined, response.status) };
  return { ok: true, body: parsed };
}
