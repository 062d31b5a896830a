/**
 * Gmail and Google token failures as `PluginError`s whose messages say what happened and what to do,
 * because they end up, as they are, in the user's error toast. Nothing from the request (URLs carry
 * tokens on the revoke endpoint) is copied into a message or a log.
 */
import { PluginError } from '../errors';

interface HttpishError {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; data?: unknown };
}

/** The HTTP status of a failed Google request, when it got an answer. */
export function statusOf(error: unknown): number | undefined {
  const e = (error ?? {}) as HttpishError;
  const status = e.response?.status ?? e.status;
  return typeof status === 'number' ? status : undefined;
}

/** The `error` of an OAuth token endpoint answer (`invalid_grant`), if that is what failed. */
export function oauthErrorOf(error: unknown): string | undefined {
  const data = ((error ?? {}) as HttpishError).response?.data as { error?: unknown } | undefined;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Gmail's own reason (`{"error": {"message": "..."}}`), trimmed: it names the limit or the field. */
function gmailReason(error: HttpishError): string | undefined {
  const data = error.response?.data as { error?: { message?: unknown } } | undefined;
  const message = data?.error?.message;
  return typeof message === 'string' && message !== '' ? message.slice(0, 200) : undefined;
}

/** True when the stored Google grant is no longer usable: the user must sign in again. */
export function isRevokedGrant(error: unknown): boolean {
  if (oauthErrorOf(error) === 'invalid_grant') return true;
  // google-auth-library throws this when the access token expired and there is no refresh token.
  return error instanceof Error && /No refresh token is set/.test(error.message);
}

export function toMailError(error: unknown): PluginError {
  if (error instanceof PluginError) return error;
  const e = (error ?? {}) as HttpishError;
  if (isRevokedGrant(error)) {
    return new PluginError('UNAUTHORIZED', 'Google access was revoked or has expired. Sign in with Google again.');
  }
  const status = statusOf(e);
  const reason = gmailReason(e);
  switch (status) {
    case undefined:
      break;
    case 400:
      return new PluginError('INVALID_INPUT', `Gmail refused the request${reason ? `: ${reason}` : '.'}`);
    case 401:
      return new PluginError('UNAUTHORIZED', 'Gmail did not accept the sign-in (401). Sign in with Google again.');
    case 403:
      return new PluginError('FORBIDDEN', `Gmail refused access (403)${reason ? `: ${reason}` : ''}. Check the scopes granted to this app.`);
    case 404:
      return new PluginError('NOT_FOUND', 'That message is no longer in Gmail (404).');
    case 429:
      return new PluginError('RATE_LIMITED', 'Gmail is limiting requests (429). Wait a minute and try again.');
    default:
      if (status >= 500) return new PluginError('UPSTREAM_ERROR', `Gmail is having trouble (${status}). Try again in a moment.`);
      return new PluginError('UPSTREAM_ERROR', `Gmail answered with an unexpected error (${status}).`);
  }
  const code = typeof e.code === 'string' && /^[A-Z_]{2,40}$/.test(e.code) ? ` (${e.code})` : '';
  return new PluginError('UPSTREAM_ERROR', `Could not reach Gmail${code}. Try again in a moment.`);
}
