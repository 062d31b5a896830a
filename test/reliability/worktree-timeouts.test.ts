/**
 * A timed-out worktree action must not keep running. The attack, with git slowed to 25 s:
 * `create_worktree` answered "timed out", yet the worktree and branch appeared later and the retry got
 * CONFLICT; and another user's `GET /api/worktrees` waited 40 s behind it, because every operation
 * shared one queue without a time limit.
 *
 * Now the action's AbortSignal (and a REST client hanging up) reaches git, which is killed; a create
 * that stops half-way is undone before the next write, so the retry succeeds; every operation has its
 * own time limit (A2UI_GIT_TIMEOUT_MS); and reads do not queue behind writes. git is slowed by a
 * wrapper first on PATH (test/helpers/slow-git.ts) whose `worktree add` waits at a gate.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { alive, api, waitFor } from '../control/helpers';
import { LiveClient } from '../helpers/client';
import { gitBranches, gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { BOB, dataDirWithUsers, startTestServer, type TestServer } from '../helpers/server';
import { slowGit, type SlowGit } from '../helpers/slow-git';

jest.setTimeout(60_000);

let git: SlowGit;
let repo: string;
let server: TestServer;
const clients: LiveClient[] = [];
const originalPath = process.env.PATH;

beforeAll(async () => {
  git = slowGit();
  process.env.PATH = `${git.dir}${path.delimiter}${originalPath}`;
  repo = makeRepo();
  server = await startTestServer({ dataDir: dataDirWithUsers([BOB]), env: { A2UI_REPO: repo, A2UI_PLUGIN_TIMEOUT_MS: '4000' } });
});
afterEach(() => git.open());
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
  process.env.PATH = originalPath;
});

/** Nothing of the create is left: no worktree in git, no directory, no branch, no metadata. */
async function nothingLeftOf(dirName: string, branch: string, dataDir: string): Promise<void> {
  await waitFor(
    () =>
      gitWorktreePaths(repo).length === 1 &&
      !fs.existsSync(path.join(repo, '.worktrees', dirName)) &&
      !gitBranches(repo).includes(branch) &&
      !fs.readFileSync(path.join(dataDir, 'worktrees.json'), 'utf8').includes(dirName),
    () => `nothing left of ${dirName}: worktrees ${gitWorktreePaths(repo).join(', ')}; branches ${gitBranches(repo).join(', ')}`,
  );
}

async function liveClient(token = server.token): Promise<LiveClient> {
  const client = await LiveClient.open(server.url, token);
  clients.push(client);
  await client.action('navigate', { to: '/worktrees/new' });
  return client;
}

test('an action that times out kills git and undoes the worktree and branch git had made; the retry succeeds', async () => {
  git.shut('after');
  const client = await liveClient();
  const answer = client.action('create_worktree', { agent_name: 'demo', task_id: 't1' });
  // git made the worktree and the branch, and has not exited when the action's time limit passes.
  const waiting = await waitFor(() => git.waitingPid(), 'the create to reach the slow git');
  expect(gitBranches(repo)).toContain('agent/demo/t1');
  expect(await answer).toMatchObject({ status: 'error', error: { code: 'PLUGIN_TIMEOUT', message: 'Worktree Agent timed out.' } });
  await waitFor(() => !alive(waiting), 'the waiting git to be killed');
  await nothingLeftOf('demo-t1', 'agent/demo/t1', server.dataDir);

  git.open();
  await client.action('navigate', { to: '/worktrees/new' });
  const retry = await client.action('create_worktree', { agent_name: 'demo', task_id: 't1' });
  expect(retry).toMatchObject({ status: 'success' });
  expect(gitBranches(repo)).toContain('agent/demo/t1');
  expect((await api(server).delete(`/api/worktrees/${encodeURIComponent(path.join(repo, '.worktrees', 'demo-t1'))}?deleteBranch=true`)).status).toBe(200);
});

test('a git that had not run yet when the action timed out never runs later', async () => {
  git.shut('before');
  const client = await liveClient();
  const answer = client.action('create_worktree', { agent_name: 'demo', task_id: 't2' });
  const waiting = await waitFor(() => git.waitingPid(), 'the create to reach the slow git');
  expect(await answer).toMatchObject({ status: 'error', error: { code: 'PLUGIN_TIMEOUT' } });
  await waitFor(() => !alive(waiting), 'the waiting git to be killed');
  git.open(); // a git still waiting would run now
  await nothingLeftOf('demo-t2', 'agent/demo/t2', server.dataDir);
  const retry = await api(server).post('/api/worktrees', { agentName: 'demo', taskId: 't2' });
  expect(retry.status).toBe(201);
  expect((await api(server).delete(`/api/worktrees/${encodeURIComponent(retry.body.path)}?deleteBranch=true`)).status).toBe(200);
});

test("another user's list does not wait behind a slow create", async () => {
  git.shut('after');
  let settled = false;
  const create = api(server)
    .post('/api/worktrees', { agentName: 'demo', taskId: 't3' })
    .then((res) => {
      settled = true;
      return res;
    });
  await waitFor(() => git.waitingPid(), 'the create to reach the slow git');
  const list = await api(server).get('/api/worktrees', BOB.token);
  expect(list.status).toBe(200);
  expect(list.body.worktrees).toEqual([]);
  const mine = await api(server).get('/api/worktrees');
  expect(mine.status).toBe(200);
  expect(settled).toBe(false); // both lists answered while the create still waited
  git.open();
  const created = await create;
  expect(created.status).toBe(201);
  expect((await api(server).delete(`/api/worktrees/${encodeURIComponent(created.body.path)}?deleteBranch=true`)).status).toBe(200);
});

test('a REST client that hangs up cancels its create: git is killed and the create undone', async () => {
  git.shut('after');
  const url = new URL('/api/worktrees', server.url);
  const req = http.request(url, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' } });
  req.on('error', () => undefined);
  req.end(JSON.stringify({ agentName: 'demo', taskId: 't4' }));
  const waiting = await waitFor(() => git.waitingPid(), 'the create to reach the slow git');
  req.destroy();
  await waitFor(() => !alive(waiting), 'the waiting git to be killed');
  await nothingLeftOf('demo-t4', 'agent/demo/t4', server.dataDir);
});

test('A2UI_GIT_TIMEOUT_MS: a create that takes longer is stopped with 504 TIMEOUT and undone; then it works', async () => {
  await expect(startTestServer({ env: { A2UI_REPO: repo, A2UI_GIT_TIMEOUT_MS: 'soon' } })).rejects.toThrow(/A2UI_GIT_TIMEOUT_MS/);

  const limited = await startTestServer({ env: { A2UI_REPO: repo, A2UI_GIT_TIMEOUT_MS: '5000' } });
  try {
    git.shut('after');
    const res = await api(limited).post('/api/worktrees', { agentName: 'demo', taskId: 't5' });
    expect(git.waitingPid()).toBeDefined(); // it did reach git, which had made everything
    expect(res.status).toBe(504);
    expect(res.body).toEqual({ error: { code: 'TIMEOUT', message: expect.stringContaining('A2UI_GIT_TIMEOUT_MS') } });
    await nothingLeftOf('demo-t5', 'agent/demo/t5', limited.dataDir);
    git.open();
    const retry = await api(limited).post('/api/worktrees', { agentName: 'demo', taskId: 't5' });
    expect(retry.status).toBe(201);
    expect((await api(limited).delete(`/api/worktrees/${encodeURIComponent(retry.body.path)}?deleteBranch=true`)).status).toBe(200);
  } finally {
    await limited.close();
  }
});
