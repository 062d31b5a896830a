/**
 * The assistant's and reply drafts' way to ask a model: one Anthropic Messages request, streamed, its
 * text handed on as it grows, the whole message at the end. The routing is the product's one failover
 * core (agents/gateway/router.ts), shared with the model gateway when the gateway module hands its
 * router over: a timeout, a connection failure, a 5xx, a 429 or an error event anywhere in the stream
 * hands the same request (the whole conversation) to the next provider, which cools the failed one
 * down for everyone. The request carries the whole conversation, so a switch changes nothing in it;
 * text already streamed from the failed attempt is replaced (the callback always gets the attempt's
 * whole text so far). Each provider answers with its default model; an OpenAI provider gets the
 * request translated, so the assistant's tools work there too.
 *
 * Other errors (400 bad request, 401 bad key, 403, 404) are the request's or the configuration's
 * fault, the same at every provider: they are not failed over. Failures reach the caller as
 * toast-ready PluginErrors (errors.ts).
 */
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import { PluginError } from '../errors';
import { openAnswer } from '../gateway/exchange';
import { DEFAULT_BASE_URLS } from '../gateway/config';
import { ExhaustedError, ModelRouter, NoRouteError, type RouteTarget } from '../gateway/router';
import type { TokenUsage } from '../gateway/usage';
import { describeClaudeError } from './errors';

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

/** A pool with its own providers (tests, and the server before the gateway module shares its router). */
export interface OwnProvidersOptions {
  providers: readonly ProviderConfig[];
  /** How long a failed provider is skipped. */
  cooldownMs: number;
  /** The longest wait for the next event of a stream (the first one included). */
  timeoutMs: number;
  maxTokens?: number;
  now?: () => number;
}

/** A pool over a router shared with the gateway; `account` counts each answer's usage. */
export interface SharedRouterOptions {
  router: ModelRouter;
  maxTokens?: number;
  account?(userId: string | undefined, target: RouteTarget, usage: TokenUsage): void;
}

export type ProviderPoolOptions = OwnProvidersOptions | SharedRouterOptions;

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
  /** Whose request it is: its usage is counted for them. */
  userId?: string;
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

function ownRouter(options: OwnProvidersOptions): ModelRouter {
  return new ModelRouter({
    providers: options.providers.map((p) => ({ name: p.name, kind: 'anthropic', baseUrl: p.baseURL ?? DEFAULT_BASE_URLS.anthropic, apiKey: p.apiKey, defaultModel: p.model })),
    cooldownMs: options.cooldownMs,
    timeoutMs: options.timeoutMs,
    ...(options.now ? { now: options.now } : {}),
  });
}

export class ProviderPool {
  readonly router: ModelRouter;

  constructor(private readonly options: ProviderPoolOptions) {
    this.router = 'router' in options ? options.router : ownRouter(options);
  }

  get configured(): boolean {
    return this.router.providers.some((p) => p.defaultModel !== undefined);
  }

  /** Streams one model turn; resolves with the whole message from whichever provider answered. */
  async stream(request: ChatRequest, callbacks: StreamCallbacks = {}): Promise<Message & { provider: string }> {
    if (!this.configured) throw new PluginError('AI_DISABLED', AI_DISABLED_MESSAGE);
    try {
      const { value, target } = await this.router.route(null, (target) => this.attempt(target, request, callbacks), {
        ...(callbacks.signal ? { signal: callbacks.signal } : {}),
        ...(callbacks.onFailover ? { onFailover: callbacks.onFailover } : {}),
      });
      this.router.served(target);
      if (value.usage && 'account' in this.options) this.options.account?.(callbacks.userId, target, value.usage);
      return { ...(value.message as Message), provider: target.config.name };
    } catch (error) {
      if (callbacks.signal?.aborted) throw new PluginError('CONFLICT', 'The request was cancelled.');
      if (error instanceof ExhaustedError) {
        const last = describeClaudeError(error.last);
        if (error.tried === 1) throw last;
        throw new PluginError(last.code, `Every AI provider failed; the last (${error.last.details.provider}): ${last.message}`);
      }
      if (error instanceof NoRouteError) throw new PluginError('UPSTREAM_ERROR', error.message);
      throw describeClaudeError(error);
    }
  }

  status(): PoolStatus {
    const status = this.router.status();
    return {
      configured: this.configured,
      providers: status.providers.map((p) => ({
        name: p.name,
        base_url: p.base_url,
        model: p.default_model ?? '',
        cooling_down_until: p.cooling_down_until,
        failures: p.failures,
        last_error: p.last_error ? `${p.last_error.message} at ${p.last_error.at}` : null,
      })),
      active: status.active,
      last_used: status.last_used,
    };
  }

  /** One provider's whole answer; any failure before its end fails the attempt (and so fails over). */
  private async attempt(target: RouteTarget, request: ChatRequest, callbacks: StreamCallbacks): Promise<{ message: unknown; usage: TokenUsage | undefined }> {
    const body = { ...request, model: target.model, max_tokens: this.options.maxTokens ?? 4096 };
    const answer = await openAnswer(target, { api: 'anthropic', body, responseId: '', wantFinal: true, ...(callbacks.signal ? { signal: callbacks.signal } : {}) }, this.router.timeoutMs);
    let text = '';
    try {
      for (let next = await answer.events.next(); !next.done; next = await answer.events.next()) {
        for (const event of next.value) {
          const delta = event.data?.delta;
          if (event.event === 'content_block_delta' && delta?.type === 'text_delta') {
            text += delta.text;
            callbacks.onText?.(text);
          }
        }
      }
    } finally {
      answer.close();
    }
    return { message: answer.final(), usage: answer.usage() };
  }
}
