/**
 * The gateway's service against local providers speaking the real wire formats: both client formats
 * to both provider kinds, failover before the first byte (500, 429 with Retry-After, an error event,
 * a provider that does not answer), cooldowns and recovery, a failure after the first byte, the lock,
 * conversations across a provider switch, usage and cost, and errors in each API's own format.
 */
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { FakeOpenAI } from '../helpers/fake-openai';
import { anthropicProvider, openaiProvider, serve, testGateway } from './setup';

jest.setTimeout(20_000);

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function anthropic(): Promise<FakeAnthropic> {
  const fake = await FakeAnthropic.start();
  servers.push(fake);
  return fake;
}
async function openai(): Promise<FakeOpenAI> {
  const fake = await FakeOpenAI.start();
  servers.push(fake);
  return fake;
}

const textOfEvents = (events: Array<{ event: string; data: any }>, name: string, field: string) =>
  events.filter((e) => e.event === name).map((e) => (field === 'delta.text' ? e.data.delta.text : e.data[field])).join('');

describe('formats', () => {
  test('a Responses client and an OpenAI provider: the answer as it came, under the gateway\'s own response id', async () => {
    const o = await openai();
    o.enqueue({ output: [{ type: 'text', text: 'Hi Alice.' }] }, { output: [{ type: 'text', text: 'Hi again.', chunks: ['Hi ', 'again.'] }] });
    const { gateway } = testGateway([openaiProvider(o, 'o')]);
    const whole = await serve(gateway, 'openai', { model: 'gpt-5', input: 'hello' });
    expect(whole.status).toBe(200);
    expect(whole.headers['x-a2ui-provider']).toBe('o');
    expect(whole.json).toMatchObject({ object: 'response', status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hi Alice.' }] }] });
    expect(whole.json.id).toMatch(/^resp_[0-9a-f]{24}$/);
    expect(o.requests[0]!.body).toMatchObject({ model: 'gpt-5', stream: false, input: [{ type: 'message', role: 'user', content: 'hello' }] }); // asked whole, as the client asked

    const streamed = await serve(gateway, 'openai', { model: 'gpt-5', input: 'again', stream: true });
    expect(textOfEvents(streamed.events!, 'response.output_text.delta', 'delta')).toBe('Hi again.');
    const completed = streamed.events!.at(-1)!;
    expect(completed.event).toBe('response.completed');
    expect((completed.data as any).response.id).toBe((streamed.events![0]!.data as any).response.id);
  });

  test('an Anthropic client and an Anthropic provider: the stream passes through, the key header is the provider\'s', async () => {
    const a = await anthropic();
    a.enqueue({ content: [{ type: 'text', text: 'Hello there.', chunks: ['Hello ', 'there.'] }] });
    const { gateway } = testGateway([anthropicProvider(a, 'a')]);
    const streamed = await serve(gateway, 'anthropic', { model: 'claude-haiku-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }, { 'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14' });
    expect(streamed.events!.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(a.requests[0]!.headers['x-api-key']).toBe(a.apiKey);
    expect(a.requests[0]!.headers['anthropic-beta']).toBe('fine-grained-tool-streaming-2025-05-14');
    expect(a.requests[0]!.body.model).toBe('claude-haiku-4-5');
  });

  test('a Responses client served by Anthropic, and a Messages client served by OpenAI, with tool calls', async () => {
    const a = await anthropic();
    const o = await openai();
    a.enqueue({ content: [{ type: 'text', text: 'Looking.' }, { type: 'tool_use', id: 'toolu_7', name: 'ls', input: { path: '.' } }] });
    o.enqueue({ output: [{ type: 'text', text: 'Checking.' }, { type: 'function_call', name: 'Bash', arguments: { command: 'ls' }, call_id: 'call_9' }] });
    const toAnthropic = testGateway([anthropicProvider(a, 'a')]).gateway;
    const toOpenai = testGateway([openaiProvider(o, 'o')]).gateway;

    const responses = await serve(toAnthropic, 'openai', { model: 'any', instructions: 'Be brief.', input: 'list', tools: [{ type: 'function', name: 'ls', parameters: { type: 'object' } }] });
    expect(responses.json.output).toEqual([
      expect.objectContaining({ type: 'message', content: [expect.objectContaining({ type: 'output_text', text: 'Looking.' })] }),
      expect.objectContaining({ type: 'function_call', call_id: 'toolu_7', name: 'ls', arguments: '{"path":"."}' }),
    ]);
    expect(a.requests[0]!.body).toMatchObject({ system: 'Be brief.', tools: [{ name: 'ls', input_schema: { type: 'object' } }] });

    const messages = await serve(toOpenai, 'anthropic', { model: 'claude-sonnet-4-5', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'run ls' }], tools: [{ name: 'Bash', input_schema: { type: 'object' } }] });
    expect(messages.json).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_9', name: 'Bash', input: { command: 'ls' } },
      ],
    });
    expect(o.requests[0]!.body).toMatchObject({ instructions: 'Be brief.', max_output_tokens: 100, store: false, tools: [{ type: 'function', name: 'Bash' }] });
  });
});

describe('failover', () => {
  test.each([
    ['a 500', { status: 500, error: { type: 'api_error', message: 'boom' } }],
    ['a 429', { status: 429, error: { type: 'rate_limit_error', message: 'slow down' } }],
    ['an error event before any text', { content: [{ type: 'text' as const, text: 'never seen' }], failAfterDeltas: { count: 0, type: 'overloaded_error', message: 'Overloaded' } }],
  ])('%s from the first provider: the second answers the same request, and the first is skipped until its cooldown ends', async (_name, failure) => {
    const a = await anthropic();
    const b = await anthropic();
    a.enqueue(failure);
    a.fallback = () => ({ content: [{ type: 'text', text: 'from a' }] });
    b.fallback = () => ({ content: [{ type: 'text', text: 'from b' }] });
    const { gateway, router, advance } = testGateway([anthropicProvider(a, 'a'), anthropicProvider(b, 'b')], { cooldownMs: 30_000 });
    const ask = { model: 'claude-haiku-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] };

    const first = await serve(gateway, 'anthropic', ask);
    expect(first.headers['x-a2ui-provider']).toBe('b');
    expect(textOfEvents(first.events!, 'content_block_delta', 'delta.text')).toBe('from b');
    expect(first.events!.filter((e) => e.event === 'message_start')).toHaveLength(1); // nothing of a's attempt reached the client
    expect(b.requests[0]!.body.messages).toEqual(a.requests[0]!.body.messages);
    expect(router.status().providers[0]).toMatchObject({ name: 'a', state: 'cooling_down', failures: 1, last_error: { message: expect.any(String) } });

    await serve(gateway, 'anthropic', ask);
    expect(a.requests).toHaveLength(1); // cooling down: not even asked
    advance(30_001);
    expect((await serve(gateway, 'anthropic', ask)).headers['x-a2ui-provider']).toBe('a');
    expect(router.status().providers[0]).toMatchObject({ state: 'ok', failures: 0 });
  });

  test('a 429 with Retry-After cools the provider down at least that long', async () => {
    const a = await anthropic();
    const b = await anthropic();
    a.enqueue({ status: 429, error: { type: 'rate_limit_error', message: 'slow down' }, headers: { 'retry-after': '600' } });
    const { gateway, router, advance } = testGateway([anthropicProvider(a, 'a'), anthropicProvider(b, 'b')], { cooldownMs: 1_000 });
    const ask = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };
    await serve(gateway, 'anthropic', ask);
    const until = Date.parse(router.status().providers[0]!.cooling_down_until!);
    expect(until - Date.now()).toBeGreaterThan(590_000);
    advance(2_000); // past the configured cooldown, not past Retry-After
    await serve(gateway, 'anthropic', ask);
    expect(a.requests).toHaveLength(1);
  });

  test('a provider that does not answer in time is left for the next', async () => {
    const a = await anthropic();
    const o = await openai();
    a.enqueue({ delayMs: 1_000, content: [{ type: 'text', text: 'late' }] });
    const { gateway, router } = testGateway([anthropicProvider(a, 'a'), openaiProvider(o, 'o')], { timeoutMs: 200 });
    const answer = await serve(gateway, 'anthropic', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.headers['x-a2ui-provider']).toBe('o');
    expect(answer.json.content).toEqual([{ type: 'text', text: 'Hello from OpenAI.' }]);
    expect(router.status().providers[0]!.last_error!.message).toMatch(/^timeout/);
  });

  test('a failure after the first words cannot be undone: the client gets an error event, the provider cools down', async () => {
    const a = await anthropic();
    const b = await anthropic();
    a.enqueue({ content: [{ type: 'text', text: 'one two three four' }], failAfterDeltas: { count: 2, type: 'overloaded_error', message: 'Overloaded' } });
    const { gateway, router } = testGateway([anthropicProvider(a, 'a'), anthropicProvider(b, 'b')]);
    const answer = await serve(gateway, 'anthropic', { model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(textOfEvents(answer.events!, 'content_block_delta', 'delta.text')).toBe('one two ');
    expect(answer.events!.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'a: Overloaded' } } });
    expect(b.requests).toHaveLength(0);
    expect(router.status().providers[0]!.state).toBe('cooling_down');
  });

  test('every provider failing is one error in the client\'s format, with the last failure and Retry-After', async () => {
    const a = await anthropic();
    const o = await openai();
    a.enqueue({ status: 503, error: { type: 'overloaded_error', message: 'busy' } });
    o.enqueue({ status: 429, error: { type: 'rate_limit_error', message: 'Rate limit reached' }, headers: { 'retry-after': '30' } });
    const { gateway } = testGateway([anthropicProvider(a, 'a'), openaiProvider(o, 'o')], { cooldownMs: 10_000 });
    const answer = await serve(gateway, 'openai', { model: 'gpt-5', input: 'hi', stream: true });
    expect(answer.status).toBe(429);
    expect(answer.json).toEqual({ error: { message: 'Every provider failed; the last (o): Rate limit reached', type: 'rate_limit_error', param: null, code: 'rate_limit_error' } });
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(9);
  });

  test('a provider that cannot take the request (an OpenAI-only tool) is passed over without blame', async () => {
    const a = await anthropic();
    const o = await openai();
    const { gateway, router } = testGateway([anthropicProvider(a, 'a'), openaiProvider(o, 'o')]);
    const answer = await serve(gateway, 'openai', { model: 'gpt-5', input: 'news?', tools: [{ type: 'web_search' }] });
    expect(answer.headers['x-a2ui-provider']).toBe('o');
    expect(a.requests).toHaveLength(0);
    expect(router.status().providers[0]).toMatchObject({ state: 'ok', failures: 0 });
    const refused = await serve(testGateway([anthropicProvider(a, 'a')]).gateway, 'openai', { model: 'gpt-5', input: 'news?', tools: [{ type: 'web_search' }] });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ param: 'tools.0', code: 'unsupported_by_provider', message: expect.stringMatching(/only function tools/) });
  });

  test('locked to one provider, every request goes there, failing or not', async () => {
    const a = await anthropic();
    const b = await anthropic();
    const { gateway, router } = testGateway([anthropicProvider(a, 'a'), anthropicProvider(b, 'b')]);
    const ask = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };
    router.lock('b');
    expect((await serve(gateway, 'anthropic', ask)).headers['x-a2ui-provider']).toBe('b');
    expect(a.requests).toHaveLength(0);
    expect(router.status()).toMatchObject({ locked: 'b', active: 'b' });
    b.enqueue({ status: 500, error: { type: 'api_error', message: 'down' } });
    const failed = await serve(gateway, 'anthropic', ask);
    expect(failed.status).toBe(500);
    expect(failed.json).toEqual({ type: 'error', error: { type: 'api_error', message: 'b: down' } });
    expect(a.requests).toHaveLength(0);
    router.lock(null);
    expect((await serve(gateway, 'anthropic', ask)).headers['x-a2ui-provider']).toBe('a');
    expect(router.status().events.map((e) => e.type)).toEqual(expect.arrayContaining(['lock', 'failed', 'served']));
  });
});

describe('conversations', () => {
  test('a previous_response_id conversation continues when the provider changes, in both directions', async () => {
    const o = await openai();
    const a = await anthropic();
    o.enqueue({ output: [{ type: 'text', text: 'Your name is Ada.' }] });
    const { gateway, router } = testGateway([openaiProvider(o, 'o'), anthropicProvider(a, 'a')]);
    const first = await serve(gateway, 'openai', { model: 'gpt-5', instructions: 'Be kind.', input: 'My name is Ada. What is my name?' });
    expect(first.headers['x-a2ui-provider']).toBe('o');

    // The OpenAI provider goes down: the next turn goes to Anthropic, with the whole conversation.
    o.enqueue({ status: 502, error: { type: 'server_error', message: 'bad gateway' } });
    a.enqueue({ content: [{ type: 'text', text: 'Still Ada.' }] });
    const second = await serve(gateway, 'openai', { model: 'gpt-5', input: 'And now?', previous_response_id: first.json.id, stream: true });
    expect(second.headers['x-a2ui-provider']).toBe('a');
    expect(a.requests[0]!.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'My name is Ada. What is my name?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Your name is Ada.' }] },
      { role: 'user', content: [{ type: 'text', text: 'And now?' }] },
    ]);
    expect(a.requests[0]!.body.system).toBeUndefined(); // instructions do not carry over, as at OpenAI
    const secondId = (second.events!.at(-1)!.data as any).response.id;
    expect((second.events!.at(-1)!.data as any).response.previous_response_id).toBe(first.json.id);

    // OpenAI recovers: the third turn is back there, with all of it and no id the provider never saw.
    router.lock('o');
    o.enqueue({ output: [{ type: 'text', text: 'Ada, as ever.' }] });
    await serve(gateway, 'openai', { model: 'gpt-5', input: 'Sure?', previous_response_id: secondId });
    const sent = o.requests.at(-1)!.body;
    expect(sent.previous_response_id).toBeUndefined();
    expect(sent.input.map((item: any) => [item.role, JSON.stringify(item.content)])).toEqual([
      ['user', JSON.stringify('My name is Ada. What is my name?')],
      ['assistant', expect.stringContaining('Your name is Ada.')],
      ['user', JSON.stringify('And now?')],
      ['assistant', expect.stringContaining('Still Ada.')],
      ['user', JSON.stringify('Sure?')],
    ]);
    expect(sent.input.every((item: any) => item.id === undefined)).toBe(true);
  });

  test('an unknown, evicted or another user\'s previous response is previous_response_not_found', async () => {
    const o = await openai();
    const { gateway, grants } = testGateway([openaiProvider(o, 'o')], { historyLimit: 1 });
    const first = await serve(gateway, 'openai', { model: 'gpt-5', input: 'one' });
    await serve(gateway, 'openai', { model: 'gpt-5', input: 'two' }); // evicts the first
    const evicted = await serve(gateway, 'openai', { model: 'gpt-5', input: 'x', previous_response_id: first.json.id });
    expect(evicted.status).toBe(400);
    expect(evicted.json.error).toMatchObject({ code: 'previous_response_not_found', param: 'previous_response_id' });

    const third = await serve(gateway, 'openai', { model: 'gpt-5', input: 'three' });
    const bob = grants.issue({ sessionId: 's-bob', userId: 'bob', agentId: 'demo', worktree: null });
    const asBob = await gateway.serve('openai', gateway.authenticate((n) => (n === 'authorization' ? `Bearer ${bob}` : undefined))!, {
      header: () => undefined,
      body: { model: 'gpt-5', input: 'x', previous_response_id: third.json.id },
      signal: new AbortController().signal,
    });
    expect(asBob).toMatchObject({ status: 400, json: { error: { code: 'previous_response_not_found' } } });
  });
});

describe('usage and cost', () => {
  test('each answer is counted per provider, user, session and worktree, priced by the model that served it', async () => {
    const a = await anthropic();
    const o = await openai();
    a.fallback = () => ({ content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1_000, output_tokens: 200, cache_read_input_tokens: 10_000 } });
    o.fallback = () => ({ output: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 3_000, output_tokens: 100, cached_tokens: 1_000 } });
    const { gateway, grants, ledger } = testGateway([anthropicProvider(a, 'a'), openaiProvider(o, 'o', { models: { '*': 'gpt-5-mini' } })]);
    const token = grants.issue({ sessionId: 's-1', userId: 'alice', agentId: 'demo', worktree: '/repo/.worktrees/demo-1' });
    const header = (name: string) => (name === 'x-api-key' ? token : undefined);
    const grant = gateway.authenticate(header)!;
    expect(grant).toEqual({ userId: 'alice', session: { sessionId: 's-1', userId: 'alice', agentId: 'demo', worktree: '/repo/.worktrees/demo-1' } });

    // claude-haiku-4-5 at $1 / $5 per million, cache reads at a tenth of the input price.
    await gateway.serve('anthropic', grant, { header, body: { model: 'claude-haiku-4-5-20251001', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'hi' }] }, signal: new AbortController().signal }).then(drain);
    const haiku = (1_000 * 1 + 200 * 5 + 10_000 * 0.1) / 1e6;
    expect(ledger.forSession('s-1')).toMatchObject({ requests: 1, input_tokens: 1_000, output_tokens: 200, cache_read_tokens: 10_000, cost_usd: haiku, agent_id: 'demo' });

    // gpt-5-mini at $0.25 / $2, cached input at $0.025: the Responses usage counts cached tokens inside input_tokens.
    gateway.router.lock('o');
    await gateway.serve('openai', grant, { header, body: { model: 'claude-sonnet-4-5', input: 'hi' }, signal: new AbortController().signal });
    const mini = (2_000 * 0.25 + 100 * 2 + 1_000 * 0.025) / 1e6;
    expect(ledger.forSession('s-1')).toMatchObject({ requests: 2, input_tokens: 3_000, output_tokens: 300, cache_read_tokens: 11_000, cost_usd: Math.round((haiku + mini) * 1e6) / 1e6 });
    expect(ledger.forWorktree('/repo/.worktrees/demo-1').requests).toBe(2);
    expect(ledger.forUser('alice').requests).toBe(2);
    expect(ledger.forProvider('o')).toMatchObject({ requests: 1, cost_usd: mini });
    expect(gateway.status(grant).usage.session).toMatchObject({ requests: 2 });

    // A model without a price counts its tokens; its cost is unknown.
    gateway.router.lock('a');
    await gateway.serve('anthropic', grant, { header, body: { model: 'mystery-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }, signal: new AbortController().signal });
    expect(ledger.forUser('alice')).toMatchObject({ requests: 3, unpriced_requests: 1 });

    // The token dies with its session.
    grants.revoke('s-1');
    expect(gateway.authenticate(header)).toBeUndefined();
  });
});

describe('refusals in the API\'s own format', () => {
  test('no token, a wrong token, a bad body, a model nobody serves, no provider at all', async () => {
    const a = await anthropic();
    const { gateway } = testGateway([anthropicProvider(a, 'a', { models: { 'claude-*': 'claude-haiku-4-5' } })]);
    const none = () => undefined;
    expect(gateway.unauthorized('anthropic', none)).toEqual({ status: 401, json: { type: 'error', error: { type: 'authentication_error', message: expect.stringMatching(/Missing token/) } } });
    expect(gateway.unauthorized('openai', (n) => (n === 'authorization' ? 'Bearer nope' : undefined))).toEqual({
      status: 401,
      json: { error: { message: 'The token is not valid for this gateway.', type: 'authentication_error', param: null, code: 'invalid_api_key' } },
    });
    expect(gateway.authenticate((n) => (n === 'x-api-key' ? 'a2gw_forged' : undefined))).toBeUndefined();

    const bad = await serve(gateway, 'anthropic', { model: 'claude-x', messages: [] });
    expect(bad).toMatchObject({ status: 400, json: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/^max_tokens: /) } } });
    const unknown = await serve(gateway, 'openai', { model: 'gpt-5', input: 'hi' });
    expect(unknown).toMatchObject({ status: 404, json: { error: { code: 'model_not_found', param: 'model' } } });
    expect(a.requests).toHaveLength(0);
    const served = await serve(gateway, 'anthropic', { model: 'claude-opus-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    expect(served.status).toBe(200);
    expect(a.requests[0]!.body.model).toBe('claude-haiku-4-5'); // the provider's model map

    const empty = await serve(testGateway([]).gateway, 'openai', { model: 'gpt-5', input: 'hi' });
    expect(empty).toMatchObject({ status: 503, json: { error: { type: 'server_error', message: expect.stringMatching(/No model provider is configured/) } } });
  });
});

async function drain(result: unknown): Promise<void> {
  const stream = (result as { stream?: { events: AsyncIterable<unknown> } }).stream;
  if (stream) for await (const _event of stream.events);
}
