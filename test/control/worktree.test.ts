/**
 * Agents in worktrees: the start form's picker lists the worktree plugin's worktrees (not the main
 * one), an agent runs in the one chosen, only a listed path is accepted, and a worktree with a live
 * session cannot be removed (the worktree plugin answers 409 with the reason).
 */
import fs from 'node:fs';
import { LiveClient } from '../helpers/client';
import { makeRepo } from '../helpers/git-repo';
import type { TestServer } from '../helpers/server';
import { api, readLog, startAgentServer, waitFor, waitForStatus } from './helpers';

let server: TestServer;
let repo: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  repo = makeRepo();
  server = await startAgentServer({ repo });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});

test('pick a worktree, run there, and the worktree cannot be removed while the session is live', async () => {
  const c = await LiveClient.open(server.url, server.token);
  clients.push(c);
  await c.action('navigate', { to: '/agents/demo' });
  const picker = () => c.doc!.components['control-worktree'] as { options: Array<{ label: string; value: string }> };
  expect(picker().options).toEqual([{ label: 'None (the repository)', value: '' }]);

  const created = await api(server).post('/api/worktrees', { agentName: 'demo', taskId: '7', taskTitle: 'Try it' });
  expect(created.status).toBe(201);
  const worktree = created.body.path as string;
  // The picker follows the worktree plugin's changes (its onChange), without a reload.
  await waitFor(() => picker().options.length === 2, 'the new worktree in the picker');
  expect(picker().options[1]).toEqual({ label: 'agent/demo/7-try-it · agent demo · task 7', value: worktree });

  const ack = await c.action('start_agent', { agent_id: 'demo', prompt: 'Where am I?', worktree: [worktree] });
  expect(ack.status).toBe('success');
  const session = await waitFor(async () => {
    const s = (await api(server).get('/api/agents/demo/status')).body.session;
    return s?.last_result ? s : undefined;
  }, 'the answer');
  expect(session).toMatchObject({ cwd: worktree, worktree });
  const toolResult = (await readLog(server, session.id)).find((e) => e.type === 'tool_result');
  expect(toolResult.summary).toMatch(new RegExp(`entries in ${worktree.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));

  const removal = await api(server).delete(`/api/worktrees/${encodeURIComponent(worktree)}`);
  expect(removal.status).toBe(409);
  expect(removal.body.error).toEqual({ code: 'CONFLICT', message: 'An agent session (Demo agent) is running in this worktree; stop it first.' });
  expect(fs.existsSync(worktree)).toBe(true);

  await api(server).post('/api/agents/demo/stop').expect(200);
  await waitForStatus(server, 'demo', 'terminated');
  const removed = await api(server).delete(`/api/worktrees/${encodeURIComponent(worktree)}`);
  expect(removed.status).toBe(200);
  expect(fs.existsSync(worktree)).toBe(false);
  await waitFor(() => picker().options.length === 1, 'the worktree gone from the picker');
  // Its session cannot be resumed in a folder that is gone: a clear 409, nothing started.
  const resume = await api(server).post('/api/agents/demo/resume');
  expect(resume.status).toBe(409);
  // Named relative to the repository: no message tells a client where the server keeps it.
  expect(resume.body.error.message).toBe("The session's working directory (.worktrees/demo-7-try-it) does not exist.");
});

test('only a worktree from the list: the main worktree, a made-up path or a path escape is a 404', async () => {
  for (const worktree of [repo, '/etc', `${repo}/.worktrees/../../etc`, `${repo}/.worktrees/nope`]) {
    const res = await api(server).post('/api/agents/slow/start', { worktree });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'worktree: no such worktree of yours (pick one from the list, or none).' } });
  }
  expect((await api(server).get('/api/agents/slow/status')).body.status).toBe('idle');
});
