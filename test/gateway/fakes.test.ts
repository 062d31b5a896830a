/**
 * The local stand-ins speak the real wire formats: the real `openai` SDK reads the fake Responses
 * server (JSON and SSE, function calls, errors with Retry-After), so what the gateway tests prove
 * against the fakes holds against the vendors.
 */
import OpenAI from 'openai';
import { FakeOpenAI } from '../helpers/fake-openai';

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await FakeOpenAI.start();
});
afterEach(() => fake.close());

const client = () => new OpenAI({ apiKey: fake.apiKey, baseURL: fake.baseUrl, maxRetries: 0 });

test('a Responses answer as JSON: text and a function call, with usage', async () => {
  fake.enqueue({ output: [{ type: 'text', text: 'Let me check.' }, { type: 'function_call', name: 'ls', arguments: { path: '.' }, call_id: 'call_1' }], usage: { input_tokens: 12, output_tokens: 7 } });
  const response = await client().responses.create({ model: 'gpt-test', input: 'hi' });
  expect(response.output_text).toBe('Let me check.');
  expect(response.output[1]).toMatchObject({ type: 'function_call', name: 'ls', call_id: 'call_1', arguments: '{"path":"."}' });
  expect(response.usage).toMatchObject({ input_tokens: 12, output_tokens: 7, total_tokens: 19 });
  expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
});

test('a Responses stream: the SDK sees every event in order and the completed response', async () => {
  fake.enqueue({ output: [{ type: 'text', text: 'One two three.', chunks: ['One ', 'two ', 'three.'] }] });
  const stream = await client().responses.create({ model: 'gpt-test', input: 'count', stream: true });
  const types: string[] = [];
  const deltas: string[] = [];
  let completed: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') deltas.push(event.delta);
    if (event.type === 'response.completed') completed = event.response;
  }
  expect(deltas).toEqual(['One ', 'two ', 'three.']);
  expect(types[0]).toBe('response.created');
  expect(types.at(-1)).toBe('response.completed');
  expect(completed?.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'One two three.' }] });
});

test('errors as the API sends them: a 429 with Retry-After, an unknown previous response, a bad key', async () => {
  fake.enqueue({ status: 429, error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'slow down' }, headers: { 'retry-after': '7' } });
  const limited = await client().responses.create({ model: 'gpt-test', input: 'hi' }).catch((e: unknown) => e);
  expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
  expect((limited as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('7');
  await expect(client().responses.create({ model: 'gpt-test', input: 'hi', previous_response_id: 'resp_x' })).rejects.toThrow(/previous response with id 'resp_x' not found/i);
  await expect(new OpenAI({ apiKey: 'wrong', baseURL: fake.baseUrl, maxRetries: 0 }).responses.create({ model: 'm', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
});
