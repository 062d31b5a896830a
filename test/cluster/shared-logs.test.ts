/**
 * The shared logs on a real Redis, with two "processes" in this one (two connections, two node ids):
 * entries numbered by their writer, refused at or below the last one, trimmed to their bound, read
 * back in ranges, encrypted, and heard live by the other process only; and an agent supervisor that
 * misses live events while its connection is down reads them back from the log.
 */
import path from 'node:path';
import Redis from 'ioredis';
import { parseDefinitions } from '../../agents/control/definitions';
import type { AgentEvent } from '../../agents/control/events';
import { agentSessionsFileSchema, type AgentSessionsFile } from '../../agents/control/session-record';
import { SharedEventLog } from '../../agents/control/shared-event-log';
import { AgentSupervisor } from '../../agents/control/supervisor';
import { Workdirs } from '../../agents/control/workdirs';
import { openStore } from '../../server/app/store';
import { RedisConnection } from '../../server/cluster/redis-connection';
import { RedisSharedLogs } from '../../server/cluster/shared-logs';
import { StoreCipher } from '../../server/cluster/store-cipher';
import { startRedis, type TestRedis } from '../helpers/redis';
import { tempDir } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { testAgents } from '../control/helpers';

const KEY = 'the-shared-logs-test-key-of-32-characters';
let redis: TestRedis;
const connections: RedisConnection[] = [];
const supervisors: AgentSupervisor[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(supervisors.map((s) => s.close()));
  await Promise.all(connections.map((c) => c.close()));
  await redis.stop();
});

async function logsOf(node: string, name: string, keep = 1000, key = KEY): Promise<RedisSharedLogs> {
  const connection = await RedisConnection.open(redis.url, 'test:');
  connections.push(connection);
  const logs = new RedisSharedLogs(connection, new StoreCipher(key), node, name, keep);
  await logs.listening;
  return logs;
}

test('an append is stored under its seq and heard by the other process, not by its writer', async () => {
  const a = await logsOf('a', 'first');
  const b = await logsOf('b', 'first');
  const heardByA: string[] = [];
  const heardByB: Array<[string, string]> = [];
  a.onLive((_log, live) => heardByA.push(live));
  b.onLive((log, live) => heardByB.push([log, live]));
  for (let seq = 1; seq <= 5; seq++) await a.append('u1/agent', [{ seq, text: `entry ${seq}` }], `live ${seq}`);
  await waitFor(() => heardByB.length === 5, 'the live copies on b');
  expect(heardByB).toEqual([1, 2, 3, 4, 5].map((n) => ['u1/agent', `live ${n}`]));
  expect(heardByA).toEqual([]);
  expect(await b.after('u1/agent', 2, 10)).toEqual([3, 4, 5].map((seq) => ({ seq, text: `entry ${seq}` })));
  expect(await b.after('u1/agent', 0, 2)).toEqual([1, 2].map((seq) => ({ seq, text: `entry ${seq}` })));
  expect(await b.last('u1/agent', 2)).toEqual([4, 5].map((seq) => ({ seq, text: `entry ${seq}` })));
  expect(await b.last('u1/agent', 10, 2, 3)).toEqual([2, 3].map((seq) => ({ seq, text: `entry ${seq}` })));
  expect(await b.after('u1/nothing', 0, 10)).toEqual([]);
});

test('an entry numbered at or below the last is refused, and nothing of it is stored or published', async () => {
  const a = await logsOf('a', 'fenced');
  const b = await logsOf('b', 'fenced');
  const heard: string[] = [];
  const heardByB: string[] = [];
  a.onLive((_log, live) => heard.push(live));
  b.onLive((_log, live) => heardByB.push(live));
  await b.append('u1/agent', [{ seq: 7, text: 'seven' }], 'live seven');
  await expect(a.append('u1/agent', [{ seq: 7, text: 'seven again' }], 'live seven again')).rejects.toThrow(/entry 7 is not above the last one, 7/);
  // A batch whose first entry is taken writes none of the others either.
  await expect(a.append('u1/agent', [3, 8, 9].map((seq) => ({ seq, text: `batch ${seq}` })), 'live batch')).rejects.toThrow(/entry 3 is not above the last one, 7/);
  await expect(a.append('u1/agent', [{ seq: 9, text: 'nine' }, { seq: 9, text: 'nine again' }], 'live')).rejects.toThrow(/in order/);
  await a.append('u1/agent', [8, 9, 10].map((seq) => ({ seq, text: `entry ${seq}` })), 'live 8-10');
  await waitFor(() => heard.length === 1 && heardByB.length === 1, 'the live copies');
  // Only what was written was published: nothing of the refused appends.
  expect(heard).toEqual(['live seven']);
  expect(heardByB).toEqual(['live 8-10']);
  expect(await a.after('u1/agent', 0, 10)).toEqual([{ seq: 7, text: 'seven' }, ...[8, 9, 10].map((seq) => ({ seq, text: `entry ${seq}` }))]);
  for (const name of ['u1:journal', 'u1 agent', '', 'u1//agent', 'x'.repeat(201)]) await expect(a.append(name, [{ seq: 9, text: 'x' }], 'x')).rejects.toThrow(/not a log name/);
});

test('a log keeps about its bound; the newest entries stay', async () => {
  const a = await logsOf('a', 'bounded', 100);
  for (let seq = 1; seq <= 1000; seq += 10) await a.append('u1/agent', Array.from({ length: 10 }, (_, i) => ({ seq: seq + i, text: `entry ${seq + i}` })), '');
  const raw = new Redis(redis.url);
  try {
    const length = await raw.xlen('test:log:bounded:u1/agent');
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(300);
    // Encrypted at rest: no entry's text in the clear.
    const stored = await raw.xrange('test:log:bounded:u1/agent', '-', '+', 'COUNT', 5);
    expect(stored.every(([, fields]) => fields[1]!.startsWith('v1:') && !fields[1]!.includes('entry'))).toBe(true);
  } finally {
    raw.disconnect();
  }
  expect((await a.last('u1/agent', 3)).map((e) => e.seq)).toEqual([998, 999, 1000]);
});

test('entries written with another store key are skipped, not misread', async () => {
  const a = await logsOf('a', 'keys');
  const stranger = await logsOf('c', 'keys', 1000, 'another-store-key-of-at-least-32-chars');
  const heard: string[] = [];
  a.onLive((_log, live) => heard.push(live));
  await stranger.append('u1/agent', [{ seq: 1, text: 'secret' }], 'secret live');
  await a.append('u1/agent', [{ seq: 2, text: 'mine' }], 'mine live');
  expect(await a.after('u1/agent', 0, 10)).toEqual([{ seq: 2, text: 'mine' }]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(heard).toEqual([]);
});

test('a supervisor that missed live events while its connection was down reads them back from the log', async () => {
  const dataDir = tempDir('a2ui-shared-sup-');
  const open = async (node: string) => {
    const dir = path.join(dataDir, node);
    const supervisor = await AgentSupervisor.open({
      definitions: parseDefinitions({ agents: testAgents() }, 'test'),
      store: await openStore<AgentSessionsFile>(path.join(dir, 'agent-sessions.json'), { sessions: {} }, agentSessionsFileSchema),
      log: new SharedEventLog(await logsOf(node, 'agent-events')),
      workdirs: new Workdirs(dataDir),
      stopGraceMs: 200,
    });
    supervisors.push(supervisor);
    return supervisor;
  };
  const a = await open('a');
  const b = await open('b');
  const heard: AgentEvent[] = [];
  b.subscribe('u1', (event) => void heard.push(event));
  await a.start('u1', 'echo');
  await waitFor(() => a.latest('u1', 'echo')?.status === 'running', 'echo running on a');
  await waitFor(() => heard.some((e) => e.type === 'status' && e.status === 'running'), 'b to hear it run');
  // b's record of the session came with the events (its own store has none).
  expect(b.latest('u1', 'echo')).toMatchObject({ status: 'running', id: a.latest('u1', 'echo')!.id });

  // Every subscriber connection is cut; inputs made at once are published while b is not listening.
  const readsBack = jest.spyOn(SharedEventLog.prototype, 'read');
  const admin = new Redis(redis.url);
  try {
    expect(await admin.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThan(0);
  } finally {
    admin.disconnect();
  }
  for (let i = 0; i < 20; i++) void a.input('u1', 'echo', `while away ${i}`);
  await waitFor(() => heard.filter((e) => e.type === 'output' && e.text.startsWith('got: while away')).length === 20, 'b to catch up with every echo');
  const last = a.latest('u1', 'echo')!.lastSeq;
  await waitFor(() => heard.at(-1)?.seq === last, 'the last event on b');
  // Every event once, in order: the missed ones read back from the log before the later live ones.
  expect(heard.map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  expect(b.lastSeq('u1', 'echo')).toBe(last);
  // b read the log (nobody here replays: only a read-back of what was missed reads it).
  expect(readsBack).toHaveBeenCalled();
  readsBack.mockRestore();
}, 30_000);
