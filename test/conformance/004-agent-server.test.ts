/**
 * Conformance with the agent server document (the Elemental orchestrator server): every request it
 * prints, with the bodies exactly as printed (its `//` comments left out, which JSON cannot hold), and
 * the response fields it prints. Where a printed value is a placeholder that names nothing here
 * (`"claudeSessionId": "..."`), the request is also replayed with the value bound to a real one.
 *
 * The agent the document calls `el-abc123` is configured under that id (the demo agent), and the
 * worktree it names (`worker-alice-feat-123`) is made first, so the printed requests act on real
 * things. Its raw WebSocket messages are replayed with the `ws` client, reconnect and replay included.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { DEMO_AGENT_SCRIPT } from '../../agents/control/definitions';
import { FileEventLog } from '../../agents/control/event-log';
import { BOB, FIXTURES, api, openStream, readLog, startAgentServer, waitFor, waitForStatus } from '../control/helpers';
import { makeRepo } from '../helpers/git-repo';
import { bearer, tempDir, startTestServer, type TestServer } from '../helpers/server';
import { WsClient, type WsMessage } from '../helpers/ws-client';

jest.setTimeout(60_000);

const node = process.execPath;
const AGENTS = [
  { id: 'el-abc123', name: 'Worker (demo)', role: 'worker', protocol: 'stream-json', command: node, args: [DEMO_AGENT_SCRIPT, '--delay-ms', '20'] },
  { id: 'el-slow', name: 'Slow director', role: 'director', protocol: 'stream-json', command: node, args: [DEMO_AGENT_SCRIPT, '--delay-ms', '120'] },
  { id: 'el-echo', name: 'Echo', role: 'steward', protocol: 'plain', command: node, args: [path.join(FIXTURES, 'echo-agent.js')] },
  { id: 'el-missing', name: 'Missing command', role: 'worker', protocol: 'plain', command: '/nonexistent/agent-binary' },
  { id: 'el-wide', name: 'Wide lines', role: 'steward', protocol: 'plain', command: node, args: [path.join(FIXTURES, 'lines-agent.js'), '1000', '9000'] },
];

let server: TestServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  const dataDir = tempDir('a2ui-conformance-');
  fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify({ agents: AGENTS }));
  server = await startAgentServer({ dataDir, repo: makeRepo() });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await server.close();
});

const http = () => api(server);

async function ws(token = server.token): Promise<WsClient> {
  const client = await WsClient.open(server.url, token);
  clients.push(client);
  return client;
}

/** The document's SessionRecord fields, each present with its documented type. */
function expectSessionRecord(session: Record<string, unknown>): void {
  const text = expect.any(String);
  for (const field of ['id', 'claudeSessionId', 'agentId', 'agentRole', 'pid', 'status', 'workingDirectory', 'worktree', 'createdAt', 'startedAt', 'lastActivityAt', 'endedAt', 'terminationReason']) {
    expect(session).toHaveProperty(field);
  }
  expect(session).toMatchObject({ id: expect.stringMatching(/^s-[0-9a-f]{24}$/), agentId: text, agentRole: expect.stringMatching(/^(director|worker|steward)$/), workingDirectory: text, createdAt: text });
  expect(['starting', 'running', 'suspended', 'terminating', 'terminated']).toContain(session.status);
}

/** The document's WorktreeInfo fields. */
function expectWorktreeInfo(worktree: Record<string, unknown>): void {
  for (const field of ['path', 'relativePath', 'branch', 'head', 'isMain', 'state', 'agentName', 'taskId', 'createdAt']) expect(worktree).toHaveProperty(field);
  expect(path.isAbsolute(worktree.path as string)).toBe(true);
  expect(worktree.head).toMatch(/^[0-9a-f]{40}$/);
}

/** The document's error format. */
function expectError(body: unknown, code: string): void {
  expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe('health', () => {
  test('GET /api/health: status, timestamp, database, services as documented, and the counts', async () => {
    const res = await http().get('/api/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      timestamp: expect.any(String),
      uptime: expect.any(Number),
      database: expect.any(String),
      services: {
        agentRegistry: 'ready',
        sessionManager: 'ready',
        spawnerService: 'ready',
        worktreeManager: 'ready',
        taskAssignment: expect.stringMatching(/^(ready|disabled)$/),
        dispatch: expect.stringMatching(/^(ready|disabled)$/),
        roleDefinition: 'ready',
      },
      agents: { configured: AGENTS.length },
      sessions: { total: expect.any(Number), active: expect.any(Number) },
      websocket: { clients: expect.any(Number), path: '/ws' },
    });
    expect(new Date(res.body.timestamp).toISOString()).toBe(res.body.timestamp);
    // Our own fields stay.
    expect(res.body).toMatchObject({ version: expect.any(String), uptime_s: expect.any(Number), store: { status: 'ok' }, plugins: expect.any(Object) });
  });

  test('worktreeManager is "disabled" without a git repository, and worktree endpoints answer 503 WORKTREES_DISABLED', async () => {
    const plain = await startTestServer({ env: { A2UI_REPO: tempDir('a2ui-no-git-') } });
    try {
      const health = await request(plain.url).get('/api/health').set(bearer(plain.token)).expect(200);
      expect(health.body.services.worktreeManager).toBe('disabled');
      const list = await request(plain.url).get('/api/worktrees').set(bearer(plain.token));
      expect(list.status).toBe(503);
      expectError(list.body, 'WORKTREES_DISABLED');
    } finally {
      await plain.close();
    }
  });
});

describe('agents and sessions', () => {
  let worktreePath: string;

  beforeAll(async () => {
    // The worktree the document's start body names.
    const made = await http().post('/api/worktrees', { agentName: 'worker-alice', taskId: 'feat-123', customPath: 'worker-alice-feat-123' }).expect(201);
    worktreePath = made.body.path;
  });

  test('GET /api/agents and ?role=worker', async () => {
    const all = await http().get('/api/agents').expect(200);
    expect(all.body.agents.map((a: { id: string }) => a.id)).toEqual(AGENTS.map((a) => a.id));
    const workers = await http().get('/api/agents?role=worker').expect(200);
    expect(workers.body.agents.map((a: { id: string }) => a.id)).toEqual(['el-abc123', 'el-missing']);
  });

  test('GET /api/agents/:id, and the documented error for an unknown one', async () => {
    expect((await http().get('/api/agents/el-abc123').expect(200)).body.agent).toMatchObject({ id: 'el-abc123', role: 'worker' });
    const missing = await http().get('/api/agents/el-nobody');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  test('start, status, input, the SSE stream, stop, resume: the printed bodies and their answers', async () => {
    const idle = await http().get('/api/agents/el-abc123/status').expect(200);
    expect(idle.body).toMatchObject({ agentId: 'el-abc123', hasActiveSession: false, activeSession: null, recentHistory: [] });

    // POST /api/agents/:id/start, as printed.
    const started = await http().post('/api/agents/el-abc123/start', {
      workingDirectory: '/path/to/work',
      worktree: 'worker-alice-feat-123',
      initialPrompt: 'Start working...',
      interactive: false,
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ success: true, session: { agentId: 'el-abc123', agentRole: 'worker', worktree: worktreePath, workingDirectory: worktreePath } });
    expectSessionRecord(started.body.session);
    // The worktree decides where it runs; the printed placeholder directory is said to be ignored.
    expect(started.body.ignored).toEqual({ workingDirectory: expect.stringContaining('.worktrees/worker-alice-feat-123') });
    const sessionId: string = started.body.session.id;

    // Error (409) if the agent already has an active session, with existingSession beside the error.
    const again = await http().post('/api/agents/el-abc123/start', { initialPrompt: 'Start working...' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'SESSION_EXISTS', message: expect.any(String) }, existingSession: { id: sessionId } });

    // The SSE stream from the start: connected, then agent_{type} events with ids.
    const stream = openStream(server, 'el-abc123', { lastEventId: 0 });
    try {
      await stream.until((events) => events.some((e) => e.event === 'agent_result'), 'the first turn to end');
      expect(stream.events[0]).toMatchObject({ event: 'connected', data: { sessionId, agentId: 'el-abc123', timestamp: expect.any(String) } });
      expect(stream.events[0]!.id).toBeUndefined();
      const first = stream.agentEvents;
      expect(first.map((e) => Number(e.id))).toEqual(first.map((_e, i) => i + 1));
      expect(first.find((e) => e.event === 'agent_input')?.data).toMatchObject({ type: 'input', text: 'Start working...' });
      expect(first.find((e) => e.event === 'agent_text')?.data).toMatchObject({ type: 'text', content: expect.any(String) });

      const running = await http().get('/api/agents/el-abc123/status').expect(200);
      expect(running.body).toMatchObject({ agentId: 'el-abc123', hasActiveSession: true, activeSession: { id: sessionId, status: 'running' }, recentHistory: [{ id: sessionId }] });
      expectSessionRecord(running.body.activeSession);
      expect(running.body.activeSession).toMatchObject({ pid: expect.any(Number), startedAt: expect.any(String), lastActivityAt: expect.any(String), endedAt: null, terminationReason: null });

      // POST /api/agents/:id/input, as printed: 202, the answer comes on the stream.
      const input = await http().post('/api/agents/el-abc123/input', { input: 'Continue with the next step', isUserMessage: true });
      expect(input.status).toBe(202);
      expect(input.body).toMatchObject({ success: true, accepted: true });
      expect(input.body.ignored).toBeUndefined();
      await stream.until((events) => events.filter((e) => e.event === 'agent_result').length === 2, 'the second turn to end');
      expect(stream.events.some((e) => e.event === 'agent_input' && e.data.text === 'Continue with the next step')).toBe(true);
    } finally {
      stream.close();
    }

    // POST /api/agents/:id/stop, as printed.
    const stopped = await http().post('/api/agents/el-abc123/stop', { graceful: true, reason: 'User requested' });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ success: true, session: { id: sessionId } });
    const ended = await waitForStatus(server, 'el-abc123', 'terminated');
    expect(ended).toMatchObject({ terminationReason: 'User requested', endedAt: expect.any(String), exit: { reason: 'stopped', stopped_by: 'interrupt' } });
    const claudeSessionId: string = ended.claudeSessionId;
    expect(claudeSessionId).toMatch(/^[0-9a-f-]{36}$/);

    // POST /api/agents/:id/resume, as printed: "..." is no conversation of ours.
    const printedResume = { claudeSessionId: '...', workingDirectory: '...', worktree: '...', resumePrompt: 'Continue...', checkReadyQueue: true };
    const unknown = await http().post('/api/agents/el-abc123/resume', printedResume);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'NO_RESUMABLE_SESSION', message: expect.any(String) } });

    // The same body naming the real conversation: resumed, with the documented uwpCheck.
    const resumed = await http().post('/api/agents/el-abc123/resume', { ...printedResume, claudeSessionId });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ success: true, session: { id: sessionId, claudeSessionId, status: 'starting' }, uwpCheck: { checked: false, hasReadyTasks: false, tasks: [] } });
    expect(Object.keys(resumed.body.ignored).sort()).toEqual(['checkReadyQueue', 'workingDirectory', 'worktree']);
    await waitFor(async () => (await http().get(`/api/sessions/${sessionId}`)).body.session.last_result !== ended.last_result, 'the resumed turn');
    expect((await readLog(server, sessionId)).some((e) => e.type === 'input' && e.text === 'Continue...')).toBe(true);

    // graceful: false ends it at once with SIGKILL.
    await http().post('/api/agents/el-abc123/stop', { graceful: false }).expect(200);
    const killed = await waitForStatus(server, 'el-abc123', 'terminated');
    expect(killed.exit).toMatchObject({ reason: 'stopped', stopped_by: 'SIGKILL' });
    expect(killed.terminationReason).toBe('stopped');

    // claudeSessionId naming an earlier conversation (not the latest session's) resumes it as a new
    // session, in the folder it started in.
    await http().post('/api/agents/el-abc123/start', { initialPrompt: 'Something else' }).expect(201);
    const other = await waitFor(async () => {
      const s = (await http().get('/api/agents/el-abc123/status')).body.session;
      return s.claudeSessionId && s.last_result ? s : undefined;
    }, 'a second conversation');
    expect(other.claudeSessionId).not.toBe(claudeSessionId);
    const busy = await http().post('/api/agents/el-abc123/resume', { claudeSessionId });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ error: { code: 'SESSION_EXISTS' }, existingSession: { id: other.id } });
    await http().post('/api/agents/el-abc123/stop', {}).expect(200);
    await waitForStatus(server, 'el-abc123', 'terminated');
    const older = await http().post('/api/agents/el-abc123/resume', { claudeSessionId, resumePrompt: 'Back to the first' });
    expect(older.status).toBe(200);
    expect(older.body.session).toMatchObject({ claudeSessionId, workingDirectory: worktreePath, worktree: worktreePath });
    expect(older.body.session.id).not.toBe(sessionId);
    expect(older.body.session.id).not.toBe(other.id);
    await waitFor(async () => (await http().get('/api/agents/el-abc123/status')).body.session.last_result, 'the resumed conversation to answer');
    await http().post('/api/agents/el-abc123/stop', {}).expect(200);
    await waitForStatus(server, 'el-abc123', 'terminated');
  });

  test('stop and input without a session: NO_SESSION, in the documented error format', async () => {
    const stop = await http().post('/api/agents/el-slow/stop', { graceful: true, reason: 'User requested' });
    expect(stop.status).toBe(404);
    expectError(stop.body, 'NO_SESSION');
    const input = await http().post('/api/agents/el-slow/input', { input: 'Continue with the next step', isUserMessage: true });
    expect(input.status).toBe(404);
    expectError(input.body, 'NO_SESSION');
    const bad = await http().post('/api/agents/el-slow/input', { input: 42 });
    expect(bad.status).toBe(400);
    expectError(bad.body, 'INVALID_INPUT');
  });

  test('interactive: true and isUserMessage: false are accepted, and said to be ignored', async () => {
    const started = await http().post('/api/agents/el-echo/start', { interactive: true });
    expect(started.status).toBe(201);
    expect(started.body.ignored).toEqual({ interactive: expect.stringMatching(/headless/) });
    await waitForStatus(server, 'el-echo', 'running');
    const input = await http().post('/api/agents/el-echo/input', { input: 'hello', isUserMessage: false });
    expect(input.status).toBe(202);
    expect(input.body.ignored).toEqual({ isUserMessage: expect.any(String) });
    await http().post('/api/agents/el-echo/stop', {}).expect(200);
    await waitForStatus(server, 'el-echo', 'terminated');
  });

  test('GET /api/sessions with each documented filter, and GET /api/sessions/:id', async () => {
    for (const url of ['/api/sessions', '/api/sessions?agentId=el-abc123', '/api/sessions?role=worker', '/api/sessions?status=running', '/api/sessions?resumable=true']) {
      const res = await http().get(url);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, sessions: expect.any(Array) });
      for (const session of res.body.sessions) expectSessionRecord(session);
    }
    const byAgent = (await http().get('/api/sessions?agentId=el-abc123')).body.sessions;
    // Three: the first, a second, and the first conversation resumed as a new session.
    expect(byAgent.map((s: { agentId: string }) => s.agentId)).toEqual(['el-abc123', 'el-abc123', 'el-abc123']);
    expect((await http().get('/api/sessions?resumable=true')).body.sessions.map((s: { agentId: string }) => s.agentId)).toContain('el-abc123');
    const all = (await http().get('/api/sessions?status=starting,running,suspended,terminating,terminated')).body.sessions;
    expect(all.length).toBe((await http().get('/api/sessions')).body.sessions.length);
    expect((await http().get('/api/sessions?status=running,suspended')).body.sessions).toEqual([]);

    const one = await http().get(`/api/sessions/${byAgent[0].id}`).expect(200);
    expectSessionRecord(one.body.session);
    expect(one.body.session).toMatchObject({ id: byAgent[0].id, kind: 'agent' });
  });
});

describe('worktrees', () => {
  test('list, get (URL-encoded path), create with the printed body, remove with force and deleteBranch', async () => {
    const created = await http().post('/api/worktrees', {
      agentName: 'worker-alice',
      taskId: 'el-task123',
      taskTitle: 'Implement feature X',
      customBranch: 'custom-branch',
      customPath: '.worktrees/custom/',
      baseBranch: 'main',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, worktree: expect.any(Object), branch: 'custom-branch', path: expect.stringMatching(/\/\.worktrees\/custom$/), branchCreated: true });
    expectWorktreeInfo(created.body.worktree);
    expect(created.body.worktree).toMatchObject({ relativePath: '.worktrees/custom', branch: 'custom-branch', isMain: false, state: 'active', agentName: 'worker-alice', taskId: 'el-task123' });

    const list = await http().get('/api/worktrees').expect(200);
    expect(list.body.success).toBe(true);
    for (const worktree of list.body.worktrees) expectWorktreeInfo(worktree);
    expect(list.body.worktrees.find((w: { isMain: boolean }) => w.isMain)).toMatchObject({ relativePath: '.' });

    const got = await http().get(`/api/worktrees/${encodeURIComponent(created.body.path)}`).expect(200);
    expectWorktreeInfo(got.body.worktree);

    const removed = await http().delete(`/api/worktrees/${encodeURIComponent(created.body.path)}?force=true&deleteBranch=true`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ success: true, path: created.body.path, branchDeleted: true });
  });
});

describe('the WebSocket API (/ws)', () => {
  test('subscribe → subscribed; input to the subscribed agent; ping → pong; event and exit as documented', async () => {
    const client = await ws();
    client.send({ type: 'subscribe', agentId: 'el-echo' });
    const subscribed = await client.next('subscribed');
    expect(subscribed).toMatchObject({ type: 'subscribed', agentId: 'el-echo', hasSession: false });

    await http().post('/api/agents/el-echo/start').expect(201);
    await client.until((m) => m.some((x) => x.type === 'event' && x.event.type === 'output' && x.event.content === 'ready'), 'the ready line');
    expect(client.of('event')[0]).toEqual({ type: 'event', event: expect.objectContaining({ type: 'status', seq: expect.any(Number) }) });

    client.send({ type: 'input', input: 'user message' });
    await client.until((m) => m.some((x) => x.type === 'event' && x.event.type === 'output' && x.event.content === 'got: user message'), 'the echo');

    const before = client.messages.length;
    client.send({ type: 'ping' });
    expect(await client.next('pong', before)).toEqual({ type: 'pong' });

    // A new subscriber while the session runs: hasSession true.
    const second = await ws();
    second.send({ type: 'subscribe', agentId: 'el-echo' });
    expect(await second.next('subscribed')).toMatchObject({ agentId: 'el-echo', hasSession: true });

    await http().post('/api/agents/el-echo/stop', {}).expect(200);
    const exit = await client.next('exit');
    expect(exit).toMatchObject({ type: 'exit', agentId: 'el-echo', reason: 'stopped' });
    // Exited with a code, or killed by a signal: the other is null.
    expect(exit.code === null ? typeof exit.signal : typeof exit.code).toBe(exit.code === null ? 'string' : 'number');
    expect(exit).toHaveProperty('signal');
  });

  test('{type: "error", error} when the agent fails, then its exit', async () => {
    const client = await ws();
    client.send({ type: 'subscribe', agentId: 'el-missing' });
    await client.next('subscribed');
    await http().post('/api/agents/el-missing/start').expect(201);
    const error = await client.next('error');
    expect(error).toMatchObject({ type: 'error', error: expect.stringContaining('could not start'), agentId: 'el-missing', seq: expect.any(Number) });
    expect(await client.next('exit')).toMatchObject({ type: 'exit', signal: null });
  });

  test('refusals are {type: "error"} and leave the connection open; input before subscribe; another user sees nothing of mine', async () => {
    const client = await ws();
    client.send({ type: 'subscribe', agentId: 'el-nobody' });
    expect(await client.next('error')).toMatchObject({ type: 'error', error: expect.any(String), code: 'NOT_FOUND', request: 'subscribe' });
    const count = client.messages.length;
    client.send({ type: 'input', input: 'to nobody' });
    expect(await client.next('error', count)).toMatchObject({ code: 'INVALID_INPUT', request: 'input' });
    const more = client.messages.length;
    client.send({ type: 'launch', agentId: 'el-echo' });
    expect(await client.next('error', more)).toMatchObject({ code: 'INVALID_INPUT', error: 'Unknown message type "launch".' });

    // Bob subscribes to the same agent id: he follows his own sessions, and mine never reach him.
    const bob = await ws(BOB);
    bob.send({ type: 'subscribe', agentId: 'el-echo' });
    expect(await bob.next('subscribed')).toMatchObject({ hasSession: false, session: null });
    const mine = await ws();
    mine.send({ type: 'subscribe', agentId: 'el-echo' });
    await mine.next('subscribed');
    await http().post('/api/agents/el-echo/start').expect(201);
    await mine.until((m) => m.some((x) => x.type === 'event' && x.event.content === 'ready'), 'my ready line');
    const bobCount = bob.messages.length;
    bob.send({ type: 'input', input: 'intrude' });
    expect(await bob.next('error', bobCount)).toMatchObject({ code: 'NO_SESSION' });
    expect(bob.messages.filter((m) => m.type === 'event')).toEqual([]);
    await http().post('/api/agents/el-echo/stop', {}).expect(200);
    await waitForStatus(server, 'el-echo', 'terminated');
  });

  test('a reconnect with lastSeq gets what it missed from the logs, then live: no gap, no duplicate', async () => {
    const seqs = (messages: WsMessage[]) => messages.flatMap((m) => (m.type === 'event' ? [m.event.seq] : m.type === 'error' || m.type === 'exit' ? [m.seq] : []));
    const first = await ws();
    first.send({ type: 'subscribe', agentId: 'el-slow' });
    await first.next('subscribed');
    const started = await http().post('/api/agents/el-slow/start', { prompt: 'one' }).expect(201);
    // Disconnect in the middle of the turn: events keep coming while nobody listens.
    await first.until((m) => m.filter((x) => x.type === 'event' && x.event.type === 'text').length >= 2, 'two chunks of text');
    await first.close();
    const got = seqs(first.messages);
    const last = got.at(-1)!;

    const second = await ws();
    second.send({ type: 'subscribe', agentId: 'el-slow', lastSeq: last });
    await second.until((m) => m.some((x) => x.type === 'event' && x.event.type === 'result'), 'the end of the turn');
    // Input over the socket, and its turn, live on the same subscription.
    second.send({ type: 'input', input: 'two' });
    await second.until((m) => m.filter((x) => x.type === 'event' && x.event.type === 'result').length === 2, 'the second turn');

    const all = [...got, ...seqs(second.messages)];
    const logged = (await readLog(server, started.body.session.id)).map((e) => e.seq);
    expect(all).toEqual(logged.slice(0, all.length));
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => all[0]! + i));
    expect(second.messages[0]).toMatchObject({ type: 'subscribed', agentId: 'el-slow', hasSession: true });
    // lastEventId (the SSE name) works the same way, from the very start.
    const third = await ws();
    third.send({ type: 'subscribe', agentId: 'el-slow', lastEventId: '0' });
    await third.until((m) => seqs(m).length >= all.length, 'the replay');
    expect(seqs(third.messages).slice(0, all.length)).toEqual(all);

    await http().post('/api/agents/el-slow/stop', {}).expect(200);
    await waitForStatus(server, 'el-slow', 'terminated');
  });

  test('a connection that stops reading is paused, then gets every event it missed once, in order', async () => {
    const client = await ws();
    client.send({ type: 'subscribe', agentId: 'el-wide' });
    await client.next('subscribed');
    const reads = jest.spyOn(FileEventLog.prototype, 'read');
    try {
      const tcp = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      tcp.pause();
      // 1,000 lines of 9,000 characters: far more than the connection buffers hold.
      await http().post('/api/agents/el-wide/start').expect(201);
      const session = await waitForStatus(server, 'el-wide', 'terminated');
      tcp.resume();
      await client.until((m) => m.some((x) => x.type === 'exit'), 'every event', 30_000);
      const seqs = client.messages.flatMap((m) => (m.type === 'event' ? [m.event.seq] : m.type === 'exit' ? [m.seq] : []));
      expect(seqs).toEqual(Array.from({ length: session.last_seq - session.first_seq + 1 }, (_, i) => session.first_seq + i));
      expect(client.messages.filter((m) => m.type === 'event' && m.event.type === 'output')).toHaveLength(1000);
      expect(reads).toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });
});
