/**
 * `GET /api/agents/:id/stream` (SSE): the connected event, ids that are seqs, event names, heartbeats,
 * and Last-Event-ID replays that lose and repeat nothing, also while events keep arriving.
 */
import { wireEvent } from '../../agents/control/feed';
import type { TestServer } from '../helpers/server';
import { api, openStream, readLog, startAgentServer, waitFor, waitForStatus, type SseReader } from './helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startAgentServer({ env: { A2UI_SSE_HEARTBEAT_MS: '100' } });
});
afterAll(() => server.close());

/** The ids of a reader's agent events, as numbers. */
const ids = (reader: SseReader) => reader.agentEvents.map((e) => Number(e.id));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('connected first, then agent_<type> events whose SSE id is their seq, and heartbeats', async () => {
  const stream = openStream(server, 'crash');
  await stream.ready;
  expect(stream.status).toBe(200);
  await stream.until((events) => events.length > 0, 'connected');
  expect(stream.events[0]).toEqual({ event: 'connected', data: { sessionId: null, agentId: 'crash', timestamp: expect.any(String), agent_id: 'crash', session: null, last_seq: 0 } });

  await api(server).post('/api/agents/crash/start').expect(201);
  await stream.until((events) => events.some((e) => e.event === 'agent_exit'), 'agent_exit');
  for (const e of stream.agentEvents) {
    expect(e.event).toBe(`agent_${e.data.type}`);
    expect(Number(e.id)).toBe(e.data.seq);
  }
  expect(stream.agentEvents.at(-2)).toMatchObject({ event: 'agent_exit', data: { code: 3, reason: 'crashed', stderr_tail: expect.arrayContaining(['fatal: the crash agent always crashes']) } });
  expect(stream.agentEvents.at(-1)).toMatchObject({ event: 'agent_status', data: { status: 'terminated', previous: 'running' } });
  await stream.until((events) => events.filter((e) => e.event === 'heartbeat').length >= 2, 'two heartbeats');
  expect(stream.events.filter((e) => e.event === 'heartbeat').every((e) => e.id === undefined && typeof e.data.at === 'string')).toBe(true);
  stream.close();
});

test('a command that cannot start sends agent_error', async () => {
  const stream = openStream(server, 'missing');
  await stream.ready;
  await api(server).post('/api/agents/missing/start').expect(201);
  await stream.until((events) => events.some((e) => e.event === 'agent_exit'), 'agent_exit');
  expect(stream.agentEvents.find((e) => e.event === 'agent_error')?.data.message).toBe('Missing command could not start: its command or its working folder was not found (ENOENT)');
  stream.close();
});

test('Last-Event-ID replays exactly the events after it, then goes live, while a flood of events keeps arriving', async () => {
  const http = api(server);
  await http.post('/api/agents/echo/start').expect(201);
  await waitForStatus(server, 'echo', 'running');
  const readers: Array<{ from: number; reader: SseReader }> = [];
  // 200 inputs, each an input event and an output event; streams join at different points of the flood.
  for (let i = 0; i < 200; i++) {
    await http.post('/api/agents/echo/input', { input: `message ${i}` }).expect(202);
    if (i % 40 === 20) {
      const from = (await http.get('/api/agents/echo/status')).body.session.last_seq - 3;
      const reader = openStream(server, 'echo', { lastEventId: from });
      readers.push({ from, reader });
    }
  }
  const session = (await http.get('/api/agents/echo/status')).body.session;
  await waitFor(async () => (await readLog(server, session.id)).filter((e) => e.type === 'output').length === 201, 'every echo');
  await http.post('/api/agents/echo/stop').expect(200);
  await waitForStatus(server, 'echo', 'terminated');
  const last = (await readLog(server, session.id)).at(-1).seq as number;
  // A stream opened after the end replays the whole session from the log (Last-Event-ID 0).
  const late = openStream(server, 'echo', { lastEventId: 0 });
  readers.push({ from: 0, reader: late });

  expect(readers.length).toBe(6);
  const log = await readLog(server, session.id);
  for (const { from, reader } of readers) {
    await reader.until(() => ids(reader).at(-1) === last, `the stream from ${from} to reach ${last}`);
    expect(ids(reader)).toEqual(range(Math.max(from + 1, session.first_seq), last));
    // As logged, lines also as `content` (the agent server document's name).
    expect(reader.agentEvents.map((e) => e.data)).toEqual(log.filter((e) => e.seq > from).map(wireEvent));
    reader.close();
  }
});

test('the ?last_event_id= query does the same for clients that cannot set the header', async () => {
  const first = (await api(server).get('/api/sessions?agentId=crash')).body.sessions[0];
  const stream = openStream(server, 'crash', { query: `?last_event_id=${first.last_seq - 2}` });
  await stream.until(() => ids(stream).length === 2, 'two events');
  expect(ids(stream)).toEqual([first.last_seq - 1, first.last_seq]);
  stream.close();
});

test('a new session of the agent continues the ids, so one stream follows the agent across sessions', async () => {
  const stream = openStream(server, 'demo', { lastEventId: 0 });
  await stream.ready;
  const http = api(server);
  await http.post('/api/agents/demo/start', { prompt: 'one' }).expect(201);
  await stream.until((events) => events.some((e) => e.event === 'agent_result'), 'the first result');
  await http.post('/api/agents/demo/stop').expect(200);
  await waitForStatus(server, 'demo', 'terminated');
  const second = await http.post('/api/agents/demo/start', { prompt: 'two' });
  expect(second.status).toBe(201);
  await stream.until((events) => events.filter((e) => e.event === 'agent_result').length === 2, 'the second result');
  const sessions = new Set(stream.agentEvents.map((e) => e.data.session_id));
  expect(sessions.size).toBe(2);
  expect(ids(stream)).toEqual(range(1, ids(stream).at(-1)!));
  expect(second.body.session.first_seq).toBeGreaterThan(1);
  await http.post('/api/agents/demo/stop').expect(200);
  await waitForStatus(server, 'demo', 'terminated');
  stream.close();
});

test('a bad Last-Event-ID or agent id is a 400 before any stream starts; an unknown agent a 404', async () => {
  const res = await api(server).get('/api/agents/demo/stream').set('Last-Event-ID', 'abc');
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: { code: 'INVALID_INPUT', message: 'Last-Event-ID: must be an event id (a seq number)' } });
  expect((await api(server).get('/api/agents/Demo/stream')).status).toBe(400);
  expect((await api(server).get('/api/agents/nobody/stream')).body).toEqual({ error: { code: 'NOT_FOUND', message: 'No agent "nobody" is configured.' } });
});
