/**
 * Guessing tokens: failed authentications are limited per client address (a burst of 20, then
 * A2UI_AUTH_FAILURES_PER_MINUTE). Past it, HTTP answers 429 RATE_LIMITED with a Retry-After header,
 * the start-up URL and the socket.io handshake are refused the same way, and even the right token is
 * refused from that address (a guess must tell nothing). Another address is never slowed by it.
 *
 * The refill is one per minute here, so the bucket cannot refill while the test runs. Other addresses
 * are other loopback addresses (127.0.0.2), which Linux routes to the server on 127.0.0.1.
 */
import http from 'node:http';
import { connect, connected } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { A2UI_AUTH_FAILURES_PER_MINUTE: '1' } });
});
afterAll(() => server.close());

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: any;
}

/** A GET with a Bearer token from a chosen local address. */
function get(path: string, token: string | undefined, localAddress = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
    const req = http.get(new URL(path, server.url), { headers, localAddress, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body: text.startsWith('{') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
  });
}

test('wrong tokens from one address: 20 are 401, then 429 with Retry-After; the right token from another address still works', async () => {
  const answers: Answer[] = [];
  for (let i = 0; i < 60; i++) answers.push(await get('/api/health', `wrong-token-${i}-0123456789abcdef`));
  expect(answers.slice(0, 20).map((a) => a.status)).toEqual(Array(20).fill(401));
  expect(answers.slice(20).map((a) => a.status)).toEqual(Array(40).fill(429));
  const refused = answers[59]!;
  expect(refused.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('failed authentications') } });
  expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number.isInteger(Number(refused.retryAfter))).toBe(true);

  // From the limited address, even the right token is refused: a guess must not be told apart.
  expect((await get('/api/health', server.token)).status).toBe(429);
  expect((await get('/api/health', undefined)).status).toBe(429);
  expect((await get(`/?token=${server.token}`, undefined)).status).toBe(429);

  // Another address: the right token is not slowed at all, and its own failures have their own bucket.
  expect((await get('/api/health', server.token, '127.0.0.2')).status).toBe(200);
  expect((await get('/api/health', 'another-wrong-token-0123456789', '127.0.0.2')).status).toBe(401);
  expect((await get('/api/health', server.token, '127.0.0.2')).status).toBe(200);
});

test('the socket.io handshake from the limited address is refused with RATE_LIMITED; from another address it connects', async () => {
  for (let i = 0; i < 25; i++) await get('/api/health', `wrong-token-${i}-0123456789abcdef`, '127.0.0.3');
  const limited = connect(server.url, server.token, { localAddress: '127.0.0.3' });
  const error = (await connected(limited).catch((e: unknown) => e)) as Error & { data?: unknown };
  limited.close();
  expect(error).toBeInstanceOf(Error);
  expect(error.message).toBe('RATE_LIMITED');
  expect(error.data).toEqual({ code: 'RATE_LIMITED', message: expect.stringContaining('failed authentications') });

  const other = connect(server.url, server.token, { localAddress: '127.0.0.4' });
  await connected(other);
  other.close();

  // Wrong tokens in handshakes count too.
  for (let i = 0; i < 20; i++) {
    const guess = connect(server.url, `guess-${i}-0123456789abcdef`, { localAddress: '127.0.0.5' });
    expect(((await connected(guess).catch((e: unknown) => e)) as Error).message).toBe('UNAUTHORIZED');
    guess.close();
  }
  const after = connect(server.url, `guess-x-0123456789abcdef`, { localAddress: '127.0.0.5' });
  expect(((await connected(after).catch((e: unknown) => e)) as Error).message).toBe('RATE_LIMITED');
  after.close();
});
