/**
 * A model gateway over local fake providers, without the server: the gateway's service as the module
 * opens it, with a user token (`USER_TOKEN` for alice), an in-memory usage file, and a clock the test
 * can move.
 */
import { ConversationStore } from '../../agents/gateway/conversations';
import { ModelGateway } from '../../agents/gateway/gateway';
import { GatewayGrants } from '../../agents/gateway/grants';
import { EMPTY_USAGE_FILE, UsageLedger, type UsageFile } from '../../agents/gateway/ledger';
import { DEFAULT_PRICES } from '../../agents/gateway/prices';
import type { UpstreamConfig } from '../../agents/gateway/provider';
import { ModelRouter } from '../../agents/gateway/router';
import type { FeedEvent } from '../../agents/endpoint';
import type { FakeAnthropic } from '../helpers/fake-anthropic';
import type { FakeOpenAI } from '../helpers/fake-openai';

export const USER_TOKEN = 'user-token-for-alice-0123';

export interface TestGateway {
  gateway: ModelGateway;
  router: ModelRouter;
  grants: GatewayGrants;
  ledger: UsageLedger;
  usageFile: UsageFile;
  /** Moves the router's clock. */
  advance(ms: number): void;
}

export function anthropicProvider(fake: FakeAnthropic, name: string, extra: Partial<UpstreamConfig> = {}): UpstreamConfig {
  return { name, kind: 'anthropic', baseUrl: fake.url, apiKey: fake.apiKey, defaultModel: `model-${name}`, ...extra };
}

export function openaiProvider(fake: FakeOpenAI, name: string, extra: Partial<UpstreamConfig> = {}): UpstreamConfig {
  return { name, kind: 'openai', baseUrl: fake.baseUrl, apiKey: fake.apiKey, defaultModel: `model-${name}`, ...extra };
}

export function testGateway(providers: UpstreamConfig[], options: { cooldownMs?: number; timeoutMs?: number; historyLimit?: number } = {}): TestGateway {
  let now = Date.now();
  const router = new ModelRouter({ providers, cooldownMs: options.cooldownMs ?? 60_000, timeoutMs: options.timeoutMs ?? 5_000, now: () => now });
  const grants = new GatewayGrants((token) => (token === USER_TOKEN ? { userId: 'alice', tokenKey: 'alice-key', admin: true } : undefined));
  const usageFile = structuredClone(EMPTY_USAGE_FILE);
  const ledger = new UsageLedger({ data: usageFile, write: async () => undefined });
  const gateway = new ModelGateway({ router, grants, conversations: new ConversationStore(options.historyLimit ?? 50), ledger, prices: DEFAULT_PRICES });
  return { gateway, router, grants, ledger, usageFile, advance: (ms) => (now += ms) };
}

/** Request headers as an endpoint hands them over. */
export function headers(values: Record<string, string>): (name: string) => string | undefined {
  return (name) => values[name];
}

export interface Served {
  status: number;
  headers: Record<string, string>;
  /** A JSON answer. */
  json?: any;
  /** A streamed answer's events, read to the end. */
  events?: FeedEvent[];
}

/** Calls the gateway as its endpoint would, for alice, and reads the whole answer. */
export async function serve(gateway: ModelGateway, api: 'openai' | 'anthropic', body: unknown, extraHeaders: Record<string, string> = {}): Promise<Served> {
  const header = headers({ authorization: `Bearer ${USER_TOKEN}`, ...extraHeaders });
  const grant = gateway.authenticate(header);
  if (!grant) throw new Error('the test token was refused');
  const result = await gateway.serve(api, grant, { header, body, signal: new AbortController().signal });
  if ('stream' in result) {
    if (!('events' in result.stream)) throw new Error('the gateway answered a feed, not a one-shot stream');
    const events: FeedEvent[] = [];
    for await (const batch of result.stream.events) {
      if (batch.length === 0) throw new Error("the gateway relayed an empty batch");
      events.push(...batch);
    }
    return { status: result.stream.status ?? 200, headers: { ...result.stream.headers }, events };
  }
  if (!('json' in result)) throw new Error('the gateway answered neither JSON nor a stream');
  return { status: result.status ?? 200, headers: { ...result.headers }, json: result.json };
}
