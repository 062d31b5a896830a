/**
 * The agent events on the live socket: subscribe → subscribed → agent_event, input, ping/pong,
 * replay from lastSeq, refusals, and users kept apart.
 */
import type { Socket } from 'socket.io-client';
import { FileEventLog } from '../../agents/control/event-log';
import type { AgentEvent } from '../../agents/control/events';
import { connect, connected, emitAck, pauseReading } from '../helpers/client';
import type { TestServer } from '../helpers/server';
import { BOB, api, startAgentServer, waitFor, waitForStatus } from './helpers';

let server: TestServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startAgentServer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

async function open(token = server.token): Promise<{ socket: Socket; events: AgentEvent[]; received: Array<[string, unknown]> }> {
  const socket = connect(server.url, token);
  sockets.push(socket);
  const events: AgentEvent[] = [];
  const received: Array<[string, unknown]> = [];
  socket.on('agent_event', (e: AgentEvent) => events.push(e));
  socket.onAny((name: string, payload: unknown) => received.push([name, payload]));
  await connected(socket);
  return { socket, events, received };
}

test('subscribe is answered by subscribed, then the events; input and ping work over the socket', async () => {
  const { socket, events, received } = await open();
  const ack = await emitAck<{ agentId: string; session: unknown; lastSeq: number }>(socket, 'subscribe', { agentId: 'demo' });
  expect(ack).toEqual({ agentId: 'demo', session: null, lastSeq: 0 });
  expect(received[0]).toEqual(['subscribed', ack]);

  await api(server).post('/api/agents/demo/start', { prompt: 'over the socket' }).expect(201);
  await waitFor(() => events.some((e) => e.type === 'result'), 'the result');
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.find((e) => e.type === 'tool_use')).toMatchObject({ tool: 'LS', agent_id: 'demo' });

  const input = await emitAck<{ accepted: boolean; seq: number }>(socket, 'input', { agentId: 'demo', input: 'second turn' });
  expect(input).toEqual({ accepted: true, seq: expect.any(Number) });
  await waitFor(() => events.filter((e) => e.type === 'result').length === 2, 'the second result');
  expect(events.find((e) => e.seq === input.seq)).toMatchObject({ type: 'input', text: 'second turn' });

  const pong = await emitAck<{ at: string }>(socket, 'ping', {});
  expect(pong.at).toEqual(expect.any(String));
  await waitFor(() => received.some(([name]) => name === 'pong'), 'the pong event');
});

test('subscribe with lastSeq replays the events after it first; unsubscribe stops them', async () => {
  const { socket, events } = await open();
  const ack = await emitAck<{ lastSeq: number }>(socket, 'subscribe', { agentId: 'demo', lastSeq: 5 });
  await waitFor(() => events.at(-1)?.seq === ack.lastSeq, 'the replay');
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: ack.lastSeq - 5 }, (_, i) => i + 6));
  expect(await emitAck(socket, 'unsubscribe', { agentId: 'demo' })).toEqual({ ok: true });
  const count = events.length;
  await api(server).post('/api/agents/demo/input', { input: 'unheard' }).expect(202);
  await waitFor(async () => (await api(server).get('/api/agents/demo/status')).body.session.busy === false, 'the turn to end');
  expect(events.length).toBe(count);
  await api(server).post('/api/agents/demo/stop').expect(200);
  await waitForStatus(server, 'demo', 'terminated');
});

test('refusals answer {error} in the ack, or a <event>_error event without an ack', async () => {
  const { socket, received } = await open();
  expect(await emitAck(socket, 'subscribe', { agentId: '__proto__' })).toEqual({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^agentId: /) } });
  expect(await emitAck(socket, 'subscribe', { agentId: 'nobody' })).toEqual({ error: { code: 'NOT_FOUND', message: 'No agent "nobody" is configured.' } });
  expect(await emitAck(socket, 'subscribe', { agentId: 'demo', command: 'sh' })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  expect(await emitAck(socket, 'subscribe', 'demo')).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  expect(await emitAck(socket, 'input', { agentId: 'demo', input: 42 })).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  expect(await emitAck(socket, 'input', { agentId: 'demo', input: 'nobody runs' })).toMatchObject({ error: { code: 'CONFLICT' } });
  socket.emit('subscribe', { agentId: 'Nope!' });
  await waitFor(() => received.some(([name]) => name === 'subscribe_error'), 'subscribe_error');
  expect(received.find(([name]) => name === 'subscribe_error')![1]).toMatchObject({ error: { code: 'INVALID_INPUT' } });
});

test("a user's socket never gets another user's events", async () => {
  const bob = await open(BOB);
  const ack = await emitAck<{ session: unknown; lastSeq: number }>(bob.socket, 'subscribe', { agentId: 'echo', lastSeq: 0 });
  expect(ack).toMatchObject({ session: null, lastSeq: 0 });
  const mine = await open();
  await emitAck(mine.socket, 'subscribe', { agentId: 'echo' });
  await api(server).post('/api/agents/echo/start').expect(201);
  await waitForStatus(server, 'echo', 'running');
  await api(server).post('/api/agents/echo/input', { input: 'private' }).expect(202);
  await waitFor(() => mine.events.some((e) => e.type === 'output' && e.text === 'got: private'), 'my echo');
  expect(bob.events).toEqual([]);
  expect(await emitAck(bob.socket, 'input', { agentId: 'echo', input: 'intrude' })).toMatchObject({ error: { code: 'NO_SESSION' } });
  await api(server).post('/api/agents/echo/stop').expect(200);
  await waitForStatus(server, 'echo', 'terminated');
});

test('a socket that stops reading is paused, then gets what it missed from the logs: every event once, in order', async () => {
  const { socket, events } = await open();
  await emitAck(socket, 'subscribe', { agentId: 'wide' });
  // Live-only subscription: a read of the log can only be the replay that follows a pause.
  const reads = jest.spyOn(FileEventLog.prototype, 'read');
  try {
    const tcp = pauseReading(socket);
    // 1,000 lines of 9,000 characters: far more than the socket buffers hold.
    await api(server).post('/api/agents/wide/start').expect(201);
    const session = await waitForStatus(server, 'wide', 'terminated');
    tcp.resume();
    await waitFor(() => events.at(-1)?.seq === session.last_seq, 'every event');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: session.last_seq - session.first_seq + 1 }, (_, i) => session.first_seq + i));
    expect(events.filter((e) => e.type === 'output')).toHaveLength(1000);
    expect(reads).toHaveBeenCalled();
  } finally {
    reads.mockRestore();
  }
}, 60_000);
