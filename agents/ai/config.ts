/**
 * The AI providers (Claude through the Messages API) and the assistant's limits, from the environment.
 *
 * One provider by default: `ANTHROPIC_API_KEY` (+ `ANTHROPIC_BASE_URL`, `ANTHROPIC_MODEL`). For
 * failover, `A2UI_AI_PROVIDERS` lists several Anthropic-compatible endpoints in order, as JSON:
 * `[{"name": "primary", "api_key": "…", "base_url": "https://…", "model": "…"}, …]`.
 */
import { z } from 'zod';
import type { ProviderConfig } from './providers';
import { httpUrlVar, integerVar, isHttpUrl, jsonVar } from '../env-values';

export const DEFAULT_ANTHROPIC_MODEL = 'claude-haiku-4-5-20251001';

export interface AiConfig {
  providers: ProviderConfig[];
  /** How long a failed provider is skipped. */
  cooldownMs: number;
  /** The longest wait for the next event of a model's answer. */
  timeoutMs: number;
  /** How long a tool call waits for the user's approval before it counts as denied. */
  approvalTimeoutMs: number;
  /** Messages kept per conversation. */
  historyLimit: number;
}

const providersSchema = z
  .array(
    z.object({
      name: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'names are 1-40 characters of A-Z a-z 0-9 _ . -').optional(),
      api_key: z.string().min(1),
      base_url: z.string().refine(isHttpUrl, 'must be an http(s) URL').optional(),
      model: z.string().min(1).max(200).optional(),
    }),
  )
  .min(1)
  .max(10);

function providersFrom(env: NodeJS.ProcessEnv): ProviderConfig[] {
  const model = env.ANTHROPIC_MODEL || DEFAULT_ANTHROPIC_MODEL;
  const listed = jsonVar(env, 'A2UI_AI_PROVIDERS', providersSchema, 'a JSON array of {name?, api_key, base_url?, model?}');
  if (listed) {
    const names = listed.map((p, i) => p.name ?? `provider-${i + 1}`);
    if (new Set(names).size !== names.length) throw new Error('A2UI_AI_PROVIDERS: provider names must be unique');
    return listed.map((p, i) => ({ name: names[i]!, apiKey: p.api_key, ...(p.base_url ? { baseURL: p.base_url } : {}), model: p.model ?? model }));
  }
  if (!env.ANTHROPIC_API_KEY) return [];
  const baseURL = httpUrlVar(env, 'ANTHROPIC_BASE_URL');
  return [{ name: 'anthropic', apiKey: env.ANTHROPIC_API_KEY, ...(baseURL ? { baseURL } : {}), model }];
}

export function loadAiConfig(env: NodeJS.ProcessEnv): AiConfig {
  return {
    providers: providersFrom(env),
    cooldownMs: integerVar(env, 'A2UI_AI_COOLDOWN_MS', 60_000, 0),
    timeoutMs: integerVar(env, 'A2UI_AI_TIMEOUT_MS', 60_000, 100),
    approvalTimeoutMs: integerVar(env, 'A2UI_APPROVAL_TIMEOUT_MS', 120_000, 100),
    historyLimit: integerVar(env, 'A2UI_CHAT_HISTORY_LIMIT', 40, 2),
  };
}
