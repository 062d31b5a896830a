/**
 * The per-user cap on open streams (the A2UI v0.9 stream and the agents' SSE share it): past the cap
 * a new stream is a 429 until one closes; other users are not affected.
 */
import { ALICE, bearer, dataDirWithUsers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

let server: TestServer;
const open: AbortController[] = [];

beforeAll(async () => {
  server = await startTestServer({ dataDir: dataDirWithUsers(), env: { A2UI_MAX_STREAMS_PER_USER: '2' } });
});
afterAll(async () => {
  for (const c of open) c.abort();
  await server.close();
});

async function stream(path: string, token = server.token): Promise<{ status: number; body?: unknown; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(`${server.url}${path}`, { headers: bearer(token), signal: controller.signal });
  if (res.status !== 200) return { status: res.status, body: await res.json(), close: () => undefined };
  open.push(controller);
  return { status: 200, close: () => controller.abort() };
}

test('two open streams per user here; the third (of either kind) is a 429 until one closes', async () => {
  const first = await stream('/api/a2ui/v0.9/stream');
  const second = await stream('/api/agents/demo/stream');
  expect([first.status, second.status]).toEqual([200, 200]);

  for (const path of ['/api/a2ui/v0.9/stream', '/api/agents/demo/stream']) {
    const refused = await stream(path);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED', message: expect.stringContaining('Too many open streams') } } });
  }
  expect((await stream('/api/a2ui/v0.9/stream', ALICE.token)).status).toBe(200); // another user's own cap

  first.close();
  let again = { status: 0 } as Awaited<ReturnType<typeof stream>>;
  await waitFor(async () => {
    again = await stream('/api/a2ui/v0.9/stream');
    return again.status === 200;
  }, 'a stream to open again', 10_000);
  expect(again.status).toBe(200);
});
