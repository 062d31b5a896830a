/**
 * The model gateway's settings, from the environment.
 *
 * Providers: `A2UI_GATEWAY_PROVIDERS`, a JSON list tried in order:
 *
 *   [{"name": "anthropic", "kind": "anthropic", "api_key": "sk-ant-…"},
 *    {"name": "openai", "kind": "openai", "api_key": "sk-…", "models": {"claude-*": "gpt-5", "*": "gpt-5-mini"},
 *     "default_model": "gpt-5-mini", "prices": {"gpt-5": {"input": 1.25, "output": 10}}}]
 *
 * Without it, the providers are the assistant's (ANTHROPIC_API_KEY or A2UI_AI_PROVIDERS, each serving
 * every model by the name asked, its `model` as the default) followed by OpenAI when OPENAI_API_KEY is
 * set (OPENAI_BASE_URL, default model gpt-5-mini). One list serves the gateway, the assistant and reply
 * drafts, so one failure cools a provider down for all of them. The cooldown and the time limit are
 * the assistant's settings (A2UI_AI_COOLDOWN_MS, A2UI_AI_TIMEOUT_MS) for the same reason.
 */
import { z } from 'zod';
import { DEFAULT_ANTHROPIC_MODEL, loadAiConfig } from '../ai/config';
import { httpUrlVar, integerVar, isHttpUrl, jsonVar } from '../env-values';
import { DEFAULT_PRICES } from './prices';
import type { ModelPrice, UpstreamConfig } from './provider';

export const DEFAULT_BASE_URLS = { anthropic: 'https://api.anthropic.com', openai: 'https://api.openai.com/v1' } as const;
export const DEFAULT_OPENAI_MODEL = 'gpt-5-mini';

export interface GatewayConfig {
  providers: UpstreamConfig[];
  /** Where the endpoints live: `<prefix>/responses`, `<prefix>/messages`… Ends in `/v1`. */
  prefix: string;
  cooldownMs: number;
  timeoutMs: number;
  /** The price table: the defaults with A2UI_GATEWAY_PRICES over them. */
  prices: Record<string, ModelPrice>;
  /** Responses kept per user for `previous_response_id`. */
  historyLimit: number;
  /** The largest request body (a Claude Code request carries the whole conversation, images included). */
  bodyLimitBytes: number;
}

const modelName = z.string().min(1).max(256);
const priceSchema = z.object({ input: z.number().min(0), output: z.number().min(0), cache_read: z.number().min(0).optional(), cache_write: z.number().min(0).optional() }).strict();
const pricesSchema = z.record(modelName, priceSchema);

const providerSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'names are 1-40 characters of A-Z a-z 0-9 _ . -'),
    kind: z.enum(['anthropic', 'openai']),
    base_url: z.string().refine(isHttpUrl, 'must be an http(s) URL').optional(),
    api_key: z.string().min(1),
    models: z.union([z.array(modelName).min(1), z.record(modelName, modelName)]).optional(),
    default_model: modelName.optional(),
    prices: pricesSchema.optional(),
  })
  .strict();
const providersSchema = z
  .array(providerSchema)
  .min(1)
  .max(10)
  .refine((list) => new Set(list.map((p) => p.name)).size === list.length, 'provider names must be unique');

const PREFIX = /^(\/[A-Za-z0-9._-]+)*\/v1$/;

function configuredProviders(env: NodeJS.ProcessEnv): UpstreamConfig[] | undefined {
  const listed = jsonVar(env, 'A2UI_GATEWAY_PROVIDERS', providersSchema, 'a JSON array of {name, kind, api_key, base_url?, models?, default_model?, prices?}');
  return listed?.map((p) => ({
    name: p.name,
    kind: p.kind,
    baseUrl: p.base_url ?? DEFAULT_BASE_URLS[p.kind],
    apiKey: p.api_key,
    ...(p.models ? { models: Array.isArray(p.models) ? Object.fromEntries(p.models.map((m) => [m, m])) : p.models } : {}),
    defaultModel: p.default_model ?? (p.kind === 'anthropic' ? env.ANTHROPIC_MODEL || DEFAULT_ANTHROPIC_MODEL : DEFAULT_OPENAI_MODEL),
    ...(p.prices ? { prices: p.prices } : {}),
  }));
}

/** The assistant's providers, then OpenAI's when its key is set. */
function defaultProviders(env: NodeJS.ProcessEnv): UpstreamConfig[] {
  const providers: UpstreamConfig[] = loadAiConfig(env).providers.map((p) => ({
    name: p.name,
    kind: 'anthropic',
    baseUrl: p.baseURL ?? DEFAULT_BASE_URLS.anthropic,
    apiKey: p.apiKey,
    defaultModel: p.model,
  }));
  if (env.OPENAI_API_KEY) {
    const taken = new Set(providers.map((p) => p.name));
    providers.push({
      name: taken.has('openai') ? 'openai-2' : 'openai',
      kind: 'openai',
      baseUrl: httpUrlVar(env, 'OPENAI_BASE_URL') ?? DEFAULT_BASE_URLS.openai,
      apiKey: env.OPENAI_API_KEY,
      defaultModel: DEFAULT_OPENAI_MODEL,
    });
  }
  return providers;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const prefix = env.A2UI_GATEWAY_PREFIX || '/v1';
  if (!PREFIX.test(prefix)) throw new Error(`A2UI_GATEWAY_PREFIX must be a path ending in /v1 (such as /v1 or /gateway/v1), got "${prefix}"`);
  const ai = loadAiConfig(env);
  return {
    providers: configuredProviders(env) ?? defaultProviders(env),
    prefix,
    cooldownMs: ai.cooldownMs,
    timeoutMs: ai.timeoutMs,
    prices: { ...DEFAULT_PRICES, ...jsonVar(env, 'A2UI_GATEWAY_PRICES', pricesSchema, 'a JSON object of model → {input, output, cache_read?, cache_write?} (USD per million tokens)') },
    historyLimit: integerVar(env, 'A2UI_GATEWAY_HISTORY_LIMIT', 200, 1),
    bodyLimitBytes: integerVar(env, 'A2UI_GATEWAY_BODY_LIMIT_BYTES', 32 * 1024 * 1024, 1024),
  };
}
