/**
 * The AI module: the provider pool that Email drafts and the assistant share, and its status endpoint
 * `GET /api/ai/status`. The pool routes through the model gateway's router (one provider list, one
 * failover and cooldown for the whole product), and each answer's usage is counted for its user.
 */
import { endpoint } from '../endpoint';
import { gatewayModule } from '../gateway/module';
import { defineModule } from '../module';
import { loadAiConfig, type AiConfig } from './config';
import { ProviderPool } from './providers';

export interface AiServices {
  pool: ProviderPool;
  config: AiConfig;
}

export const aiModule = defineModule<AiServices>({
  id: 'ai',
  uses: [gatewayModule],
  open(ctx) {
    const config = loadAiConfig(ctx.env);
    const { router, gateway } = ctx.use(gatewayModule);
    const pool = new ProviderPool({ router, account: (userId, target, usage) => gateway.account(userId === undefined ? null : { userId }, target, usage) });
    return { config, pool };
  },
  endpoints: ({ pool }) => [endpoint({ method: 'GET', path: '/api/ai/status', handle: () => ({ json: pool.status() }) })],
  status: ({ pool }) => (pool.configured ? { status: 'ok', detail: `${pool.status().providers.length} provider(s)` } : { status: 'disabled', detail: 'no AI provider (set ANTHROPIC_API_KEY)' }),
});
