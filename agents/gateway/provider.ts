/**
 * An upstream model provider as configured: which wire format it speaks, where, with which key, which
 * models it serves under which names, and what they cost. The router (router.ts) keeps each one's
 * health; this file only says what a provider is and which model a request becomes there.
 */

/** The two wire formats: Anthropic's Messages API and OpenAI's Responses API. */
export type WireApi = 'anthropic' | 'openai';

/** USD per million tokens. Cache prices default to 0.1x (read) and 1.25x (write) the input price. */
export interface ModelPrice {
  input: number;
  output: number;
  cache_read?: number;
  cache_write?: number;
}

export interface UpstreamConfig {
  /** Unique; shown on the Models screen and in `/v1/status`. */
  name: string;
  kind: WireApi;
  /**
   * As the vendor's SDK takes it: Anthropic's without `/v1` (`https://api.anthropic.com`, requests go
   * to `<base>/v1/messages`), OpenAI's with it (`https://api.openai.com/v1`, requests go to
   * `<base>/responses`), so the values of ANTHROPIC_BASE_URL and OPENAI_BASE_URL can be copied.
   */
  baseUrl: string;
  apiKey: string;
  /**
   * Requested model → the provider's model. Keys are exact names, prefixes ending in `*`
   * (`claude-*`), or `*` alone. Undefined: every model is served under the name requested.
   */
  models?: Readonly<Record<string, string>>;
  /** The model for callers that name none (the assistant and reply drafts). */
  defaultModel?: string;
  /** Overrides of the price table for this provider's models. */
  prices?: Readonly<Record<string, ModelPrice>>;
}

/**
 * The provider's model for a request, or undefined when the provider does not serve it. `null` asks
 * for the provider's default model (the product's own callers).
 */
export function upstreamModel(config: UpstreamConfig, requested: string | null): string | undefined {
  if (requested === null) return config.defaultModel;
  const models = config.models;
  if (!models) return requested;
  if (Object.hasOwn(models, requested)) return models[requested];
  // The longest matching prefix wins: `claude-haiku-*` before `claude-*`.
  let best: string | undefined;
  for (const key of Object.keys(models)) {
    if (key.length > 1 && key.endsWith('*') && requested.startsWith(key.slice(0, -1)) && (best === undefined || key.length > best.length)) best = key;
  }
  if (best !== undefined) return models[best];
  return Object.hasOwn(models, '*') ? models['*'] : undefined;
}

/**
 * The model names a provider lists, for `GET /v1/models`: its map's exact names, or, serving every
 * name as asked, its default model.
 */
export function listedModels(config: UpstreamConfig): string[] {
  if (config.models) return Object.keys(config.models).filter((key) => !key.endsWith('*'));
  return config.defaultModel ? [config.defaultModel] : [];
}
