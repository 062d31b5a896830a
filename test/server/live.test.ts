import type { Frame } from '../../server/transport/protocol';
import { connect, connected, emitAck, LiveClient, pauseReading } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
const clients: LiveClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => server.close());

async function open(s: TestServer = server): Promise<LiveClient> {
  const client = await LiveClient.open(s.url, s.token);
  clients.push(client);
  return client;
}

/** The server's truth: what a brand-new tab receives. */
async function truth(s: TestServer = server): Promise<LiveClient> {
  return open(s);
}

describe('handshake', () => {
  test('a socket without a valid token is refused', async () => {
    for (const token of [undefined, 'wrong']) {
      const socket = connect(server.url, token);
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      expect(error.message).toBe('UNAUTHORIZED');
      socket.close();
    }
  });

  test('a handshake from another origin is refused even with the cookie', async () => {
    const socket = connect(server.url, undefined, { extraHeaders: { Cookie: `a2ui_token=${server.token}`, Origin: 'http://127.0.0.1:5173' } });
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error.message).toMatch(/websocket error|Forbidden|xhr poll error|403/i);
    expect(socket.connected).toBe(false);
    socket.close();
  });

  test('the cookie authenticates a socket too', async () => {
    const socket = connect(server.url, undefined, { extraHeaders: { Cookie: `a2ui_token=${server.token}` } });
    await connected(socket);
    const frame = await emitAck<Frame>(socket, 'join', {});
    expect(frame.from).toBeNull();
    socket.close();
  });
});

describe('join and catch-up', () => {
  test('join without a version answers a snapshot of the whole surface', async () => {
    const client = await open();
    expect(client.frames).toHaveLength(0);
    expect(client.doc?.components.root).toMatchObject({ id: 'root', component: 'Column' });
    expect(client.doc?.components['app-header']).toBeDefined();
    expect(client.version).toBeGreaterThan(0);
  });

  test('join at the current version answers no ops', async () => {
    const client = await open();
    const frame = await emitAck<Frame>(client.socket, 'join', { version: client.version });
    expect(frame).toEqual({ surfaceId: 'main', from: client.version, to: client.version, ops: [], side_effects: [] });
  });

  test('a bad join or resync payload is answered with an error, not silence', async () => {
    const client = await open();
    expect(await emitAck(client.socket, 'join', { version: 'x' })).toEqual({ error: { code: 'INVALID_INPUT', message: expect.stringContaining('version') } });
    expect(await emitAck(client.socket, 'resync', null)).toEqual({ error: { code: 'INVALID_INPUT', message: expect.any(String) } });
  });
});

describe('frames', () => {
  test('an action produces one frame that every tab of the user gets, and the tabs stay identical', async () => {
    const a = await open();
    const b = await open();
    await a.action('navigate', { to: '/lab' });
    const answer = await a.action('bump', { by: 5 });
    expect(answer.status).toBe('success');
    await b.until(answer.frame.to);
    const received = b.frames.filter((f) => f.to === answer.frame.to && f.from === answer.frame.from);
    expect(received).toEqual([answer.frame]);
    expect(a.frames.filter((f) => f.to === answer.frame.to && f.from === answer.frame.from)).toHaveLength(1);
    expect(a.doc).toEqual(b.doc);
    expect(a.doc?.components['lab-count']).toMatchObject({ text: expect.stringMatching(/^Count: \d+$/) });
    expect(a.doc).toEqual((await truth()).doc);
  });

  test('the acting tab gets the change once, in the ack, with the side effects', async () => {
    const a = await open();
    await a.action('navigate', { to: '/lab' });
    const frameEvents = a.frames.length;
    const answer = await a.action('add_item', { name: 'apple' });
    expect(answer.frame.side_effects).toEqual([{ type: 'toast', variant: 'success', message: 'Added apple' }]);
    expect(answer.frame.ops.some((op) => op.op === 'add' && /^\/components\/lab-item-\d+-apple$/.test(op.path))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(a.frames.length).toBe(frameEvents + 1); // the ack's frame only: no `frame` event for it
  });

  test('background changes are pushed as frames', async () => {
    const a = await open();
    await a.action('navigate', { to: '/lab' });
    const start = a.version;
    await a.action('background', { times: 3 });
    await a.until(start + 3);
    expect(a.frames.filter((f) => f.from !== null && f.from >= start).length).toBeGreaterThanOrEqual(3);
    expect(a.doc).toEqual((await truth()).doc);
  });

  test('a client that missed frames sees the gap, resyncs, and holds exactly the server surface', async () => {
    const a = await open();
    const b = await open();
    await a.action('navigate', { to: '/lab' });
    await b.until(a.version);
    b.deaf = true; // b misses the next frames
    for (let i = 0; i < 4; i++) await a.action('add_item', { name: `gap${i}` });
    b.deaf = false;
    const last = await a.action('add_item', { name: 'after' });
    await b.until(last.frame.to);
    expect(b.gaps).toBe(1);
    expect(b.doc).toEqual(a.doc);
    expect(b.doc).toEqual((await truth()).doc);
  });

  test('a reconnecting client joins with its version and gets only the missed ops', async () => {
    const a = await open();
    await a.action('navigate', { to: '/lab' });
    const old = await open();
    const oldVersion = old.version;
    const oldDoc = old.doc;
    old.close();
    await a.action('bump', {});
    await a.action('bump', {});
    const back = await open();
    const frame = await emitAck<Frame>(back.socket, 'join', { version: oldVersion });
    expect(frame.from).toBe(oldVersion);
    expect(frame.ops.length).toBeGreaterThan(0);
    expect(frame.ops.some((op) => op.path === '')).toBe(false);
    const rejoined = new LiveClient(back.socket);
    rejoined.doc = oldDoc;
    rejoined.version = oldVersion;
    expect(rejoined.apply(frame)).toBe(true);
    expect(rejoined.doc).toEqual((await truth()).doc);
  });
});

describe('errors over the socket', () => {
  test('an invalid action is acked as an error and changes nothing', async () => {
    const a = await open();
    const version = a.version;
    const answer = await emitAck(a.socket, 'action', { action: 42 });
    expect(answer).toEqual({ status: 'error', error: { code: 'INVALID_INPUT', message: expect.stringContaining('action') } });
    expect((await emitAck<Frame>(a.socket, 'join', { version })).ops).toEqual([]);
  });

  test('socket actions count against the token rate limit', async () => {
    const limited = await startTestServer({ env: { A2UI_RATE_LIMIT_PER_MINUTE: '60' } });
    const c = await open(limited);
    const codes: string[] = [];
    for (let i = 0; i < 25; i++) {
      const answer = await emitAck<{ status: string; error?: { code: string } }>(c.socket, 'action', { action: 'select', payload: { ids: [] } });
      codes.push(answer.error?.code ?? answer.status);
    }
    expect(codes.slice(0, 20).every((code) => code === 'success')).toBe(true);
    expect(codes).toContain('RATE_LIMITED');
    c.close();
    await limited.close();
  });
});

describe('restart', () => {
  test('route and version continue across a server restart; an old version gets a snapshot', async () => {
    const first = await startTestServer();
    const a = await open(first);
    await a.action('navigate', { to: '/worktrees' });
    const before = a.version;
    a.close();
    await first.close();

    const second = await startTestServer({ dataDir: first.dataDir });
    try {
      const b = await open(second);
      expect(b.version).toBeGreaterThan(before);
      expect(b.doc?.dataModel.app).toMatchObject({ route: '/worktrees' });
      const frame = await emitAck<Frame>(b.socket, 'join', { version: before });
      expect(frame.from).toBeNull();
      expect(frame.ops).toEqual([{ op: 'replace', path: '', value: b.doc }]);
      const joined = b.version;
      const next = await b.action('navigate', { to: '/' });
      expect(next.frame.from).toBe(joined);
      expect(next.frame.to).toBe(joined + 1);
      b.close();
    } finally {
      await second.close();
    }
  });
});

describe('backpressure', () => {
  test('a socket that stops reading gets one snapshot instead of the backlog', async () => {
    const a = await open();
    await a.action('navigate', { to: '/lab' });
    const slow = await open();
    // Stop reading from the TCP socket: the server's writes back up in engine.io's buffer.
    const paused = pauseReading(slow.socket);
    const times = 300;
    const start = a.version;
    await a.action('background', { times, size: 40_000 });
    await a.until(start + times, 30000);
    paused.resume();
    await slow.until(a.version, 30000);
    const received = slow.frames.filter((f) => f.from !== null);
    const snapshots = slow.frames.filter((f) => f.from === null);
    expect(snapshots).toHaveLength(1);
    expect(received.length).toBeLessThan(times);
    expect(slow.doc).toEqual(a.doc);
  }, 60000);
});
