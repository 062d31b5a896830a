/**
 * The product's one failover mechanism, shared by the model gateway, the assistant and reply drafts:
 * an ordered list of providers, each with its health, and a `route` that hands a request to the first
 * one that can take it and moves on when it fails.
 *
 * - Order: providers that are not cooling down, in configured order, then the cooling ones, soonest
 *   recovery first (failing now with a clear error is no better than one more try). So a primary that
 *   recovers takes over again after its cooldown.
 * - A failure that is the provider's (upstream-error.ts: timeout, connection, 5xx, 429, an error event
 *   before the answer was committed) cools it down for `cooldownMs`, or longer when it said so with
 *   `Retry-After`, and the same request goes to the next provider. Any other failure is the answer.
 * - A provider whose wire format cannot express the request (TranslationError) is passed over without
 *   blame; a provider that does not serve the requested model is not a candidate at all.
 * - Locked to one provider (the Models screen), every request goes there and nowhere else.
 *
 * What an attempt does — stream to a client, or read a whole answer for the assistant — is the
 * caller's: `route` returns once the attempt has committed, and the caller reports how it ended.
 */
import { Listeners } from '../listeners';
import { listedModels, upstreamModel, type UpstreamConfig } from './provider';
import { failoverReason, TranslationError, UpstreamError } from './upstream-error';

export interface RouterOptions {
  providers: readonly UpstreamConfig[];
  /** How long a failed provider is skipped (at least; `Retry-After` may say longer). */
  cooldownMs: number;
  /** The longest wait for a provider's answer to start, and then for each next event. */
  timeoutMs: number;
  now?: () => number;
}

/** Where one attempt goes: a provider and the model it is asked for there. */
export interface RouteTarget {
  config: UpstreamConfig;
  model: string;
}

export type RouterEvent =
  | { type: 'served'; at: string; provider: string; model: string }
  | { type: 'failed'; at: string; provider: string; reason: string; message: string; cooling_down_until: string | null }
  | { type: 'failover'; at: string; provider: string; reason: string; next: string }
  | { type: 'lock'; at: string; provider: string | null };

export interface ProviderHealth {
  name: string;
  kind: UpstreamConfig['kind'];
  base_url: string;
  models: string[];
  default_model: string | null;
  state: 'ok' | 'cooling_down';
  /** ISO time until which the provider is skipped; null when it is available. */
  cooling_down_until: string | null;
  /** Failures in a row (reset by a success). */
  failures: number;
  last_error: { at: string; message: string } | null;
  requests: number;
  failed_requests: number;
  last_used_at: string | null;
}

export interface RouterStatus {
  configured: boolean;
  /** The provider every request goes to, when routing is locked. */
  locked: string | null;
  /** Where the next request for any model would go first. */
  active: string | null;
  /** The provider that answered the last request. */
  last_used: string | null;
  providers: ProviderHealth[];
  /** The latest routing events, newest first. */
  events: RouterEvent[];
}

/** No provider can take the request: none configured, none serves the model, or the lock forbids. */
export class NoRouteError extends Error {
  constructor(
    readonly reason: 'no_providers' | 'model_not_found',
    message: string,
  ) {
    super(message);
    this.name = 'NoRouteError';
  }
}

/** Every candidate failed; `last` is the last failure (its provider named in `details.provider`). */
export class ExhaustedError extends Error {
  constructor(
    readonly last: UpstreamError,
    readonly tried: number,
  ) {
    super(last.message);
    this.name = 'ExhaustedError';
  }
}

interface Health {
  coolingUntil: number;
  failures: number;
  lastError: { at: string; message: string } | null;
  requests: number;
  failedRequests: number;
  lastUsedAt: string | null;
}

const EVENTS_KEPT = 50;

export interface RouteHooks {
  signal?: AbortSignal;
  /** A provider failed and the next takes over (for logs). */
  onFailover?(failed: string, reason: string, next: string): void;
}

export class ModelRouter {
  readonly timeoutMs: number;
  private readonly health = new Map<string, Health>();
  private readonly changes = new Listeners<[RouterEvent]>('gateway');
  private readonly events: RouterEvent[] = [];
  private lockedTo: string | null = null;
  private lastUsed: string | null = null;
  private readonly now: () => number;

  constructor(private readonly options: RouterOptions) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs;
    for (const config of options.providers) {
      this.health.set(config.name, { coolingUntil: 0, failures: 0, lastError: null, requests: 0, failedRequests: 0, lastUsedAt: null });
    }
  }

  get configured(): boolean {
    return this.options.providers.length > 0;
  }

  get providers(): readonly UpstreamConfig[] {
    return this.options.providers;
  }

  get locked(): string | null {
    return this.lockedTo;
  }

  /** Sends every request to one provider (null: back to failover across all). */
  lock(name: string | null): void {
    if (name !== null && !this.health.has(name)) throw new NoRouteError('no_providers', `No provider named "${name}" is configured.`);
    this.lockedTo = name;
    this.record({ type: 'lock', at: this.iso(), provider: name });
  }

  /** The providers a request for `model` may go to, in the order they are tried (null: default models). */
  candidates(model: string | null): RouteTarget[] {
    if (!this.configured) throw new NoRouteError('no_providers', 'No model provider is configured: set ANTHROPIC_API_KEY, OPENAI_API_KEY or A2UI_GATEWAY_PROVIDERS.');
    const targets: RouteTarget[] = [];
    for (const config of this.ordered()) {
      const upstream = upstreamModel(config, model);
      if (upstream !== undefined) targets.push({ config, model: upstream });
    }
    if (targets.length === 0) {
      const what = model === null ? 'a default model' : `the model "${model}"`;
      const where = this.lockedTo === null ? 'No configured provider serves' : `Routing is locked to ${this.lockedTo}, which does not serve`;
      throw new NoRouteError('model_not_found', `${where} ${what}.`);
    }
    return targets;
  }

  /** The providers requests may go to (the locked one only, when locked): ready ones first, in order. */
  private ordered(): UpstreamConfig[] {
    const pool = this.lockedTo === null ? this.options.providers : this.options.providers.filter((p) => p.name === this.lockedTo);
    const now = this.now();
    const until = (config: UpstreamConfig) => this.state(config.name).coolingUntil;
    const ready = pool.filter((config) => until(config) <= now);
    const cooling = pool.filter((config) => until(config) > now).sort((a, b) => until(a) - until(b));
    return [...ready, ...cooling];
  }

  /**
   * Runs `attempt` on each candidate in turn until one commits (resolves). A failure that is not the
   * provider's is thrown as it is; when every candidate failed, an ExhaustedError names the last one.
   */
  async route<T>(model: string | null, attempt: (target: RouteTarget) => Promise<T>, hooks: RouteHooks = {}): Promise<{ value: T; target: RouteTarget }> {
    const targets = this.candidates(model);
    let refusal: TranslationError | undefined;
    let last: UpstreamError | undefined;
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i]!;
      if (hooks.signal?.aborted) throw new UpstreamError('aborted', 'The client went away.');
      this.state(target.config.name).requests++;
      try {
        return { value: await attempt(target), target };
      } catch (error) {
        if (error instanceof TranslationError) {
          refusal ??= error;
          continue;
        }
        const reason = failoverReason(error);
        if (error instanceof UpstreamError) {
          error.details.provider ??= target.config.name;
          error.details.vendor ??= target.config.kind;
        }
        if (reason === null) throw error;
        this.failed(target, error as UpstreamError, reason);
        last = error as UpstreamError;
        const next = targets[i + 1];
        if (next) {
          hooks.onFailover?.(target.config.name, reason, next.config.name);
          this.record({ type: 'failover', at: this.iso(), provider: target.config.name, reason, next: next.config.name });
        }
      }
    }
    if (last) throw new ExhaustedError(last, targets.length);
    throw refusal!; // every candidate refused the translation
  }

  /** The answer from `target` ended well: its run of failures is over. */
  served(target: RouteTarget): void {
    const health = this.state(target.config.name);
    health.failures = 0;
    health.lastUsedAt = this.iso();
    this.lastUsed = target.config.name;
    this.record({ type: 'served', at: health.lastUsedAt, provider: target.config.name, model: target.model });
  }

  /**
   * `target` failed (during `route`, or later in a stream already committed to its client): it cools
   * down when the failure is the provider's.
   */
  failed(target: RouteTarget, error: UpstreamError, reason = failoverReason(error)): void {
    if (reason === null) return;
    const health = this.state(target.config.name);
    const now = this.now();
    health.coolingUntil = Math.max(health.coolingUntil, now + Math.max(this.options.cooldownMs, error.details.retryAfterMs ?? 0));
    health.failures++;
    health.failedRequests++;
    health.lastError = { at: new Date(now).toISOString(), message: `${reason}: ${error.message}`.slice(0, 500) };
    this.record({ type: 'failed', at: health.lastError.at, provider: target.config.name, reason, message: error.message.slice(0, 300), cooling_down_until: new Date(health.coolingUntil).toISOString() });
  }

  /** Milliseconds until the first provider recovers (for `Retry-After` when all are cooling). */
  soonestRecoveryMs(): number {
    const now = this.now();
    const waits = [...this.health.values()].map((h) => h.coolingUntil - now);
    return Math.max(0, Math.min(...waits));
  }

  status(): RouterStatus {
    const now = this.now();
    return {
      configured: this.configured,
      locked: this.lockedTo,
      active: this.ordered()[0]?.name ?? null,
      last_used: this.lastUsed,
      providers: this.options.providers.map((config) => {
        const h = this.state(config.name);
        const cooling = h.coolingUntil > now;
        return {
          name: config.name,
          kind: config.kind,
          base_url: config.baseUrl,
          models: config.models ? Object.keys(config.models) : ['*'],
          default_model: config.defaultModel ?? null,
          state: cooling ? 'cooling_down' : 'ok',
          cooling_down_until: cooling ? new Date(h.coolingUntil).toISOString() : null,
          failures: h.failures,
          last_error: h.lastError,
          requests: h.requests,
          failed_requests: h.failedRequests,
          last_used_at: h.lastUsedAt,
        };
      }),
      events: [...this.events].reverse(),
    };
  }

  /** The model names the providers list by name, for `GET /v1/models`. */
  models(): string[] {
    return [...new Set(this.options.providers.flatMap(listedModels))].sort();
  }

  /** Every routing event, live (the Models screen). */
  subscribe(listener: (event: RouterEvent) => void): () => void {
    return this.changes.subscribe(listener);
  }

  private state(name: string): Health {
    return this.health.get(name)!;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private record(event: RouterEvent): void {
    this.events.push(event);
    if (this.events.length > EVENTS_KEPT) this.events.shift();
    this.changes.emit(event);
  }
}
