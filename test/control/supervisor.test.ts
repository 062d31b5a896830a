/**
 * The supervisor without HTTP: the replay/live merge of `follow` with events emitted in the middle of
 * a replay, and the start-up recovery of sessions that a crashed server left `running`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AgentEvent } from '../../agents/control/events';
import { parseDefinitions } from '../../agents/control/definitions';
import { agentSessionsFileSchema, type AgentSessionsFile } from '../../agents/control/session-record';
import { FileEventLog } from '../../agents/control/event-log';
import { AgentSupervisor } from '../../agents/control/supervisor';
import { Workdirs } from '../../agents/control/workdirs';
import { openStore } from '../../server/app/store';
import { tempDir } from '../helpers/server';
import { testAgents, waitFor } from './helpers';

const opened: AgentSupervisor[] = [];
afterAll(() => Promise.all(opened.map((s) => s.close())));

async function openSupervisor(dataDir = tempDir('a2ui-sup-')) {
  const store = await openStore<AgentSessionsFile>(path.join(dataDir, 'agent-sessions.json'), { sessions: {} }, agentSessionsFileSchema);
  const supervisor = await AgentSupervisor.open({
    definitions: parseDefinitions({ agents: testAgents() }, 'test'),
    store,
    log: new FileEventLog(path.join(dataDir, 'agent-logs')),
    workdirs: new Workdirs(dataDir),
    stopGraceMs: 200,
  });
  opened.push(supervisor);
  return { supervisor, dataDir };
}

test('events emitted while a replay is being read are delivered once, in order, after it', async () => {
  const { supervisor } = await openSupervisor();
  await supervisor.start('u1', 'echo');
  await waitFor(() => supervisor.latest('u1', 'echo')?.status === 'running', 'echo running');
  for (let i = 0; i < 300; i++) supervisor.input('u1', 'echo', `before ${i}`);
  await waitFor(() => supervisor.latest('u1', 'echo')!.lastSeq >= 2 + 1 + 600, 'the echoes');

  const got: AgentEvent[] = [];
  let injected = 0;
  supervisor.follow('u1', 'echo', 0, (event) => {
    got.push(event);
    // In the middle of the replay (reading the log), more events happen: input events are emitted
    // synchronously here, their echoes arrive later.
    if (event.seq === 100 && injected === 0) {
      for (let i = 0; i < 50; i++) supervisor.input('u1', 'echo', `during ${i}`);
      injected = 50;
    }
  });
  const lastSeq = () => supervisor.latest('u1', 'echo')!.lastSeq;
  await waitFor(() => got.filter((e) => e.type === 'output' && String((e as { text: string }).text).startsWith('got: during')).length === 50, 'the echoes of the injected inputs');
  await waitFor(() => got.at(-1)?.seq === lastSeq(), 'the last event');
  expect(got.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq() }, (_, i) => i + 1));
  expect(got.filter((e) => e.type === 'input')).toHaveLength(350);
});

test('without a Last-Event-ID only events from now on are delivered', async () => {
  const { supervisor } = await openSupervisor();
  await supervisor.start('u1', 'echo');
  await waitFor(() => supervisor.latest('u1', 'echo')?.status === 'running', 'echo running');
  const before = supervisor.lastSeq('u1', 'echo');
  const got: AgentEvent[] = [];
  const stop = supervisor.follow('u1', 'echo', undefined, (event) => void got.push(event));
  supervisor.input('u1', 'echo', 'now');
  await waitFor(() => got.some((e) => e.type === 'output'), 'the echo');
  expect(got[0]!.seq).toBe(before + 1);
  stop();
  supervisor.input('u1', 'echo', 'after');
  const count = got.length;
  await waitFor(() => supervisor.latest('u1', 'echo')!.lastSeq >= before + 4, 'the second echo');
  expect(got.length).toBe(count); // unsubscribed: nothing more
});

test('start-up: a session a crashed server left running becomes suspended (resumable) and says why in its log', async () => {
  const { supervisor, dataDir } = await openSupervisor();
  await supervisor.start('u1', 'slow', { prompt: 'hello' });
  const running = await waitFor(() => {
    const s = supervisor.latest('u1', 'slow');
    return s?.providerSessionId && s.status === 'running' ? s : undefined;
  }, 'slow running with a provider id');
  await supervisor.start('u1', 'echo');
  await waitFor(() => supervisor.latest('u1', 'echo')?.status === 'running', 'echo running');
  const echoId = supervisor.latest('u1', 'echo')!.id;
  // Both records on disk (writes are coalesced: the file may lag the last change).
  await waitFor(() => {
    const onDisk = fs.readFileSync(path.join(dataDir, 'agent-sessions.json'), 'utf8');
    return onDisk.includes(running.providerSessionId!) && onDisk.includes(echoId);
  }, 'the records on disk');

  // A crash: the files as they are now (records say running), opened by a new supervisor.
  const copy = tempDir('a2ui-crash-');
  fs.cpSync(dataDir, copy, { recursive: true });
  const { supervisor: after } = await openSupervisor(copy);
  const slow = after.latest('u1', 'slow')!;
  expect(slow).toMatchObject({ id: running.id, status: 'suspended', statusReason: 'server_restarted', pid: null, providerSessionId: running.providerSessionId });
  // A plain command cannot be resumed: terminated instead.
  expect(after.latest('u1', 'echo')).toMatchObject({ status: 'terminated', statusReason: 'server_restarted' });
  const log = fs.readFileSync(path.join(copy, 'agent-logs', `${slow.id}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AgentEvent);
  expect(log.at(-1)).toMatchObject({ type: 'status', status: 'suspended', previous: 'running', reason: 'server_restarted', seq: slow.lastSeq });
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
});

test('the removal guard names a live session in a folder, and nothing once it ended', async () => {
  const { supervisor, dataDir } = await openSupervisor();
  expect(supervisor.liveSessionIn(dataDir)).toBeUndefined();
  await supervisor.start('u2', 'echo');
  // Starting or already running: a start is answered once its record is on disk, by when the process may be up.
  expect(supervisor.liveSessionIn(dataDir)).toMatch(/^An agent session \(Echo\) is (starting|running) in this worktree; stop it first\.$/);
  expect(supervisor.liveSessionIn(`${dataDir}-other`)).toBeUndefined();
  supervisor.stop('u2', 'echo');
  await waitFor(() => supervisor.latest('u2', 'echo')?.status === 'terminated', 'echo stopped');
  expect(supervisor.liveSessionIn(dataDir)).toBeUndefined();
});

test('a start whose action already timed out (its signal aborted) starts nothing', async () => {
  const { supervisor } = await openSupervisor();
  const timedOut = new AbortController();
  timedOut.abort();
  await expect(supervisor.start('u3', 'echo', { signal: timedOut.signal })).rejects.toMatchObject({ code: 'CONFLICT', message: 'Echo was not started: the request took too long.' });
  expect(supervisor.latest('u3', 'echo')).toBeUndefined();
  expect(supervisor.sessions('u3')).toEqual([]);
});
