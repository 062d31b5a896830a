/**
 * Conformance with the model gateway document (the Agent Orchestrator desktop gateway): its gateway
 * endpoints `GET /health`, `GET /status`, `POST /v1/responses` (whole, and streamed as SSE) and
 * `GET /v1/models`, at the `base_url` its `codex` config names (`<server>/v1`, `wire_api =
 * "responses"`), each needing the gateway's own token, with a local OpenAI Responses server behind.
 * The document prints no request bodies; the requests are what `codex` sends in that mode.
 */
import request from 'supertest';
import { FakeOpenAI } from '../helpers/fake-openai';
import { bearer, startTestServer, type TestServer } from '../helpers/server';

jest.setTimeout(30_000);

let upstream: FakeOpenAI;
let server: TestServer;

beforeAll(async () => {
  upstream = await FakeOpenAI.start();
  const providers = [{ name: 'primary', kind: 'openai', base_url: upstream.baseUrl, api_key: upstream.apiKey }];
  server = await startTestServer({ env: { A2UI_GATEWAY_PROVIDERS: JSON.stringify(providers) } });
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});

test('GET /health needs nothing and says ok', async () => {
  expect((await request(server.url).get('/health')).body).toEqual({ status: 'ok' });
});

test('GET /status (and /v1/status): providers, routing and usage, with the token only', async () => {
  for (const path of ['/status', '/v1/status']) {
    const res = await request(server.url).get(path).set(bearer(server.token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ providers: [expect.objectContaining({ name: 'primary', state: 'ok' })], locked: null });
    expect(JSON.stringify(res.body)).not.toContain(upstream.apiKey);
    const anonymous = await request(server.url).get(path);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatchObject({ code: 'invalid_api_key' });
  }
});

test('POST /v1/responses, whole and streamed (SSE), at the configured base_url', async () => {
  const baseUrl = `${server.url}/v1`;
  upstream.enqueue({ output: [{ type: 'text', text: 'Whole answer.' }] });
  const whole = await request(baseUrl).post('/responses').set(bearer(server.token)).send({ model: 'gpt-5', input: 'hi' });
  expect(whole.status).toBe(200);
  expect(whole.body).toMatchObject({ id: expect.stringMatching(/^resp_/), object: 'response', status: 'completed' });
  expect(JSON.stringify(whole.body.output)).toContain('Whole answer.');

  upstream.enqueue({ output: [{ type: 'text', text: 'Streamed answer.', chunks: ['Streamed ', 'answer.'] }] });
  const streamed = await fetch(`${baseUrl}/responses`, {
    method: 'POST',
    headers: { ...bearer(server.token), 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5', input: [{ role: 'user', content: [{ type: 'input_text', text: 'stream it' }] }], stream: true }),
  });
  expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await streamed.text();
  const events = text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => /^event: (.+)$/m.exec(block)?.[1]);
  expect(events[0]).toBe('response.created');
  expect(events.filter((e) => e === 'response.output_text.delta')).toHaveLength(2);
  expect(events.at(-1)).toBe('response.completed');

  expect((await request(baseUrl).post('/responses').send({ model: 'gpt-5', input: 'hi' })).status).toBe(401);
});

test('GET /v1/models', async () => {
  const res = await request(server.url).get('/v1/models').set(bearer(server.token));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ object: 'list', data: expect.any(Array) });
});
