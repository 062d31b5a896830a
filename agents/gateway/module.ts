/**
 * The Models module: the product's model gateway. It opens the routing core every model call of the
 * product goes through (the gateway's clients, the assistant, reply drafts: one provider list, one
 * failover), serves the OpenAI Responses and Anthropic Messages APIs under its prefix for agents and
 * any local tool with a token, issues and revokes the agent sessions' tokens for the supervisor, counts
 * usage and cost, and shows it all on the Models screen.
 */
import type { AgentModelAccess, AgentUsageSource } from '../control/model-access';
import { defineModule } from '../module';
import { loadGatewayConfig, type GatewayConfig } from './config';
import { ConversationStore } from './conversations';
import { gatewayEndpoints } from './endpoints';
import { ModelGateway } from './gateway';
import { GatewayGrants } from './grants';
import { createModelsPlugin } from './models-plugin';
import { EMPTY_USAGE_FILE, UsageLedger, usageFileSchema, type UsageFile } from './ledger';
import { ModelRouter } from './router';

export interface GatewayServices {
  config: GatewayConfig;
  /** The routing core: providers, health, failover, the lock. */
  router: ModelRouter;
  gateway: ModelGateway;
  /** Usage and cost per session, worktree, user and provider. */
  ledger: UsageLedger;
  /** For the supervisor: a gateway agent's environment and its session token. */
  agentAccess: AgentModelAccess;
  /** For the Agents screens: each session's usage, live. */
  agentUsage: AgentUsageSource;
}

/**
 * The variables that point an agent's SDKs at the gateway: Anthropic's SDK (and Claude Code) appends
 * `/v1/messages` to its base URL, OpenAI's appends `/responses` to its own.
 */
export function agentEnvironment(serverUrl: string, prefix: string, token: string): Record<string, string> {
  const base = serverUrl.replace(/\/+$/, '');
  return {
    ANTHROPIC_BASE_URL: `${base}${prefix.slice(0, -'/v1'.length)}`,
    ANTHROPIC_AUTH_TOKEN: token,
    ANTHROPIC_API_KEY: token,
    OPENAI_BASE_URL: `${base}${prefix}`,
    OPENAI_API_KEY: token,
  };
}

export const gatewayModule = defineModule<GatewayServices>({
  id: 'gateway',
  async open(ctx) {
    const config = loadGatewayConfig(ctx.env);
    const router = new ModelRouter({ providers: config.providers, cooldownMs: config.cooldownMs, timeoutMs: config.timeoutMs });
    const grants = new GatewayGrants((token) => ctx.ports.identify(token));
    const ledger = new UsageLedger(await ctx.openStore<UsageFile>('gateway-usage', EMPTY_USAGE_FILE, usageFileSchema));
    const gateway = new ModelGateway({ router, grants, conversations: new ConversationStore(config.historyLimit), ledger, prices: config.prices });
    const agentAccess: AgentModelAccess = {
      open: (session) => agentEnvironment(ctx.ports.baseUrl(), config.prefix, grants.issue(session)),
      close: (sessionId) => grants.revoke(sessionId),
    };
    const agentUsage: AgentUsageSource = {
      forSession: (sessionId) => ledger.forSession(sessionId),
      subscribe: (listener) => ledger.subscribe((entry) => entry.session && listener(entry.session.sessionId)),
    };
    return { config, router, gateway, ledger, agentAccess, agentUsage };
  },
  close: ({ ledger }) => ledger.flush(),
  plugins: ({ gateway, ledger, config }) => [createModelsPlugin(gateway, ledger, config.prefix)],
  endpoints: ({ gateway, config }) => gatewayEndpoints(gateway, config.prefix, config.bodyLimitBytes),
  status: ({ router, config }) =>
    router.configured
      ? { status: 'ok', detail: `${router.providers.length} provider(s) under ${config.prefix}${router.locked ? `, locked to ${router.locked}` : ''}` }
      : { status: 'disabled', detail: 'no model provider (set ANTHROPIC_API_KEY, OPENAI_API_KEY or A2UI_GATEWAY_PROVIDERS)' },
});
