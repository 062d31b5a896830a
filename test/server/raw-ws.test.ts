/**
 * The raw WebSocket's door (`/ws`, server/transport/raw-ws.ts): the upgrade needs the token (Bearer
 * header or cookie, never the URL), from this origin, within the failed-authentication limit and the
 * user's cap on open streams; refusals are HTTP answers in the one error shape. Messages are bounded
 * (size, nesting), rate-limited, JSON text, and a refused message leaves the connection open.
 * socket.io keeps its own path beside it.
 */
import WebSocket from 'ws';
import { TOKEN_COOKIE } from '../../server/transport/auth';
import { connect, connected } from '../helpers/client';
import { ALICE, bearer, dataDirWithUsers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { WsClient, refusedUpgrade, wsUrl } from '../helpers/ws-client';

let server: TestServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startTestServer({
    dataDir: dataDirWithUsers(),
    env: { A2UI_MAX_STREAMS_PER_USER: '3', A2UI_BODY_LIMIT_BYTES: '4096', A2UI_RATE_LIMIT_PER_MINUTE: '60', A2UI_AUTH_FAILURES_PER_MINUTE: '1' },
  });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await server.close();
});

async function open(token = server.token, headers: Record<string, string> = {}): Promise<WsClient> {
  const client = await WsClient.open(server.url, token, headers);
  clients.push(client);
  return client;
}

test('the upgrade needs a valid token (Bearer or cookie); the URL is no place for it; another origin and another path are refused', async () => {
  expect(await refusedUpgrade(server.url, '/ws', {})).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: expect.any(String) } } });
  expect(await refusedUpgrade(server.url, '/ws', bearer('not-the-token-0123456789'))).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
  expect(await refusedUpgrade(server.url, `/ws?token=${server.token}`, {})).toMatchObject({ status: 401 });
  // A page of another origin carrying the user's cookie.
  const foreign = await refusedUpgrade(server.url, '/ws', { Cookie: `${TOKEN_COOKIE}=${server.token}`, Origin: 'http://127.0.0.1:9' });
  expect(foreign).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  expect(await refusedUpgrade(server.url, '/elsewhere', bearer(server.token))).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  // Without a token nobody learns where the endpoint is.
  expect(await refusedUpgrade(server.url, '/elsewhere', {})).toMatchObject({ status: 401 });

  // The same origin's page (its cookie), and a client with the header, are let in.
  const page = await open(undefined, { Cookie: `${TOKEN_COOKIE}=${server.token}`, Origin: server.url });
  page.send({ type: 'ping' });
  expect(await page.next('pong')).toEqual({ type: 'pong' });
  await page.close();
});

test('messages: JSON text only, at most the body limit, at most 32 levels, a known type; a refusal leaves the connection open', async () => {
  const client = await open();
  const refusal = async (send: () => void, code: string, message: RegExp) => {
    const before = client.messages.length;
    send();
    expect(await client.next('error', before)).toMatchObject({ type: 'error', code, error: expect.stringMatching(message) });
  };
  await refusal(() => client.socket.send('not json'), 'INVALID_INPUT', /JSON/);
  await refusal(() => client.socket.send(Buffer.from('{"type":"ping"}'), { binary: true }), 'INVALID_INPUT', /binary/);
  await refusal(() => client.send({ kind: 'ping' }), 'INVALID_INPUT', /type/);
  await refusal(() => client.send({ type: 'nothing-like-it' }), 'INVALID_INPUT', /Unknown message type/);
  let deep: unknown = 1;
  for (let i = 0; i < 40; i++) deep = [deep];
  await refusal(() => client.send({ type: 'subscribe', agentId: deep }), 'INVALID_INPUT', /deeper than 32/);
  await refusal(() => client.send({ type: 'subscribe', agentId: 'demo', command: 'rm -rf /' }), 'INVALID_INPUT', /Unrecognized key/);
  const before = client.messages.length;
  client.send({ type: 'ping' });
  expect(await client.next('pong', before)).toEqual({ type: 'pong' });

  // Past the body limit the connection is closed (1009: message too big).
  const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
  client.send({ type: 'chat', message: 'x'.repeat(5000) });
  expect(await closed).toBe(1009);
});

test('messages count against the token\'s rate limit', async () => {
  const client = await open(ALICE.token);
  for (let i = 0; i < 40; i++) client.send({ type: 'ping' });
  await client.until((m) => m.length === 40, 'an answer to each ping');
  const limited = client.of('error');
  expect(limited.length).toBeGreaterThan(0);
  expect(limited[0]).toEqual({ type: 'error', code: 'RATE_LIMITED', error: expect.stringContaining('Too many') });
  expect(client.of('pong').length + limited.length).toBe(40);
});

test('each connection is one of the user\'s open streams; health counts them; socket.io keeps its own path', async () => {
  const mine = [await open(), await open(), await open()];
  const refused = await refusedUpgrade(server.url, '/ws', bearer(server.token));
  expect(refused).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED', message: expect.stringContaining('Too many open streams') } } });

  const socket = connect(server.url, server.token);
  await connected(socket);
  socket.close();

  const health = await fetch(`${server.url}/api/health`, { headers: bearer(server.token) }).then((r) => r.json() as Promise<{ websocket: { clients: number } }>);
  expect(health.websocket.clients).toBeGreaterThanOrEqual(3);

  await mine[0]!.close();
  await waitFor(async () => {
    try {
      const again = await WsClient.open(server.url, server.token);
      clients.push(again);
      return true;
    } catch {
      return false;
    }
  }, 'a connection to be let in again');
});

test('failed authentications from one address are limited: past them a 429 with Retry-After', async () => {
  let last = { status: 0, headers: {} as Record<string, unknown>, body: undefined as unknown };
  for (let i = 0; i < 25 && last.status !== 429; i++) last = await refusedUpgrade(server.url, '/ws', bearer(`wrong-token-${i}-0123456789`));
  expect(last).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
  expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
});

test('closing the server ends the connections', async () => {
  const own = await startTestServer();
  const socket = new WebSocket(wsUrl(own.url), { headers: bearer(own.token) });
  await new Promise((resolve) => socket.once('open', resolve));
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await own.close();
  await closed;
  expect(socket.readyState).toBe(WebSocket.CLOSED);
});
