/**
 * The model gateway on the real server, driven by the real SDKs: `openai`'s `responses.create`
 * (streamed and not) and `@anthropic-ai/sdk`'s `messages.stream` against `<server>/v1`, with local
 * providers speaking the real wire formats behind it. Failover on a 500 and a 429, the cooldown that
 * follows, a `previous_response_id` conversation across the switch, the status and models endpoints,
 * and the 401 a process without a token gets, in each API's own format.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { FakeOpenAI } from '../helpers/fake-openai';
import { startTestServer, type TestServer } from '../helpers/server';

jest.setTimeout(30_000);

let server: TestServer;
let primary: FakeOpenAI;
let backup: FakeAnthropic;

beforeAll(async () => {
  primary = await FakeOpenAI.start();
  backup = await FakeAnthropic.start();
  const providers = [
    { name: 'primary', kind: 'openai', base_url: primary.baseUrl, api_key: primary.apiKey, models: { 'gpt-5': 'gpt-5', 'claude-*': 'gpt-5-mini', '*': 'gpt-5' } },
    { name: 'backup', kind: 'anthropic', base_url: backup.url, api_key: backup.apiKey, models: { 'claude-haiku-4-5': 'claude-haiku-4-5', 'gpt-*': 'claude-haiku-4-5', '*': 'claude-haiku-4-5' } },
  ];
  server = await startTestServer({ env: { A2UI_GATEWAY_PROVIDERS: JSON.stringify(providers), A2UI_AI_COOLDOWN_MS: '60000' } });
});
afterAll(async () => {
  await server.close();
  await primary.close();
  await backup.close();
});
afterEach(() => {
  primary.script.length = 0;
  backup.script.length = 0;
});

const openai = (apiKey = server.token) => new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
const anthropic = (apiKey = server.token) => new Anthropic({ apiKey, baseURL: server.url, maxRetries: 0 });

test('openai responses.create, whole and streamed', async () => {
  primary.enqueue({ output: [{ type: 'text', text: 'Hello from the gateway.' }] }, { output: [{ type: 'text', text: 'Streamed words here.', chunks: ['Streamed ', 'words ', 'here.'] }] });
  const whole = await openai().responses.create({ model: 'gpt-5', input: 'hi' });
  expect(whole.output_text).toBe('Hello from the gateway.');
  expect(whole.id).toMatch(/^resp_/);

  const stream = await openai().responses.create({ model: 'gpt-5', input: 'stream please', stream: true });
  const deltas: string[] = [];
  let completed: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') deltas.push(event.delta);
    if (event.type === 'response.completed') completed = event.response;
  }
  expect(deltas).toEqual(['Streamed ', 'words ', 'here.']);
  expect(completed?.usage?.total_tokens).toBeGreaterThan(0);
  expect(primary.requests.at(-1)!.body.model).toBe('gpt-5');
});

test('anthropic messages.stream, served by the OpenAI provider through translation', async () => {
  primary.enqueue({ output: [{ type: 'text', text: 'Translated answer.', chunks: ['Translated ', 'answer.'] }], usage: { input_tokens: 40, output_tokens: 4 } });
  const texts: string[] = [];
  const stream = anthropic().messages.stream({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
  stream.on('text', (text) => texts.push(text));
  const message = await stream.finalMessage();
  expect(texts).toEqual(['Translated ', 'answer.']);
  expect(message).toMatchObject({ role: 'assistant', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Translated answer.' }], usage: { input_tokens: 40, output_tokens: 4 } });
  expect(primary.requests.at(-1)!.body).toMatchObject({ model: 'gpt-5-mini', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hello' }] }] });
});

test('the first provider answering 500, then 429: the second answers, the first is skipped until its cooldown ends, and the conversation carries over', async () => {
  primary.enqueue({ output: [{ type: 'text', text: 'Noted: the code word is heron.' }] });
  const first = await openai().responses.create({ model: 'gpt-5', input: 'Remember the code word heron.' });

  primary.enqueue({ status: 500, error: { type: 'server_error', message: 'boom' } });
  backup.enqueue({ content: [{ type: 'text', text: 'The code word is heron.' }] });
  const before = primary.requests.length;
  const stream = await openai().responses.create({ model: 'gpt-5', input: 'What is the code word?', previous_response_id: first.id, stream: true });
  let text = '';
  let secondId = '';
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') secondId = event.response.id;
  }
  expect(text).toBe('The code word is heron.');
  expect(backup.requests.at(-1)!.body.model).toBe('claude-haiku-4-5');
  expect(backup.requests.at(-1)!.body.messages).toEqual([
    { role: 'user', content: [{ type: 'text', text: 'Remember the code word heron.' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'Noted: the code word is heron.' }] },
    { role: 'user', content: [{ type: 'text', text: 'What is the code word?' }] },
  ]);

  // The primary is cooling down: the next turn goes straight to the backup, with the whole conversation.
  backup.enqueue({ content: [{ type: 'text', text: 'Still heron.' }] });
  const third = await anthropic().messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'and?' }] });
  expect(third.content).toEqual([{ type: 'text', text: 'Still heron.' }]);
  expect(primary.requests.length).toBe(before + 1);
  const status = await (await fetch(`${server.url}/v1/status`, { headers: { authorization: `Bearer ${server.token}` } })).json();
  expect(status.providers[0]).toMatchObject({ name: 'primary', state: 'cooling_down', cooling_down_until: expect.any(String), last_error: { message: expect.stringMatching(/server error \(500\)/) } });
  expect(status.providers[1]).toMatchObject({ name: 'backup', state: 'ok', usage: { requests: expect.any(Number) } });
  expect(status.usage.user.requests).toBeGreaterThan(0);
  expect(secondId).toMatch(/^resp_/);

  // A 429 with Retry-After on the backup too: both cool down; the answer says when to come back.
  backup.enqueue({ status: 429, error: { type: 'rate_limit_error', message: 'slow down' }, headers: { 'retry-after': '120' } });
  primary.enqueue({ status: 429, error: { type: 'rate_limit_error', message: 'also slow' } });
  const limited = await anthropic().messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'again' }] }).catch((e: unknown) => e);
  expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
  expect(Number((limited as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after'))).toBeGreaterThan(50);
});

test('a client that hangs up in the middle of a stream: the gateway hangs up on the provider, which is not blamed', async () => {
  // Whichever provider answers first (the earlier tests left both cooling down) stops after two words.
  backup.enqueue({ content: [{ type: 'text', text: 'one two three four five' }], hangAfterDeltas: 2 });
  primary.enqueue({ output: [{ type: 'text', text: 'one two three four five' }], hangAfterDeltas: 2 });
  const controller = new AbortController();
  const response = await fetch(`${server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.token, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'talk' }] }),
    signal: controller.signal,
  });
  const name = response.headers.get('x-a2ui-provider');
  const index = name === 'primary' ? 0 : 1;
  const provider = name === 'primary' ? primary : backup;
  const reader = response.body!.getReader();
  let text = '';
  while (!text.includes('"two "')) text += new TextDecoder().decode((await reader.read()).value);
  const before = await (await fetch(`${server.url}/v1/status`, { headers: { authorization: `Bearer ${server.token}` } })).json();
  controller.abort();
  await provider.requests.at(-1)!.ended; // the provider's connection is closed
  const after = await (await fetch(`${server.url}/v1/status`, { headers: { authorization: `Bearer ${server.token}` } })).json();
  expect(after.providers[index].failed_requests).toBe(before.providers[index].failed_requests);
});

test('models, health, and 401 in each API\'s format for a process without a token', async () => {
  const models = await openai().models.list();
  expect(models.data.map((m) => m.id)).toEqual(['claude-haiku-4-5', 'gpt-5']);
  const anthropicModels = await anthropic().models.list();
  expect(anthropicModels.data.map((m) => m.id)).toEqual(['claude-haiku-4-5', 'gpt-5']);
  expect(await (await fetch(`${server.url}/v1/health`)).json()).toEqual({ status: 'ok' });

  await expect(openai('not-a-token').responses.create({ model: 'gpt-5', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  await expect(anthropic('not-a-token').messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  const bare = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [] }) });
  expect(bare.status).toBe(401);
  expect(await bare.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.stringMatching(/Missing token/) } });
  const status = await fetch(`${server.url}/v1/status`);
  expect(status.status).toBe(401);
  expect((await status.json()).error.code).toBe('invalid_api_key');
});
