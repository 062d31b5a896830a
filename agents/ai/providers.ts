/**
 * An ordered list of Anthropic-compatible endpoints (key, base URL, model each) behind one `stream`
 * call, with failover: a timeout, a connection failure, a 5xx, a 429 or an error event in the middle
 * of a stream hands the same request to the next provider, and the failed one cools down for a while.
 * The request carries the whole conversation, so a switch changes nothing in it; text already streamed
 * from the failed attempt is replaced (the callback always gets the attempt's whole text so far).
 *
 * The first provider that is not cooling down is always tried first, so a primary that recovers takes
 * over again after its cooldown. When every provider is cooling down they are tried anyway, soonest
 * recovery first: failing now with a clear error is no better than one more try.
 *
 * Other errors (400 bad request, 401 bad key, 403, 404) are the request's or the configuration's
 * fault, the same at every provider: they are not failed over. Failures reach the caller as
 * toast-ready PluginErrors (errors.ts).
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import { PluginError } from '../errors';
import { describeClaudeError, isTimeout } from './errors';

const DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** Without any provider: not a failure of Claude (502) but a feature that is off, and how to turn it on. */
export const AI_DISABLED_MESSAGE = 'AI is disabled: no AI provider is configured. Set ANTHROPIC_API_KEY (or A2UI_AI_PROVIDERS) in the server\'s environment and restart it.';

export interface ProviderConfig {
  /** Shown in `/api/ai/status`. */
  name: string;
  apiKey: string;
  /** Default https://api.anthropic.com */
  baseURL?: string;
  model: string;
}

export interface ProviderPoolOptions {
  providers: readonly ProviderConfig[];
  /** How long a failed provider is skipped. */
  cooldownMs: number;
  /** The longest wait for the next event of a stream (the first one included). */
  timeoutMs: number;
  maxTokens?: number;
  now?: () => number;
}

/** The request minus the model and the token limit, which each provider fills in. */
export type ChatRequest = Omit<MessageCreateParamsNonStreaming, 'model' | 'max_tokens'>;

/** The text blocks of a message's content, joined (tool calls and other blocks left out). */
export function textOf(content: ReadonlyArray<{ type: string; text?: unknown }>): string {
  let text = '';
  for (const block of content) if (block.type === 'text' && typeof block.text === 'string') text += block.text;
  return text;
}

export interface StreamCallbacks {
  /** The current attempt's whole text so far. */
  onText?(snapshot: string): void;
  /** A provider failed and the next takes over (for logs and the status page). */
  onFailover?(failed: string, reason: string, next: string): void;
  signal?: AbortSignal;
}

export interface ProviderStatus {
  name: string;
  base_url: string;
  model: string;
  /** ISO time until which the provider is skipped; null when it is available. */
  cooling_down_until: string | null;
  failures: number;
  last_error: string | null;
}

export interface PoolStatus {
  configured: boolean;
  providers: ProviderStatus[];
  /** The provider the next request goes to. */
  active: string | null;
  /** The provider that answered the last request. */
  last_used: string | null;
}

interface Provider {
  config: ProviderConfig;
  client: Anthropic;
  coolingUntil: number;
  failures: number;
  lastError: string | null;
}

/** Why a failure moves on to the next provider, or null when it must not. */
function failoverReason(error: unknown): string | null {
  if (error instanceof APIUserAbortError) return null;
  if (error instanceof APIConnectionError) return isTimeout(error) ? 'timeout' : 'connection failed';
  if (error instanceof APIError) {
    if (error.status === undefined) return 'stream error'; // an `error` event in the middle of a stream
    if (error.status === 429) return 'rate limited (429)';
    if (error.status === 408 || error.status >= 500) return `server error (${error.status})`;
  }
  return null;
}

export class ProviderPool {
  private readonly providers: Provider[];
  private lastUsed: string | null = null;
  private readonly now: () => number;

  constructor(private readonly options: ProviderPoolOptions) {
    this.now = options.now ?? Date.now;
    this.providers = options.providers.map((config) => ({
      config,
      // Explicit base URL, so the SDK never reads a process-wide ANTHROPIC_BASE_URL the config did not.
      client: new Anthropic({ apiKey: config.apiKey, baseURL: config.baseURL ?? DEFAULT_BASE_URL, maxRetries: 0 }),
      coolingUntil: 0,
      failures: 0,
      lastError: null,
    }));
  }

  get configured(): boolean {
    return this.providers.length > 0;
  }

  /** Streams one model turn; resolves with the whole message from whichever provider answered. */
  async stream(request: ChatRequest, callbacks: StreamCallbacks = {}): Promise<Message & { provider: string }> {
    if (!this.configured) throw new PluginError('AI_DISABLED', AI_DISABLED_MESSAGE);
    const order = this.order();
    for (let i = 0; i < order.length; i++) {
      const provider = order[i]!;
      try {
        const message = await this.attempt(provider, request, callbacks);
        provider.failures = 0;
        this.lastUsed = provider.config.name;
        return { ...message, provider: provider.config.name };
      } catch (error) {
        if (callbacks.signal?.aborted) throw new PluginError('CONFLICT', 'The request was cancelled.');
        const reason = failoverReason(error);
        if (reason === null) throw describeClaudeError(error);
        provider.coolingUntil = this.now() + this.options.cooldownMs;
        provider.failures++;
        provider.lastError = `${reason} at ${new Date(this.now()).toISOString()}`;
        const next = order[i + 1];
        if (next) {
          callbacks.onFailover?.(provider.config.name, reason, next.config.name);
          continue;
        }
        // The last one failed too: say what its failure was.
        const last = describeClaudeError(error);
        if (order.length === 1) throw last;
        throw new PluginError(last.code, `Every AI provider failed; the last (${provider.config.name}): ${last.message}`);
      }
    }
    throw new PluginError('UPSTREAM_ERROR', 'No AI provider answered.'); // unreachable: the loop returns or throws
  }

  status(): PoolStatus {
    const now = this.now();
    return {
      configured: this.configured,
      providers: this.providers.map((p) => ({
        name: p.config.name,
        base_url: p.config.baseURL ?? DEFAULT_BASE_URL,
        model: p.config.model,
        cooling_down_until: p.coolingUntil > now ? new Date(p.coolingUntil).toISOString() : null,
        failures: p.failures,
        last_error: p.lastError,
      })),
      active: this.order()[0]?.config.name ?? null,
      last_used: this.lastUsed,
    };
  }

  /** Available providers in configured order, then the cooling ones by soonest recovery. */
  private order(): Provider[] {
    const now = this.now();
    const ready = this.providers.filter((p) => p.coolingUntil <= now);
    const cooling = this.providers.filter((p) => p.coolingUntil > now).sort((a, b) => a.coolingUntil - b.coolingUntil);
    return [...ready, ...cooling];
  }

  private async attempt(provider: Provider, request: ChatRequest, callbacks: StreamCallbacks): Promise<Message> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    callbacks.signal?.addEventListener('abort', abort, { once: true });
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // An idle timer: restarted by every event, so a long answer that keeps streaming is never cut.
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.options.timeoutMs);
    };
    try {
      arm();
      const stream = provider.client.messages.stream(
        { ...request, model: provider.config.model, max_tokens: this.options.maxTokens ?? 4096 },
        { signal: controller.signal },
      );
      stream.on('streamEvent', arm);
      stream.on('text', (_delta, snapshot) => callbacks.onText?.(snapshot));
      return await stream.finalMessage();
    } catch (error) {
      // Our idle timer aborted the request: a timeout like the SDK's own, failed over and described as one.
      throw timedOut ? new APIConnectionTimeoutError() : error;
    } finally {
      clearTimeout(timer);
      callbacks.signal?.removeEventListener('abort', abort);
    }
  }
}
