/**
 * What a failed model call means for the user, in one place for drafts and the assistant: every
 * failure of the routing core (agents/gateway/) becomes a PluginError whose message is fit for a toast
 * and says what to do. The code is always UPSTREAM_ERROR (502): the provider's 401 or 429 are not
 * ours, and answering them as our own 401 or 429 would tell an API client its token is wrong or that
 * it should slow down.
 */
import { PluginError } from '../errors';
import { NoRouteError } from '../gateway/router';
import { TranslationError, UpstreamError } from '../gateway/upstream-error';

/** The vendor's name in messages: the provider's wire format says whose model it is. */
function vendorOf(error: UpstreamError): string {
  return error.details.vendor === 'openai' ? 'OpenAI' : 'Claude';
}

export function describeClaudeError(error: unknown): PluginError {
  if (error instanceof PluginError) return error;
  if (error instanceof NoRouteError) return new PluginError('UPSTREAM_ERROR', error.message);
  if (error instanceof TranslationError) return new PluginError('UPSTREAM_ERROR', `The request cannot be sent to this provider: ${error.message}`);
  if (!(error instanceof UpstreamError)) return new PluginError('UPSTREAM_ERROR', 'Claude failed unexpectedly.');
  const vendor = vendorOf(error);
  const said = error.message ? `: ${error.message.slice(0, 200)}` : '';
  switch (error.failure) {
    case 'timeout':
      return new PluginError('UPSTREAM_ERROR', `${vendor} did not answer in time.`);
    case 'connection':
      return new PluginError('UPSTREAM_ERROR', `Could not reach ${vendor}.`);
    case 'aborted':
      return new PluginError('CONFLICT', 'The request was cancelled.');
    case 'stream':
      // The answer had started, then failed.
      return new PluginError('UPSTREAM_ERROR', `${vendor} stopped with an error${said}.`);
    case 'http':
      switch (error.status) {
        case 401:
          return new PluginError('UPSTREAM_ERROR', `${vendor} refused the API key (401). Check ANTHROPIC_API_KEY (or the keys in A2UI_AI_PROVIDERS, A2UI_GATEWAY_PROVIDERS).`);
        case 403:
          return new PluginError('UPSTREAM_ERROR', `${vendor} refused the request (403)${said}.`);
        case 429:
          return new PluginError('UPSTREAM_ERROR', `${vendor} is limiting requests (429). Try again in a minute.`);
        case 529:
          return new PluginError('UPSTREAM_ERROR', `${vendor} is overloaded right now (529). Try again in a minute.`);
        default:
          return new PluginError('UPSTREAM_ERROR', `${vendor} failed (${error.status})${said}.`);
      }
  }
}
