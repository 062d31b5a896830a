/**
 * How a call to a provider failed, and whether that failure moves the request to the next provider.
 *
 * Failed over (the provider is at fault, another may answer): a timeout, a connection failure, a 5xx
 * or 408, a 429, and an `error` event in a stream before the answer was committed to the client.
 * Not failed over: 400, 401, 403, 404, 413, 422 — the request's or the configuration's fault, the same
 * at every provider — and the client hanging up. A request that cannot be translated for one provider
 * is a `TranslationError`: that provider is passed over without blame.
 */

export type UpstreamFailure =
  /** The provider answered an HTTP error before any event. */
  | 'http'
  /** No connection, or it broke. */
  | 'connection'
  /** No answer, or no next event, within the time limit. */
  | 'timeout'
  /** An `error` event (or a failed response) in the middle of a stream. */
  | 'stream'
  /** The client went away; nobody is at fault. */
  | 'aborted';

export class UpstreamError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
    readonly details: {
      status?: number;
      /** The vendor's error type (`rate_limit_error`, `server_error`). */
      type?: string;
      /** From `Retry-After` / `retry-after-ms`: the provider asked not to be called for this long. */
      retryAfterMs?: number;
      /** The provider that failed, and its wire format (set by the router). */
      provider?: string;
      vendor?: 'anthropic' | 'openai';
    } = {},
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

/** A feature of the request that the provider's wire format cannot express. */
export class TranslationError extends Error {
  constructor(
    message: string,
    /** The request field at fault, as the client named it (`tools.0`, `stop_sequences`). */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'TranslationError';
  }
}

/** Why a failure moves the request on to the next provider, or null when it must not. */
export function failoverReason(error: unknown): string | null {
  if (!(error instanceof UpstreamError)) return null;
  switch (error.failure) {
    case 'timeout':
      return 'timeout';
    case 'connection':
      return 'connection failed';
    case 'stream':
      return 'stream error';
    case 'aborted':
      return null;
    case 'http': {
      const status = error.status ?? 0;
      if (status === 429) return 'rate limited (429)';
      if (status === 408 || status >= 500) return `server error (${status})`;
      return null;
    }
  }
}

/** Milliseconds a `Retry-After` (seconds or an HTTP date) or `retry-after-ms` header asks for. */
export function retryAfterMs(headers: Readonly<Record<string, string | string[] | undefined>>, now = Date.now()): number | undefined {
  const ms = Number(headers['retry-after-ms']);
  if (Number.isFinite(ms) && ms >= 0 && headers['retry-after-ms'] !== undefined) return ms;
  const raw = headers['retry-after'];
  if (typeof raw !== 'string' || raw === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
