/**
 * The AI module: the pool of Claude providers (keys, failover, cooldown) that Email drafts and the
 * assistant share, and its status endpoint `GET /api/ai/status`.
 */
import { endpoint } from '../endpoint';
import { defineModule } from '../module';
import { loadAiConfig, type AiConfig } from './config';
import { ProviderPool } from './providers';

export interface AiServices {
  pool: ProviderPool;
  config: AiConfig;
}

export const aiModule = defineModule<AiServices>({
  id: 'ai',
  open(ctx) {
    const config = loadAiConfig(ctx.env);
    return { config, pool: new ProviderPool({ providers: config.providers, cooldownMs: config.cooldownMs, timeoutMs: config.timeoutMs }) };
  },
  endpoints: ({ pool }) => [endpoint({ method: 'GET', path: '/api/ai/status', handle: () => ({ json: pool.status() }) })],
  status: ({ pool }) => (pool.configured ? { status: 'ok', detail: `${pool.status().providers.length} provider(s)` } : { status: 'disabled', detail: 'no AI provider (set ANTHROPIC_API_KEY)' }),
});
