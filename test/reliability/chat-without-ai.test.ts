/**
 * `/api/chat` on a server without any AI provider: a feature that is off, not a failure of Claude.
 * It answers 503 AI_DISABLED with a message that says how to turn it on (it used to be a 502).
 */
import request from 'supertest';
import { bearer, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { ANTHROPIC_API_KEY: '', A2UI_AI_PROVIDERS: '' } });
});
afterAll(() => server.close());

test('POST /api/chat answers 503 AI_DISABLED saying how to enable it', async () => {
  const res = await request(server.url).post('/api/chat').set(bearer(server.token)).send({ message: 'hello' });
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ error: { code: 'AI_DISABLED', message: expect.stringMatching(/ANTHROPIC_API_KEY.*restart/) } });
});

test('the refused turn stores nothing in the conversation', async () => {
  const res = await request(server.url).get('/api/chat/default').set(bearer(server.token));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ namespace: 'default', messages: [] });
});
