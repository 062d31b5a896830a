/**
 * Agents on the model gateway: an agent defined with `model_gateway: true` gets the gateway's address
 * and a token of its session's own (never the server's keys), the token works while the process runs
 * and dies with it, and the demo agent in gateway mode runs real turns through the gateway (Messages
 * and Responses), its session showing the tokens and cost the gateway counted, on the agent page and
 * the agents list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_AGENT_SCRIPT } from '../../agents/control/definitions';
import { LiveClient } from '../helpers/client';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { FakeOpenAI } from '../helpers/fake-openai';
import { bearer, startTestServer, tempDir, type TestServer } from '../helpers/server';
import { FIXTURES, SseReader, api, waitFor, waitForStatus } from '../control/helpers';

jest.setTimeout(30_000);

let server: TestServer;
let claude: FakeAnthropic;
let gpt: FakeOpenAI;

beforeAll(async () => {
  claude = await FakeAnthropic.start();
  gpt = await FakeOpenAI.start();
  const dataDir = tempDir('a2ui-gateway-agents-');
  const node = process.execPath;
  const agents = [
    { id: 'demo-gateway', name: 'Demo (Messages)', role: 'worker', protocol: 'stream-json', command: node, args: [DEMO_AGENT_SCRIPT, '--gateway', 'messages', '--model', 'claude-haiku-4-5'], model_gateway: true },
    { id: 'demo-responses', name: 'Demo (Responses)', role: 'worker', protocol: 'stream-json', command: node, args: [DEMO_AGENT_SCRIPT, '--gateway', 'responses', '--model', 'gpt-5-mini'], model_gateway: true },
    { id: 'env', name: 'Gateway env', role: 'steward', protocol: 'plain', command: node, args: [path.join(FIXTURES, 'gateway-env-agent.js')], model_gateway: true, env: { ANTHROPIC_BASE_URL: 'https://elsewhere.example' } },
  ];
  fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify({ agents }));
  const providers = [
    { name: 'claude', kind: 'anthropic', base_url: claude.url, api_key: claude.apiKey, models: ['claude-haiku-4-5'] },
    { name: 'gpt', kind: 'openai', base_url: gpt.baseUrl, api_key: gpt.apiKey, models: ['gpt-5-mini'] },
  ];
  server = await startTestServer({
    dataDir,
    env: { A2UI_GATEWAY_PROVIDERS: JSON.stringify(providers), ANTHROPIC_API_KEY: 'sk-ant-the-servers-own-key', A2UI_AGENT_STOP_GRACE_MS: '300' },
  });
});
afterAll(async () => {
  await server.close();
  await claude.close();
  await gpt.close();
});

/** Every event of the user's sessions of an agent so far. */
async function eventsOf(agentId: string, until: (events: SseReader['events']) => boolean, what: string) {
  const reader = new SseReader(`${server.url}/api/agents/${agentId}/stream`, { ...bearer(server.token), 'last-event-id': '0' });
  try {
    await reader.ready;
    return (await reader.until(until, what)).filter((e) => e.id !== undefined).map((e) => e.data);
  } finally {
    reader.close();
  }
}

test('a gateway agent gets the gateway and a session token, never the server\'s keys; the token dies with the session', async () => {
  await api(server).post('/api/agents/env/start', {}).expect(201);
  const lines = (await eventsOf('env', (events) => events.some((e) => e.data?.text?.startsWith('token ')), 'the env agent to print its token'))
    .filter((e) => e.type === 'output')
    .map((e) => e.text as string);
  expect(lines).toEqual(expect.arrayContaining([`ANTHROPIC_BASE_URL ${server.url}`, `OPENAI_BASE_URL ${server.url}/v1`, 'one-token true']));
  const token = lines.find((l) => l.startsWith('token '))!.slice('token '.length);
  expect(token).toMatch(/^a2gw_/);

  await api(server).post('/api/agents/env/input', { input: 'call' }).expect(202);
  await eventsOf('env', (events) => events.some((e) => e.data?.text === 'status 200'), 'the agent to reach the gateway with its token');

  await api(server).post('/api/agents/env/stop').expect(200);
  await waitForStatus(server, 'env', 'terminated');
  const after = await fetch(`${server.url}/v1/status`, { headers: { authorization: `Bearer ${token}` } });
  expect(after.status).toBe(401);
});

test('the demo agent in gateway mode runs turns through the gateway; its session shows the tokens and cost', async () => {
  claude.enqueue(
    { content: [{ type: 'text', text: 'Hello from Claude, through the gateway.' }], usage: { input_tokens: 2_000, output_tokens: 300 } },
    { content: [{ type: 'text', text: 'Second answer.' }], usage: { input_tokens: 3_000, output_tokens: 100 } },
  );
  await api(server).post('/api/agents/demo-gateway/start', { prompt: 'Say hello' }).expect(201);
  await waitFor(async () => (await api(server).get('/api/agents/demo-gateway/status')).body.session?.last_result, 'the first turn');
  await api(server).post('/api/agents/demo-gateway/input', { input: 'Once more' }).expect(202);
  const session = await waitFor(async () => {
    const body = (await api(server).get('/api/agents/demo-gateway/status')).body;
    return body.session?.cost_usd && body.session.cost_usd > 0.004 ? body.session : undefined;
  }, 'the second turn and its cost');

  // claude-haiku-4-5 at $1 / $5 per million tokens: (2000 + 3000) in, (300 + 100) out.
  expect(session.cost_usd).toBeCloseTo((5_000 * 1 + 400 * 5) / 1e6, 9);
  expect(claude.requests).toHaveLength(2);
  expect(claude.requests[1]!.headers['x-api-key']).toBe(claude.apiKey); // the provider's key: only the gateway has it
  expect(claude.requests[1]!.body.messages).toEqual([
    { role: 'user', content: 'Say hello' },
    { role: 'assistant', content: 'Hello from Claude, through the gateway.' },
    { role: 'user', content: 'Once more' },
  ]);
  const events = await eventsOf('demo-gateway', (all) => all.filter((e) => e.event === 'agent_result').length >= 2, 'two results');
  expect(events.filter((e) => e.type === 'text').map((e) => e.text)).toEqual(['Hello from Claude, through the gateway.', 'Second answer.']);

  // The screens: the agent page and the agents list show the gateway's count.
  const client = await LiveClient.open(server.url, server.token);
  try {
    await client.action('navigate', { to: '/agents/demo-gateway' });
    const usageText = () => (client.doc!.components['control-usage'] as { text?: string } | undefined)?.text;
    await waitFor(() => usageText(), 'the usage line on the agent page');
    expect(usageText()).toBe('Through the model gateway: 2 model calls · 5.0k tokens in · 400 out · $0.0070');
    await client.action('navigate', { to: '/agents' });
    expect((client.doc!.components['agent-demo-gateway-usage'] as { text: string }).text).toBe('2 model calls · 5.0k tokens in · 400 out · $0.0070');
  } finally {
    client.close();
  }
  await api(server).post('/api/agents/demo-gateway/stop').expect(200);
});

test('the Responses demo chains its turns with previous_response_id, which the gateway expands', async () => {
  gpt.enqueue({ output: [{ type: 'text', text: 'First.' }], usage: { input_tokens: 100, output_tokens: 10 } }, { output: [{ type: 'text', text: 'Second.' }], usage: { input_tokens: 200, output_tokens: 20 } });
  await api(server).post('/api/agents/demo-responses/start', { prompt: 'one' }).expect(201);
  await waitFor(async () => (await api(server).get('/api/agents/demo-responses/status')).body.session?.last_result, 'the first turn');
  await api(server).post('/api/agents/demo-responses/input', { input: 'two' }).expect(202);
  await waitFor(() => gpt.requests.length === 2 && gpt.requests[1], 'the second call');
  const events = await eventsOf('demo-responses', (all) => all.filter((e) => e.event === 'agent_result').length >= 2, 'two results');
  expect(events.filter((e) => e.type === 'result').every((e) => e.is_error === false)).toBe(true);
  const sent = gpt.requests[1]!.body;
  expect(sent.previous_response_id).toBeUndefined();
  expect(sent.input.map((item: { role: string }) => item.role)).toEqual(['user', 'assistant', 'user']);
  await api(server).post('/api/agents/demo-responses/stop').expect(200);
});
