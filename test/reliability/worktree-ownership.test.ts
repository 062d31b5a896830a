/**
 * Worktrees have owners. The attack: a second user listed the main user's worktrees, started an agent
 * in one, and deleted it with `?force=true&deleteBranch=true` (branch and an uncommitted file gone,
 * 200). Now a worktree belongs to the user who created it (by hand with git, or the main worktree: the
 * main user); other users cannot see, get, use or remove it (404, as for another user's agent session),
 * nor hear its changes; administrators (`"role": "admin"` in users.json, and the main user) see and
 * manage all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mainUserOnly } from '../../agents/roles';
import { worktreeTools } from '../../agents/worktree/tools';
import { WorktreeService, worktreeMetadataFileSchema, type Worktree, type WorktreeMetadataFile } from '../../agents/worktree/service';
import { openStore } from '../../server/app/store';
import { api, startAgentServer } from '../control/helpers';
import { LiveClient } from '../helpers/client';
import { gitBranches, gitIn, gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { ALICE, BOB, tempDir, type TestServer } from '../helpers/server';

jest.setTimeout(60_000);

let server: TestServer;
let repo: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  repo = makeRepo();
  const dataDir = tempDir('a2ui-owners-');
  // alice is an administrator, bob a user.
  fs.writeFileSync(
    path.join(dataDir, 'users.json'),
    JSON.stringify({ users: [{ token: ALICE.token, user_id: ALICE.userId, role: 'admin' }, { token: BOB.token, user_id: BOB.userId }] }),
  );
  server = await startAgentServer({ dataDir, repo });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

const encoded = (p: string) => encodeURIComponent(p);
const paths = (list: Worktree[]) => list.map((w) => w.path).sort();

async function createAs(token: string, taskId: string): Promise<string> {
  const res = await api(server).post('/api/worktrees', { agentName: 'demo', taskId }, token);
  expect(res.status).toBe(201);
  return res.body.path as string;
}

test("another user cannot list, get, use or remove the main user's worktree; its branch and uncommitted file survive", async () => {
  const wt = await createAs(server.token, 'main-1');
  fs.writeFileSync(path.join(wt, 'work-in-progress.txt'), 'not committed yet');
  const branch = 'agent/demo/main-1';

  const list = await api(server).get('/api/worktrees', BOB.token);
  expect(list.status).toBe(200);
  expect(list.body.worktrees).toEqual([]); // not even the main worktree: it is the main user's

  for (const name of [wt, '.worktrees/demo-main-1']) {
    const got = await api(server).get(`/api/worktrees/${encoded(name)}`, BOB.token);
    expect(got.status).toBe(404);
    expect(got.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No worktree at .worktrees/demo-main-1.' } });
  }
  const removed = await api(server).delete(`/api/worktrees/${encoded(wt)}?force=true&deleteBranch=true`, BOB.token);
  expect(removed.status).toBe(404);
  expect(removed.body.error.code).toBe('NOT_FOUND');
  expect(fs.readFileSync(path.join(wt, 'work-in-progress.txt'), 'utf8')).toBe('not committed yet');
  expect(gitBranches(repo)).toContain(branch);
  expect(gitWorktreePaths(repo)).toContain(wt);

  // Nor start an agent in it: the same 404 as a made-up path, and nothing runs.
  const start = await api(server).post('/api/agents/demo/start', { worktree: wt }, BOB.token);
  expect(start.status).toBe(404);
  expect(start.body.error.code).toBe('NOT_FOUND');
  expect((await api(server).get('/api/agents/demo/status', BOB.token)).body.status).toBe('idle');

  // Nor see it on a screen: the worktree list and the agent start form's picker.
  const bob = await LiveClient.open(server.url, BOB.token);
  clients.push(bob);
  await bob.action('navigate', { to: '/worktrees' });
  expect(Object.keys(bob.doc!.components).some((id) => id.includes(WorktreeService.keyOf(wt)))).toBe(false);
  await bob.action('navigate', { to: '/agents/demo' });
  const picker = bob.doc!.components['control-worktree'] as { options: Array<{ value: string }> };
  expect(picker.options.map((o) => o.value)).toEqual(['']);
  const ack = await bob.action('start_agent', { agent_id: 'demo', worktree: [wt] });
  expect(ack).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND' } });
  await bob.action('navigate', { to: '/worktrees' });
  const removal = await bob.action('remove_worktree', { path: wt, force: true, delete_branch: true });
  expect(removal).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND' } });
  expect(gitWorktreePaths(repo)).toContain(wt);
});

test('the owner and an administrator see and manage it; everyone sees their own; owners are in the list', async () => {
  const bobs = await createAs(BOB.token, 'bob-1');
  const locals = await createAs(server.token, 'main-2');

  const asBob = (await api(server).get('/api/worktrees', BOB.token)).body.worktrees as Worktree[];
  expect(paths(asBob)).toEqual([bobs]);
  expect(asBob[0]).toMatchObject({ owner: 'bob', agentName: 'demo', taskId: 'bob-1' });

  for (const admin of [server.token, ALICE.token]) {
    const all = (await api(server).get('/api/worktrees', admin)).body.worktrees as Worktree[];
    expect(paths(all)).toEqual(gitWorktreePaths(repo));
    expect(all.find((w) => w.path === bobs)?.owner).toBe('bob');
    expect(all.find((w) => w.path === locals)?.owner).toBe('local');
    expect(all.find((w) => w.isMain)?.owner).toBe('local');
  }
  // alice (admin, not the owner) removes the main user's; the main user removes bob's.
  expect((await api(server).delete(`/api/worktrees/${encoded(locals)}?deleteBranch=true`, ALICE.token)).status).toBe(200);
  expect((await api(server).delete(`/api/worktrees/${encoded(bobs)}?deleteBranch=true`)).status).toBe(200);
  expect(gitWorktreePaths(repo)).not.toContain(locals);
  expect(gitWorktreePaths(repo)).not.toContain(bobs);
});

test('a worktree made by hand with git belongs to the main user', async () => {
  const manual = path.join(repo, '.worktrees', 'by-hand');
  gitIn(repo, 'worktree', 'add', '-q', '-b', 'by-hand', manual);
  const asLocal = (await api(server).get('/api/worktrees')).body.worktrees as Worktree[];
  expect(asLocal.find((w) => w.path === manual)).toMatchObject({ owner: 'local', agentName: null });
  expect(paths((await api(server).get('/api/worktrees', BOB.token)).body.worktrees)).not.toContain(manual);
  expect((await api(server).get(`/api/worktrees/${encoded(manual)}`, BOB.token)).status).toBe(404);
});

test('a user may not delete a branch that existed before their worktree (checking it out does not make it theirs)', async () => {
  gitIn(repo, 'branch', 'release');
  const created = await api(server).post('/api/worktrees', { agentName: 'demo', taskId: 'rel', customBranch: 'release' }, BOB.token);
  expect(created.body).toMatchObject({ branchCreated: false });
  const refused = await api(server).delete(`/api/worktrees/${encoded(created.body.path)}?force=true&deleteBranch=true`, BOB.token);
  expect(refused.status).toBe(403);
  expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('only an administrator') });
  expect(gitBranches(repo)).toContain('release');
  // Without the branch: bob's own worktree goes, the branch stays.
  expect((await api(server).delete(`/api/worktrees/${encoded(created.body.path)}?force=true`, BOB.token)).status).toBe(200);
  expect(gitBranches(repo)).toContain('release');
});

test("change events reach only the users who may see the worktree", async () => {
  const dataDir = tempDir();
  const store = await openStore<WorktreeMetadataFile>(path.join(dataDir, 'worktrees.json'), { worktrees: {} }, worktreeMetadataFileSchema);
  const service = await WorktreeService.open({ repo: makeRepo(), store });
  const local = { userId: 'local', admin: true };
  const bob = { userId: 'bob', admin: false };
  const carol = { userId: 'carol', admin: false };
  const heard: Record<string, string[][]> = { local: [], bob: [], carol: [] };
  service.onChange(local, (list) => heard.local!.push(list.map((w) => w.owner)));
  service.onChange(bob, (list) => heard.bob!.push(list.map((w) => w.owner)));
  service.onChange(carol, (list) => heard.carol!.push(list.map((w) => w.owner)));

  const mine = await service.create(local, { agentName: 'a', taskId: '1' });
  expect(heard).toEqual({ local: [['local', 'local']], bob: [], carol: [] });
  const bobs = await service.create(bob, { agentName: 'a', taskId: '2' });
  expect(heard.bob).toEqual([['bob']]);
  expect(heard.carol).toEqual([]);
  expect(heard.local).toHaveLength(2);
  await service.remove(local, mine.path);
  expect(heard.bob).toHaveLength(1);
  expect(heard.carol).toEqual([]);
  await service.remove(bob, bobs.path);
  expect(heard.bob).toEqual([['bob'], []]);
  expect(heard.carol).toEqual([]);
  await service.close();
});

test("the assistant's worktree tools act as the user who asked", async () => {
  const toolRepo = makeRepo();
  const store = await openStore<WorktreeMetadataFile>(path.join(tempDir(), 'worktrees.json'), { worktrees: {} }, worktreeMetadataFileSchema);
  const service = await WorktreeService.open({ repo: toolRepo, store });
  const tools = worktreeTools(service, mainUserOnly);
  const run = (name: string, userId: string, input: unknown) => tools.find((t) => t.name === name)!.run(userId, input, new AbortController().signal);

  const made = (await run('worktree_create', 'local', { agent_name: 'a', task_id: '1' })) as { path: string };
  const bobList = (await run('worktree_list', 'bob', {})) as { worktrees: unknown[] };
  expect(bobList.worktrees).toEqual([]);
  await expect(run('worktree_remove', 'bob', { path: made.path, force: true, delete_branch: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  expect(gitWorktreePaths(toolRepo)).toContain(made.path);
  const localList = (await run('worktree_list', 'local', {})) as { worktrees: Array<{ path: string }> };
  expect(localList.worktrees.map((w) => w.path)).toContain(made.path);
  await run('worktree_remove', 'local', { path: made.path, delete_branch: true });
  expect(gitWorktreePaths(toolRepo)).toEqual([toolRepo]);
  await service.close();
});
