/**
 * What a failed call to Claude means for the user, in one place for drafts and the assistant: every
 * SDK error becomes a PluginError whose message is fit for a toast and says what to do. The code is
 * always UPSTREAM_ERROR (502): Claude's 401 or 429 are not ours, and answering them as our own 401 or
 * 429 would tell an API client its token is wrong or that it should slow down.
 */
import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { PluginError } from '../errors';

/** A connection that timed out: the SDK's own time limit, or the pool's idle timer (providers.ts). */
export function isTimeout(error: unknown): boolean {
  return error instanceof APIConnectionError && /timed out/i.test(error.message);
}

export function describeClaudeError(error: unknown): PluginError {
  if (error instanceof PluginError) return error;
  if (error instanceof APIConnectionError) {
    return new PluginError('UPSTREAM_ERROR', isTimeout(error) ? 'Claude did not answer in time.' : 'Could not reach Claude.');
  }
  if (error instanceof APIError) {
    const said = error.apiMessage ? `: ${error.apiMessage.slice(0, 200)}` : '';
    switch (error.status) {
      case 401:
        return new PluginError('UPSTREAM_ERROR', 'Claude refused the API key (401). Check ANTHROPIC_API_KEY (or the keys in A2UI_AI_PROVIDERS).');
      case 403:
        return new PluginError('UPSTREAM_ERROR', `Claude refused the request (403)${said}.`);
      case 429:
        return new PluginError('UPSTREAM_ERROR', 'Claude is limiting requests (429). Try again in a minute.');
      case 529:
        return new PluginError('UPSTREAM_ERROR', 'Claude is overloaded right now (529). Try again in a minute.');
      case undefined:
        // An `error` event in the middle of the stream: the answer had started, then failed.
        return new PluginError('UPSTREAM_ERROR', `Claude stopped with an error${said || ` (${error.type ?? 'unknown'})`}.`);
      default:
        return new PluginError('UPSTREAM_ERROR', `Claude failed (${error.status})${said}.`);
    }
  }
  return new PluginError('UPSTREAM_ERROR', 'Claude failed unexpectedly.');
}
