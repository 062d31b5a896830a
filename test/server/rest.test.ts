import fs from 'node:fs';
import path from 'node:path';
import type { Operation } from 'fast-json-patch';
import request from 'supertest';
import type { ActionResponse } from '../../server/transport/protocol';
import { applyOps, type Doc } from '../helpers/client';
import { ALICE, BOB, bearer, dataDirWithUsers, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ dataDir: dataDirWithUsers(), env: { A2UI_PLUGIN_TIMEOUT_MS: '300' } });
});
afterAll(() => server.close());

const api = () => request(server.url);
function act(token: string, body: unknown) {
  return api().post('/api/a2ui/action').set(bearer(token)).send(body as object);
}
function ops(res: { body: ActionResponse }): Operation[] {
  return JSON.parse(res.body.a2ui_json) as Operation[];
}

/** The user's whole document now: a request far behind gets a snapshot. */
async function snapshotOf(token: string): Promise<{ doc: Doc; version: number }> {
  const res = await act(token, { action: 'select', payload: { ids: [] }, base_version: 0 });
  const [op] = ops(res);
  expect(op).toMatchObject({ op: 'replace', path: '' });
  return { doc: (op as { value: Doc }).value, version: res.body.to };
}

describe('health', () => {
  test('GET /health answers without a token', async () => {
    const res = await api().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('GET /api/health adds version, uptime, data dir and each plugin', async () => {
    const res = await api().get('/api/health').set(bearer(server.token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', version: expect.any(String), uptime_s: expect.any(Number), data_dir: server.dataDir });
    expect(Object.keys(res.body.plugins)).toEqual(expect.arrayContaining(['dashboard', 'email', 'control', 'worktree', 'lab']));
    expect(res.body.plugins.dashboard).toEqual({ status: 'ok' });
  });
});

describe('auth', () => {
  test('no token is a 401 in the error shape', async () => {
    const res = await api().get('/api/health');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('token') } });
  });

  test('a wrong token is a 401', async () => {
    const res = await api().get('/api/health').set(bearer('not-the-token'));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  test('/?token= sets an HttpOnly SameSite cookie, takes the token out of the URL, and the cookie authenticates', async () => {
    const res = await api().get(`/?token=${server.token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`a2ui_token=${server.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const withCookie = await api().get('/api/health').set('Cookie', `a2ui_token=${server.token}`);
    expect(withCookie.status).toBe(200);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  test('a browser request from another origin is refused even with the cookie', async () => {
    const cookie = `a2ui_token=${server.token}`;
    for (const origin of ['http://127.0.0.1:5173', 'http://evil.test', 'null']) {
      const res = await api().get('/api/health').set('Cookie', cookie).set('Origin', origin);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const same = await api().get('/api/health').set('Cookie', cookie).set('Origin', server.url);
    expect(same.status).toBe(200);
  });

  test('/?token= with a wrong token sets no cookie', async () => {
    const res = await api().get('/?token=wrong');
    expect(res.status).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  test('the token file is generated once with mode 0600', () => {
    const stat = fs.statSync(path.join(server.dataDir, 'token'));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(server.dataDir, 'token'), 'utf8').trim()).toBe(server.token);
  });

  test('users are isolated: a user_id in the body never decides identity', async () => {
    await act(ALICE.token, { action: 'navigate', payload: { to: '/agents' } });
    await act(BOB.token, { action: 'navigate', payload: { to: '/worktrees' }, user_id: 'alice', context: { user_id: 'alice' } });
    const alice = await snapshotOf(ALICE.token);
    const bob = await snapshotOf(BOB.token);
    expect(alice.doc.dataModel.app).toMatchObject({ route: '/agents', user_id: 'alice' });
    expect(bob.doc.dataModel.app).toMatchObject({ route: '/worktrees', user_id: 'bob' });
  });
});

describe('POST /api/a2ui/action', () => {
  test('navigate answers success, ops that apply, versions and a navigate side effect', async () => {
    const before = await snapshotOf(server.token);
    const res = await act(server.token, {
      action: 'navigate',
      payload: { to: '/email/inbox' },
      context: { route: '/', timezone: 'Europe/Paris', screen_size: 'desktop', selection: null },
      surface_id: 'main',
      base_version: before.version,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'success', surface_id: 'main', from: before.version });
    expect(res.body.to).toBeGreaterThan(before.version);
    expect(res.body.side_effects).toEqual([{ type: 'navigate', to: '/email/inbox' }]);
    const doc = applyOps(before.doc, ops(res));
    expect(doc.dataModel.app).toMatchObject({ route: '/email/inbox' });
    expect(doc.components['email-inbox']).toMatchObject({ component: 'Column' });
    expect(doc).toEqual((await snapshotOf(server.token)).doc);
  });

  test('a base_version behind gets the missed ops from the log', async () => {
    const start = await snapshotOf(server.token);
    await act(server.token, { action: 'navigate', payload: { to: '/lab' } });
    await act(server.token, { action: 'bump', payload: {} });
    const res = await act(server.token, { action: 'bump', payload: { by: 2 }, base_version: start.version });
    expect(res.body.from).toBe(start.version);
    // At least the three changes above; a plugin's background load (the inbox the previous test
    // opened) may add one more. Either way the answer brings the client to the server's version.
    expect(res.body.to).toBeGreaterThanOrEqual(start.version + 3);
    const doc = applyOps(start.doc, ops(res));
    expect(doc.components['lab-count']).toMatchObject({ text: 'Count: 3' });
    const now = await snapshotOf(server.token);
    expect(now.version).toBe(res.body.to);
    expect(doc).toEqual(now.doc);
  });

  test('a base_version older than the log, or ahead of the server, gets a snapshot', async () => {
    const res = await act(server.token, { action: 'select', payload: { ids: ['x'] }, base_version: 999999 });
    expect(res.body.from).toBeNull();
    expect(ops(res)).toEqual([{ op: 'replace', path: '', value: expect.objectContaining({ components: expect.any(Object) }) }]);
  });

  test('an action the current route does not know is status error with a toast, not a crash', async () => {
    await act(server.token, { action: 'navigate', payload: { to: '/' } });
    const res = await act(server.token, { action: 'archive', payload: { email_id: '1' } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('error');
    expect(res.body.error).toEqual({ code: 'UNKNOWN_ACTION', message: expect.stringContaining('"archive"') });
    expect(res.body.side_effects).toEqual([{ type: 'toast', variant: 'error', message: expect.stringContaining('archive') }]);
    expect(JSON.stringify(ops(res))).toContain('is not an action of Dashboard');
  });

  test('navigating to a path that is no route is an error toast and the route stays', async () => {
    const res = await act(server.token, { action: 'navigate', payload: { to: '/etc/passwd' } });
    expect(res.body.status).toBe('error');
    expect(res.body.error.message).toContain('There is no page at /etc/passwd');
    expect((await snapshotOf(server.token)).doc.dataModel.app).toMatchObject({ route: '/' });
  });

  test('a plugin that throws gives status error with a toast; its state is unchanged', async () => {
    await act(server.token, { action: 'navigate', payload: { to: '/lab' } });
    const before = await snapshotOf(server.token);
    const res = await act(server.token, { action: 'boom', payload: {}, base_version: before.version });
    expect(res.body.status).toBe('error');
    expect(res.body.side_effects).toEqual([{ type: 'toast', variant: 'error', message: 'Lab Agent failed: the lab exploded' }]);
    const after = applyOps(before.doc, ops(res));
    expect(after.components['lab-count']).toEqual(before.doc.components['lab-count']);
    expect((await api().get('/health')).status).toBe(200);
  });

  test('a plugin past its time limit gives "<Agent> timed out" and a late result is dropped', async () => {
    await act(server.token, { action: 'navigate', payload: { to: '/lab' } });
    const res = await act(server.token, { action: 'hang', payload: {} });
    expect(res.body.status).toBe('error');
    expect(res.body.error).toEqual({ code: 'PLUGIN_TIMEOUT', message: 'Lab Agent timed out.' });
    await new Promise((r) => setTimeout(r, 50));
    const doc = (await snapshotOf(server.token)).doc;
    expect(JSON.stringify(doc.components['lab-count'])).not.toContain('Count: -1');
  });

  test('a view that throws rolls the change back and says so', async () => {
    await act(server.token, { action: 'navigate', payload: { to: '/lab' } });
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await act(server.token, { action: 'break_view', payload: {} });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('render failed'), expect.any(Error));
    logged.mockRestore();
    expect(res.status).toBe(200);
    expect(JSON.stringify(ops(res))).toContain('the last change was undone');
    const bump = await act(server.token, { action: 'bump', payload: {} });
    expect(bump.body.status).toBe('success');
  });
});

describe('GET /api/a2ui/surface', () => {
  test('answers a snapshot, or the ops since a version, like socket.io join', async () => {
    const snap = await api().get('/api/a2ui/surface').set(bearer(server.token));
    expect(snap.status).toBe(200);
    expect(snap.body).toMatchObject({ surfaceId: 'main', from: null, ops: [{ op: 'replace', path: '' }] });
    const version = snap.body.to as number;
    const doc = snap.body.ops[0].value as Doc;
    await act(server.token, { action: 'navigate', payload: { to: '/agents' } });
    const since = await api().get(`/api/a2ui/surface?version=${version}`).set(bearer(server.token));
    expect(since.body.from).toBe(version);
    expect(applyOps(doc, since.body.ops)).toEqual((await snapshotOf(server.token)).doc);
  });

  test('a version that is not a number is a 400 naming it', async () => {
    const res = await api().get('/api/a2ui/surface?version=abc').set(bearer(server.token));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^version: /);
  });
});

describe('bad input', () => {
  test('malformed JSON is a 400', async () => {
    const res = await api().post('/api/a2ui/action').set(bearer(server.token)).set('Content-Type', 'application/json').send('{"action": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'INVALID_INPUT', message: 'The request body is not valid JSON.' } });
  });

  test('wrong types are a 400 naming the field', async () => {
    const res = await act(server.token, { action: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.message).toMatch(/^action: /);
    const res2 = await act(server.token, { action: 'navigate', base_version: 'x' });
    expect(res2.body.error.message).toMatch(/base_version/);
    const res3 = await act(server.token, { action: 'navigate', payload: { to: 42 } });
    expect(res3.status).toBe(400);
    expect(res3.body.error.message).toMatch(/^payload\.to: /);
  });

  test('a body that is not an object, or not JSON, is a 400', async () => {
    expect((await act(server.token, [1, 2])).status).toBe(400);
    const res = await api().post('/api/a2ui/action').set(bearer(server.token)).set('Content-Type', 'text/plain').send('action=navigate');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('JSON');
  });

  test('malformed action names are refused before anything runs', async () => {
    for (const name of ['__proto__', '../../etc', 'a'.repeat(100), 'NAVIGATE', '', 'rm -rf', 'x;y']) {
      const res = await act(server.token, { action: name });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^action: /);
    }
  });

  test('"constructor", a well-formed name, is an unknown action, not a prototype lookup', async () => {
    for (const name of ['constructor']) {
      const res = await act(server.token, { action: name });
      expect(res.status).toBe(200);
      expect(res.body.error).toEqual({ code: 'UNKNOWN_ACTION', message: expect.stringContaining(name) });
    }
  });

  test('client preferences are bounded', async () => {
    const user_prefs = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    const res = await act(server.token, { action: 'select', payload: { ids: [] }, context: { user_prefs } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('context.user_prefs: at most 50 keys');
  });

  test('a body over 1 MB is a 413', async () => {
    const res = await act(server.token, { action: 'select', payload: { junk: 'x'.repeat(1024 * 1024 + 10) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
  });

  test('an unknown endpoint is a 404 in the error shape', async () => {
    const res = await api().get('/api/nothing').set(bearer(server.token));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('rate limit', () => {
  test('a token over its limit gets 429; another token does not', async () => {
    const limited = await startTestServer({ env: { A2UI_RATE_LIMIT_PER_MINUTE: '60' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await request(limited.url).get('/api/health').set(bearer(limited.token))).status);
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses).toContain(429);
      const res = await request(limited.url).get('/api/health').set(bearer(limited.token));
      expect(res.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
      expect((await request(limited.url).get('/health')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
