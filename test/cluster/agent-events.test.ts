/**
 * Agent events on two processes on one Redis: one shared, encrypted event log per user and agent
 * (a Redis stream), so that whichever process a reader comes to, the SSE stream (with Last-Event-ID),
 * the raw WebSocket and the screens replay and follow an agent that runs on the other one, each
 * event once, in order, and the log outlives the process that ran the agent.
 */
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { bearer, LiveClient } from '../helpers/client';
import { CLUSTER_TOKEN, startCluster, type ClusterProcess, type TestCluster } from '../helpers/cluster';
import { tempDir } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { WsClient, type WsMessage } from '../helpers/ws-client';
import { SseReader, testAgents, type SseEvent } from '../control/helpers';

let cluster: TestCluster;

beforeAll(async () => {
  const agentsFile = path.join(tempDir('a2ui-cluster-events-'), 'agents.json');
  fs.writeFileSync(agentsFile, JSON.stringify({ agents: testAgents() }));
  cluster = await startCluster(['events-a', 'events-b'], { A2UI_AGENTS_FILE: agentsFile, A2UI_AGENT_STOP_GRACE_MS: '300', A2UI_LEASE_MS: '2000' });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

type Session = { id: string; status: string; first_seq: number; last_seq: number };

async function post(node: ClusterProcess, url: string, body: object = {}): Promise<{ status: number; session: Session }> {
  const res = await fetch(`${node.url}${url}`, { method: 'POST', headers: { ...bearer(CLUSTER_TOKEN), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, session: ((await res.json()) as { session: Session }).session };
}

async function statusOf(node: ClusterProcess, agentId: string): Promise<Session | null> {
  const res = await fetch(`${node.url}/api/agents/${agentId}/status`, { headers: bearer(CLUSTER_TOKEN) });
  return ((await res.json()) as { session: Session | null }).session;
}

function waitForStatus(node: ClusterProcess, agentId: string, status: string): Promise<Session> {
  return waitFor(async () => {
    const session = await statusOf(node, agentId);
    return session?.status === status ? session : undefined;
  }, `${agentId} to be ${status} (asked ${node.name})`, 20_000);
}

function stream(node: ClusterProcess, agentId: string, lastEventId?: number): SseReader {
  const headers: Record<string, string> = { ...bearer(CLUSTER_TOKEN), Accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
  return new SseReader(`${node.url}/api/agents/${agentId}/stream`, headers);
}

const sseSeqs = (events: SseEvent[]) => events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
const wsSeqs = (messages: WsMessage[]) => messages.flatMap((m) => (m.type === 'event' ? [m.event.seq] : m.type === 'error' || m.type === 'exit' ? [m.seq] : []));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('an agent on A, read on B: SSE live, SSE with Last-Event-ID and the raw WebSocket each get every event once, in order', async () => {
  const [a, b] = cluster.nodes;
  const live = stream(b!, 'slow');
  await live.until((events) => events.some((e) => e.event === 'connected'), 'the live stream on B to open');

  const started = await post(a!, '/api/agents/slow/start', { prompt: 'hello from A' });
  expect(started.status).toBe(201);
  const firstSeq = started.session.first_seq;
  await live.until((events) => events.filter((e) => e.event === 'agent_text').length >= 2, 'two chunks of text, live on B');

  // Mid-turn, two more readers on B: one replays from before the session, one asks for the rest.
  const replay = stream(b!, 'slow', firstSeq - 1);
  const socket = await WsClient.open(b!.url, CLUSTER_TOKEN);
  const seenLive = sseSeqs(live.events);
  socket.send({ type: 'subscribe', agentId: 'slow', lastSeq: seenLive[1] });
  await socket.next('subscribed');

  // Stopped from B (forwarded to A, which runs it): the exit reaches every reader.
  expect((await post(b!, '/api/agents/slow/stop')).status).toBe(200);
  const ended = await waitForStatus(a!, 'slow', 'terminated');
  for (const [reader, name] of [
    [live, 'live SSE'],
    [replay, 'replayed SSE'],
  ] as const) {
    await reader.until((events) => sseSeqs(events).at(-1) === ended.last_seq, `every event on the ${name} on B`);
  }
  await socket.until((messages) => wsSeqs(messages).at(-1) === ended.last_seq, 'every event on the WebSocket on B');

  expect(sseSeqs(live.events)).toEqual(range(firstSeq, ended.last_seq));
  expect(sseSeqs(replay.events)).toEqual(range(firstSeq, ended.last_seq));
  expect(wsSeqs(socket.messages)).toEqual(range(seenLive[1]! + 1, ended.last_seq));
  // The same events where the agent ran: A's own replay is what B served.
  const onA = stream(a!, 'slow', firstSeq - 1);
  await onA.until((events) => sseSeqs(events).at(-1) === ended.last_seq, 'the replay on A');
  const payloads = (events: SseEvent[]) => events.filter((e) => e.id !== undefined).map((e) => ({ event: e.event, data: e.data }));
  expect(payloads(replay.events)).toEqual(payloads(onA.events));
  expect(payloads(live.events)).toEqual(payloads(onA.events));
  expect(replay.events.find((e) => e.event === 'agent_exit')?.data).toMatchObject({ reason: 'stopped', session_id: started.session.id });
  for (const reader of [live, replay, onA]) reader.close();
  await socket.close();
}, 90_000);

test('an agent on B streams to the screens of a user whose session lives on A', async () => {
  const [a, b] = cluster.nodes;
  // The user's tab is on A: A owns the user and renders the screens; the agent runs on B.
  const tab = await LiveClient.open(a!.url, CLUSTER_TOKEN, 'screens-on-a');
  await tab.action('navigate', { to: '/agents' });
  const started = await post(b!, '/api/agents/slow/start', { prompt: 'hello from B' });
  expect(started.status).toBe(201);
  await tab.waitFor(() => /running/i.test(tab.text('agent-slow-status') ?? ''), 20_000);
  const lines = new Set<string>();
  await waitFor(() => {
    lines.add(tab.text('agent-slow-last') ?? '');
    return lines.size >= 3;
  }, () => `the output of the agent on B to reach the tab on A (lines seen: ${[...lines].join(' | ')})`, 20_000);
  expect((await post(a!, '/api/agents/slow/stop')).status).toBe(200);
  await tab.waitFor(() => /terminated|stopped/i.test(tab.text('agent-slow-status') ?? ''), 20_000);
  tab.close();
}, 90_000);

test('the log is in Redis, encrypted, and outlives the process that ran the agent', async () => {
  const [a, b] = cluster.nodes;
  const started = await post(a!, '/api/agents/lines/start');
  expect(started.status).toBe(201);
  const ended = await waitForStatus(a!, 'lines', 'terminated');
  const before = stream(a!, 'lines', 0);
  await before.until((events) => sseSeqs(events).at(-1) === ended.last_seq, 'the replay on A');

  // In Redis: one stream of the user's agent, none of its text in the clear.
  const redis = new Redis(cluster.redis.url);
  try {
    const entries = await redis.xrange('a2ui:log:agent-events:local/lines', '-', '+');
    expect(entries.map(([id]) => Number.parseInt(id, 10))).toEqual(range(started.session.first_seq, ended.last_seq));
    const stored = entries.map(([, fields]) => fields[1]!).join('\n');
    expect(stored).not.toMatch(/line 1/);
    expect(entries.every(([, fields]) => fields[1]!.startsWith('v1:'))).toBe(true);
  } finally {
    redis.disconnect();
  }

  a!.child.kill('SIGKILL');
  await a!.exited;
  const after = stream(b!, 'lines', 0);
  await after.until((events) => sseSeqs(events).at(-1) === ended.last_seq, 'the replay on B after A died');
  const lines = (events: SseEvent[]) => events.filter((e) => e.event === 'agent_output').map((e) => e.data.text);
  expect(lines(after.events)).toHaveLength(600);
  expect(lines(after.events)).toEqual(lines(before.events));
  expect(sseSeqs(after.events)).toEqual(sseSeqs(before.events));
  before.close();
  after.close();
}, 90_000);
