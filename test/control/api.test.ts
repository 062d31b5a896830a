/**
 * The REST API's edges: concurrent starts, users kept apart, hostile ids and inputs (400 in the one
 * error shape, nothing changed), listing and filtering.
 */
import request from 'supertest';
import { bearer, type TestServer } from '../helpers/server';
import { ALICE, BOB, api, openStream, startAgentServer, waitForStatus } from './helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startAgentServer();
});
afterAll(() => server.close());

const ONE_ERROR_SHAPE = { error: { code: 'INVALID_INPUT', message: expect.any(String) } };

test('concurrent starts of one agent: exactly one wins, the others get 409 with the winner', async () => {
  const http = api(server);
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => http.post('/api/agents/slow/start', { prompt: `try ${i}` })));
  const won = answers.filter((r) => r.status === 201);
  const lost = answers.filter((r) => r.status === 409);
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(7);
  for (const res of lost) expect(res.body.error).toMatchObject({ code: 'SESSION_EXISTS', session: { id: won[0]!.body.session.id } });
  const sessions = (await http.get('/api/sessions?agentId=slow')).body.sessions;
  expect(sessions).toHaveLength(1);
  await http.post('/api/agents/slow/stop').expect(200);
  await waitForStatus(server, 'slow', 'terminated');
});

describe('users are isolated', () => {
  test('another user sees none of my sessions, cannot act on them, and runs the same agent separately', async () => {
    const http = api(server);
    const alice = await http.post('/api/agents/echo/start', {}, ALICE);
    expect(alice.status).toBe(201);
    const aliceId = alice.body.session.id as string;
    await waitForStatus(server, 'echo', 'running', ALICE);

    expect((await http.get('/api/agents/echo/status', BOB)).body).toEqual({
      agentId: 'echo',
      hasActiveSession: false,
      activeSession: null,
      recentHistory: [],
      success: true,
      agent_id: 'echo',
      status: 'idle',
      session: null,
    });
    expect((await http.get('/api/sessions', BOB)).body.sessions).toEqual([]);
    const peek = await http.get(`/api/sessions/${aliceId}`, BOB);
    expect(peek.status).toBe(404);
    expect(peek.body).toEqual({ error: { code: 'NOT_FOUND', message: `No session ${aliceId}.` } });
    expect((await http.post('/api/agents/echo/stop', undefined, BOB)).body.error.code).toBe('NO_SESSION');
    expect((await http.post('/api/agents/echo/input', { input: 'hi' }, BOB)).body.error.code).toBe('NO_SESSION');
    expect((await http.get(`/api/sessions/${aliceId}`, ALICE)).body.session.id).toBe(aliceId);

    // Bob's stream of the same agent replays nothing of Alice's and gets none of her live events.
    const bobStream = openStream(server, 'echo', { token: BOB, lastEventId: 0 });
    await bobStream.ready;
    await http.post('/api/agents/echo/input', { input: 'for alice only' }, ALICE).expect(202);
    const bob = await http.post('/api/agents/echo/start', {}, BOB);
    expect(bob.status).toBe(201);
    expect(bob.body.session.id).not.toBe(aliceId);
    expect(bob.body.session.first_seq).toBe(1);
    await bobStream.until((events) => events.some((e) => e.data.status === 'running'), "bob's session running");
    expect(bobStream.agentEvents.every((e) => e.data.session_id === bob.body.session.id)).toBe(true);
    bobStream.close();

    for (const token of [ALICE, BOB]) {
      await http.post('/api/agents/echo/stop', undefined, token).expect(200);
      await waitForStatus(server, 'echo', 'terminated', token);
    }
    // Alice's session is still hers, terminated by her own stop.
    expect((await http.get(`/api/sessions/${aliceId}`, ALICE)).body.session).toMatchObject({ status: 'terminated', exit: { reason: 'stopped' } });
  });
});

describe('hostile ids and inputs', () => {
  const http = () => api(server);

  test.each([
    ['a path escape', '/api/agents/..%2F..%2Fetc%2Fpasswd'],
    ['a prototype key', '/api/agents/__proto__'],
    ['upper case', '/api/agents/DEMO'],
    ['a NUL byte', '/api/agents/de%00mo'],
    ['too long', `/api/agents/${'a'.repeat(41)}`],
    ['a session id that is not one', '/api/sessions/..%2Fagent-sessions'],
    ['an unknown query parameter', '/api/agents?command=rm'],
    ['a role that does not exist', '/api/agents?role=admin'],
    ['a repeated parameter', '/api/sessions?status=running&status=terminated'],
    ['a bad status filter', '/api/sessions?status=zombie'],
    ['a bad resumable filter', '/api/sessions?resumable=maybe'],
    ['a bad agent filter', '/api/sessions?agentId=../x'],
  ])('GET with %s is a 400 in the one error shape', async (_what, url) => {
    const res = await http().get(url);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(ONE_ERROR_SHAPE);
  });

  test('a configured-looking but unknown id is a 404, and Object.prototype names find nothing', async () => {
    for (const id of ['constructor', 'tostring', 'nobody']) {
      const res = await http().get(`/api/agents/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: `No agent "${id}" is configured.` } });
    }
    expect((await http().get('/api/sessions/s-000000000000000000000000')).status).toBe(404);
  });

  test.each([
    ['a command of its own', '/api/agents/demo/start', { command: '/bin/sh', args: ['-c', 'id'] }, /Unrecognized key/],
    ['a prompt that is not text', '/api/agents/demo/start', { prompt: 5 }, /^prompt: /],
    ['a prompt over the limit', '/api/agents/demo/start', { prompt: 'x'.repeat(100_001) }, /^prompt: /],
    ['a worktree list of two', '/api/agents/demo/start', { worktree: ['/a', '/b'] }, /^worktree: /],
    ['an empty input', '/api/agents/demo/input', { input: '   ' }, /^input: must not be empty/],
    ['an input that is not text', '/api/agents/demo/input', { input: { $gt: '' } }, /^input: /],
    ['a body for stop', '/api/agents/demo/stop', { force: true }, /Unrecognized key/],
    ['an array body', '/api/agents/demo/start', [], /expected object/],
  ])('POST with %s is a 400 and starts nothing', async (_what, url, body, message) => {
    const res = await http().post(url, body as object);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(ONE_ERROR_SHAPE);
    expect(res.body.error.message).toMatch(message);
    expect((await http().get('/api/agents/demo/status')).body.status).toBe('idle');
  });

  test('a body that is not JSON is refused, malformed JSON too', async () => {
    const text = await request(server.url).post('/api/agents/demo/start').set(bearer(server.token)).set('Content-Type', 'text/plain').send('prompt=hi');
    expect(text.status).toBe(400);
    expect(text.body).toEqual({ error: { code: 'INVALID_INPUT', message: 'The body must be JSON (Content-Type: application/json).' } });
    const broken = await request(server.url).post('/api/agents/demo/start').set(bearer(server.token)).set('Content-Type', 'application/json').send('{"prompt": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_INPUT');
    expect((await http().get('/api/agents/demo/status')).body.status).toBe('idle');
  });

  test('a worktree while the repository is no git repository is a 503; no token is a 401', async () => {
    const res = await http().post('/api/agents/demo/start', { worktree: '/etc' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('WORKTREES_DISABLED');
    expect((await request(server.url).get('/api/agents')).status).toBe(401);
    expect((await request(server.url).post('/api/agents/demo/start')).status).toBe(401);
  });
});

describe('listing', () => {
  test('agents by role, and sessions by agent, role, status and resumable', async () => {
    const http = api(server);
    const stewards = (await http.get('/api/agents?role=steward')).body.agents.map((a: { id: string }) => a.id);
    expect(stewards).toEqual(['env', 'lines', 'echo']);
    const agent = (await http.get('/api/agents/demo')).body.agent;
    expect(agent).toEqual({ id: 'demo', name: 'Demo agent', role: 'worker', description: '', protocol: 'stream-json', status: 'idle', session: null });
    expect(JSON.stringify(agent)).not.toContain('demo-agent.js'); // the command stays on the server

    await http.post('/api/agents/lines/start').expect(201);
    await waitForStatus(server, 'lines', 'terminated');
    const byRole = (await http.get('/api/sessions?role=director')).body.sessions.map((s: { agent_id: string }) => s.agent_id);
    expect(byRole).toEqual(['slow']);
    const terminated = (await http.get('/api/sessions?status=terminated&resumable=false')).body.sessions.map((s: { agent_id: string }) => s.agent_id);
    expect(terminated).toEqual(['lines']);
    const resumable = (await http.get('/api/sessions?resumable=true')).body.sessions.map((s: { agent_id: string }) => s.agent_id);
    expect(resumable).toEqual(['slow']);
    expect((await http.get('/api/sessions?agentId=lines')).body.sessions).toHaveLength(1);
  });
});
