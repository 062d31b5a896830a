/**
 * The Models screen on the real server: in the header, the providers live (a 429 with Retry-After
 * shows its cooldown and the countdown moves), usage after an answer (also on the dashboard's Models
 * card), and the lock: locked to one provider, requests go there only; unlocked, failover again.
 */
import Anthropic from '@anthropic-ai/sdk';
import { LiveClient, type Doc } from '../helpers/client';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

jest.setTimeout(30_000);

let server: TestServer;
let first: FakeAnthropic;
let second: FakeAnthropic;
let client: LiveClient;

beforeAll(async () => {
  first = await FakeAnthropic.start();
  second = await FakeAnthropic.start();
  const providers = [
    { name: 'first', kind: 'anthropic', base_url: first.url, api_key: first.apiKey },
    { name: 'second', kind: 'anthropic', base_url: second.url, api_key: second.apiKey },
  ];
  server = await startTestServer({ env: { A2UI_GATEWAY_PROVIDERS: JSON.stringify(providers) } });
  client = await LiveClient.open(server.url, server.token);
});
afterAll(async () => {
  client.close();
  await server.close();
  await first.close();
  await second.close();
});

const textOf = (doc: Doc, id: string) => (doc.components[id] as { text?: string } | undefined)?.text;
const ask = () => new Anthropic({ apiKey: server.token, baseURL: server.url, maxRetries: 0 }).messages.create({ model: 'claude-haiku-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });

test('the providers live: a cooldown and its countdown, usage, and the lock', async () => {
  expect(client.doc!.components['nav-gateway']).toBeDefined();
  await client.action('navigate', { to: '/models' });
  expect(textOf(client.doc!, 'gateway-provider-first-state')).toBe('ok');
  expect(textOf(client.doc!, 'gateway-routing-text')).toMatch(/failover across all providers.*next request goes to first/);

  first.enqueue({ status: 429, error: { type: 'rate_limit_error', message: 'slow down' }, headers: { 'retry-after': '30' } });
  second.enqueue({ content: [{ type: 'text', text: 'from second' }], usage: { input_tokens: 1_000, output_tokens: 100 } });
  expect((await ask()).content).toEqual([{ type: 'text', text: 'from second' }]);

  const cooling = await waitFor(() => /^cooling down · (\d+) s left/.exec(textOf(client.doc!, 'gateway-provider-first-state') ?? ''), 'the cooldown on screen');
  expect(Number(cooling[1])).toBeGreaterThanOrEqual(28);
  await waitFor(() => Number(/(\d+) s left/.exec(textOf(client.doc!, 'gateway-provider-first-state') ?? '')?.[1]) < Number(cooling[1]), 'the countdown to move');
  expect(textOf(client.doc!, 'gateway-provider-first-error')).toMatch(/rate limited \(429\)/);
  await waitFor(() => textOf(client.doc!, 'gateway-provider-second-usage')?.startsWith('1 model call'), 'the usage of the second');
  expect(textOf(client.doc!, 'gateway-provider-second-usage')).toBe('1 model call · 1.0k tokens in · 100 out · $0.0015');
  expect(textOf(client.doc!, 'gateway-my-usage')).toBe('Your usage: 1 model call · 1.0k tokens in · 100 out · $0.0015');
  expect(textOf(client.doc!, 'gateway-event-0')).toMatch(/second answered|first → second|first failed/);

  // The dashboard's Models card says it too.
  await client.action('navigate', { to: '/' });
  await waitFor(() => textOf(client.doc!, 'dashboard-card-gateway-facts')?.includes('your usage'), 'the line on the Models card');
  expect(textOf(client.doc!, 'dashboard-card-gateway-facts')).toBe('2 providers · cooling down: first · your usage: 1 model call · 1.0k tokens in · 100 out · $0.0015');
  await client.action('navigate', { to: '/models' });

  // Lock to the first one, cooling or not: every request goes there.
  const locked = await client.action('lock_provider', { provider: 'first' });
  expect(locked.status).toBe('success');
  expect(textOf(client.doc!, 'gateway-routing-text')).toBe('Routing is locked to first: no failover.');
  expect(client.doc!.dataModel.gateway).toMatchObject({ can_unlock: true, can_lock: { first: false, second: true } });
  const before = second.requests.length;
  await ask();
  expect(second.requests.length).toBe(before);
  expect(first.requests.length).toBe(2);

  await client.action('unlock_provider', {});
  expect(textOf(client.doc!, 'gateway-routing-text')).toMatch(/failover across all providers/);
  const refused = await client.action('lock_provider', { provider: 'nobody' });
  expect(refused).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND', message: 'No provider named "nobody" is configured.' } });
});
