/**
 * Errors in the client's own API format, so its SDK reads them as it reads the vendor's: OpenAI's
 * `{"error": {"message", "type", "param", "code"}}` and Anthropic's `{"type": "error", "error":
 * {"type", "message"}}`, with the statuses the vendors use. Also the one mapping from what went wrong
 * inside the gateway (no route, a refused translation, providers that failed) to such an answer.
 */
import type { EndpointResult } from '../endpoint';
import type { WireApi } from './provider';
import { ExhaustedError, NoRouteError } from './router';
import type { SseEvent } from './sse';
import { TranslationError, UpstreamError } from './upstream-error';

export interface ApiErrorSpec {
  status: number;
  message: string;
  /** OpenAI's `code` (`invalid_api_key`, `model_not_found`, `previous_response_not_found`). */
  code?: string;
  param?: string | null;
  headers?: Record<string, string>;
}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

function openaiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The error body in `api`'s format. */
export function errorBody(api: WireApi, spec: ApiErrorSpec): unknown {
  if (api === 'anthropic') return { type: 'error', error: { type: ANTHROPIC_TYPES[spec.status] ?? 'api_error', message: spec.message } };
  return { error: { message: spec.message, type: openaiType(spec.status), param: spec.param ?? null, code: spec.code ?? null } };
}

export function apiError(api: WireApi, spec: ApiErrorSpec): EndpointResult {
  return { json: errorBody(api, spec), status: spec.status, ...(spec.headers ? { headers: spec.headers } : {}) };
}

/** What went wrong, as the client's API would have said it. `retryAfterMs`: when a provider frees up. */
export function describeFailure(error: unknown, retryAfterMs: () => number): ApiErrorSpec {
  if (error instanceof NoRouteError) {
    return error.reason === 'model_not_found' ? { status: 404, message: error.message, code: 'model_not_found', param: 'model' } : { status: 503, message: error.message };
  }
  if (error instanceof TranslationError) return { status: 400, message: error.message, param: error.param, code: 'unsupported_by_provider' };
  if (error instanceof ExhaustedError) {
    const spec = upstreamSpec(error.last);
    const wait = Math.ceil(retryAfterMs() / 1000);
    const prefix = error.tried > 1 ? `Every provider failed; the last (${error.last.details.provider}): ` : `${error.last.details.provider}: `;
    return { ...spec, message: prefix + spec.message, ...(wait > 0 ? { headers: { 'retry-after': String(wait) } } : {}) };
  }
  if (error instanceof UpstreamError) {
    const spec = upstreamSpec(error);
    return { ...spec, message: `${error.details.provider ?? 'The provider'}: ${spec.message}` };
  }
  return { status: 500, message: 'The gateway failed; the details are in the server log.' };
}

/**
 * A provider's failure as the client's status. A provider that refuses the gateway's own key (401,
 * 403) is a 502: the client's token was fine, and a 401 would send Claude Code to its login screen.
 */
function upstreamSpec(error: UpstreamError): ApiErrorSpec {
  switch (error.failure) {
    case 'timeout':
      return { status: 504, message: error.message };
    case 'connection':
    case 'stream':
    case 'aborted':
      return { status: 502, message: error.message };
    case 'http': {
      const status = error.status ?? 502;
      if (status === 401 || status === 403) return { status: 502, message: `the provider refused the gateway's API key (${status}): ${error.message}` };
      return { status, message: error.message, ...(error.details.type ? { code: error.details.type } : {}) };
    }
  }
}

/** A failure in the middle of a stream already sent: the last event, in the client's format. */
export function streamErrorEvent(api: WireApi, message: string, sequence: number): SseEvent {
  if (api === 'anthropic') return { event: 'error', data: { type: 'error', error: { type: 'api_error', message } } };
  return { event: 'error', data: { type: 'error', code: 'server_error', message, param: null, sequence_number: sequence } };
}
