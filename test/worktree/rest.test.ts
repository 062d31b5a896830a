/**
 * The worktree REST API on a real server over a real repository, and the worktree screens through
 * the live protocol: one row more is a few ops, not a re-sent list.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { WorktreeService } from '../../agents/worktree/service';
import { LiveClient } from '../helpers/client';
import { gitBranches, gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { bearer, startTestServer, tempDir, type TestServer } from '../helpers/server';

jest.setTimeout(30_000);

let server: TestServer;
let repo: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  repo = makeRepo();
  server = await startTestServer({ env: { A2UI_REPO: repo } });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  await server.close();
});

const api = () => request(server.url);
const auth = () => bearer(server.token);
const encoded = (p: string) => encodeURIComponent(p);

describe('REST', () => {
  test('create answers {success, worktree, branch, path, branchCreated}; list, get and delete follow git', async () => {
    const created = await api().post('/api/worktrees').set(auth()).send({ agentName: 'rest', taskId: '1', taskTitle: 'First task' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      success: true,
      branch: 'agent/rest/1-first-task',
      path: path.join(repo, '.worktrees', 'rest-1-first-task'),
      branchCreated: true,
      worktree: { agentName: 'rest', taskId: '1', taskTitle: 'First task', dirty: false, isMain: false },
    });
    const wtPath = created.body.path as string;

    const list = await api().get('/api/worktrees').set(auth());
    expect(list.status).toBe(200);
    expect(list.body.worktrees.map((w: { path: string }) => w.path).sort()).toEqual(gitWorktreePaths(repo));

    const one = await api().get(`/api/worktrees/${encoded(wtPath)}`).set(auth());
    expect(one.body).toMatchObject({ success: true, worktree: { path: wtPath, branch: 'agent/rest/1-first-task' } });

    const removed = await api().delete(`/api/worktrees/${encoded(wtPath)}?deleteBranch=true`).set(auth());
    expect(removed.body).toEqual({ success: true, path: wtPath, branch: 'agent/rest/1-first-task', branchDeleted: true });
    expect(gitWorktreePaths(repo)).toEqual([repo]);
    expect(gitBranches(repo)).not.toContain('agent/rest/1-first-task');
  });

  test('409 for an existing branch and for a dirty worktree without force; force=true removes it', async () => {
    const first = await api().post('/api/worktrees').set(auth()).send({ agentName: 'rest', taskId: '2' });
    expect(first.status).toBe(201);
    const again = await api().post('/api/worktrees').set(auth()).send({ agentName: 'rest', taskId: '2' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('agent/rest/2') });

    fs.writeFileSync(path.join(first.body.path, 'wip.txt'), 'dirty');
    const refused = await api().delete(`/api/worktrees/${encoded(first.body.path)}`).set(auth());
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/uncommitted changes/);
    expect(fs.existsSync(path.join(first.body.path, 'wip.txt'))).toBe(true);

    const forced = await api().delete(`/api/worktrees/${encoded(first.body.path)}?force=true&deleteBranch=true`).set(auth());
    expect(forced.status).toBe(200);
    expect(gitWorktreePaths(repo)).toEqual([repo]);
  });

  test('404 for a path that is not a worktree; 400 for hostile names, bad types, bad flags and non-JSON', async () => {
    const before = { worktrees: gitWorktreePaths(repo), branches: gitBranches(repo) };
    for (const p of ['/etc', '../../etc', repo + '/README.md']) {
      const res = await api().delete(`/api/worktrees/${encoded(p)}?force=true`).set(auth());
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const bodies: unknown[] = [
      { agentName: '; rm -rf ~', taskId: '1' },
      { agentName: 'a', taskId: '$(id)' },
      { agentName: 'a', taskId: '`id`' },
      { agentName: '../../etc', taskId: '1' },
      { agentName: 'a\nb', taskId: '1' },
      { agentName: 'x'.repeat(10_000), taskId: '1' },
      { agentName: 'ünïcødé', taskId: '1' },
      { agentName: 'a', taskId: '1', customPath: '../../etc' },
      { agentName: 'a', taskId: '1', customPath: '/tmp/evil' },
      { agentName: 'a', taskId: '1', customBranch: 'a..b' },
      { agentName: 'a', taskId: '1', copyFiles: ['../../etc/passwd'] },
      { agentName: 42, taskId: '1' },
      { taskId: '1' },
      { agentName: 'a', taskId: '1', copyFiles: 'x' },
      [],
    ];
    for (const body of bodies) {
      const res = await api().post('/api/worktrees').set(auth()).send(body as object);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
      expect(typeof res.body.error.message).toBe('string');
    }
    const badFlag = await api().delete(`/api/worktrees/${encoded(repo)}?force=yes`).set(auth());
    expect(badFlag.status).toBe(400);
    const text = await api().post('/api/worktrees').set(auth()).set('Content-Type', 'text/plain').send('agentName=a');
    expect(text.status).toBe(400);
    const malformed = await api().post('/api/worktrees').set(auth()).set('Content-Type', 'application/json').send('{"agentName":');
    expect(malformed.status).toBe(400);
    expect({ worktrees: gitWorktreePaths(repo), branches: gitBranches(repo) }).toEqual(before);
  });

  test('the main worktree cannot be deleted; the API needs the token', async () => {
    const main = await api().delete(`/api/worktrees/${encoded(repo)}?force=true`).set(auth());
    expect(main.status).toBe(400);
    expect(fs.existsSync(path.join(repo, 'README.md'))).toBe(true);
    expect((await api().get('/api/worktrees')).status).toBe(401);
    expect((await api().post('/api/worktrees').send({ agentName: 'a', taskId: '1' })).status).toBe(401);
  });

  test('without a git repository: 503 WORKTREES_DISABLED, and /api/health says why', async () => {
    const plain = await startTestServer({ env: { A2UI_REPO: tempDir() } });
    try {
      const res = await request(plain.url).get('/api/worktrees').set(bearer(plain.token));
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 'WORKTREES_DISABLED', message: expect.stringContaining('A2UI_REPO') });
      const post = await request(plain.url).post('/api/worktrees').set(bearer(plain.token)).send({ agentName: '; rm', taskId: '1' });
      expect(post.status).toBe(503);
      const health = await request(plain.url).get('/api/health').set(bearer(plain.token));
      expect(health.body.plugins.worktree).toEqual({ status: 'disabled', detail: expect.stringContaining('not in a git repository') });
    } finally {
      await plain.close();
    }
  });
});

describe('screens', () => {
  afterEach(async () => {
    const list = await api().get('/api/worktrees').set(auth());
    for (const w of list.body.worktrees as Array<{ path: string; isMain: boolean }>) {
      if (!w.isMain) await api().delete(`/api/worktrees/${encoded(w.path)}?force=true&deleteBranch=true`).set(auth());
    }
  });

  async function onWorktrees(): Promise<LiveClient> {
    const client = await LiveClient.open(server.url, server.token);
    clients.push(client);
    await client.action('navigate', { to: '/worktrees' });
    return client;
  }

  test('a worktree made anywhere adds one row to every open list: a few adds, no list re-sent', async () => {
    await api().post('/api/worktrees').set(auth()).send({ agentName: 'screen', taskId: '0' }); // the list is not empty
    const watcher = await onWorktrees();
    const frameCount = watcher.frames.length;
    const created = await api().post('/api/worktrees').set(auth()).send({ agentName: 'screen', taskId: '1' });
    const key = WorktreeService.keyOf(created.body.path);
    await watcher.waitFor((doc) => `worktree-row-${key}` in doc.components);
    const ops = watcher.frames.slice(frameCount).flatMap((frame) => frame.ops);
    expect(ops.filter((op) => op.op !== 'add')).toEqual([]);
    const rowIds = ops.filter((op) => op.path.startsWith('/components/')).map((op) => op.path.split('/')[2]);
    // Every component op is the new row's, except the one entry added to the list's children.
    expect(rowIds.filter((id) => !id!.includes(key))).toEqual(['worktree-list']);
    expect(ops.find((op) => op.path.startsWith('/components/worktree-list/'))).toMatchObject({ path: '/components/worktree-list/children/2', value: `worktree-row-${key}` });
    expect(watcher.text(`worktree-row-${key}-branch`)).toBe('agent/screen/1');
    expect(watcher.text(`worktree-row-${key}-task`)).toBe('Agent screen · task 1');

    // Removing it through the REST API takes the row out of the screen again.
    await api().delete(`/api/worktrees/${encoded(created.body.path)}?deleteBranch=true`).set(auth());
    await watcher.waitFor((doc) => !(`worktree-row-${key}` in doc.components));
  });

  test('create_worktree and remove_worktree actions: toasts, navigation, form reset, errors in the dialog', async () => {
    const client = await onWorktrees();
    await client.action('navigate', { to: '/worktrees/new' });
    const form = client.doc!.dataModel.worktree as { forms: Record<string, unknown> };
    expect(Object.keys(form.forms)).toEqual([expect.stringMatching(/^f\d+$/)]);

    const bad = await client.action('create_worktree', { agent_name: '$(id)', task_id: '1' });
    expect(bad.status).toBe('error');
    expect(bad.error!.message).toMatch(/agentName "\$\(id\)" is not allowed/);
    expect(gitWorktreePaths(repo)).toEqual([repo]);

    const good = await client.action('create_worktree', { agent_name: 'ui', task_id: '7', task_title: 'Screens', base_branch: '' });
    expect(good.status).toBe('success');
    expect(client.route()).toBe('/worktrees');
    expect(client.toasts()).toContain('Created worktree agent/ui/7-screens.');
    const wtPath = path.join(repo, '.worktrees', 'ui-7-screens');
    expect(gitWorktreePaths(repo)).toContain(wtPath);
    const key = WorktreeService.keyOf(wtPath);

    fs.writeFileSync(path.join(wtPath, 'dirty.txt'), 'x');
    await client.action('refresh_worktrees', {});
    expect(client.text(`worktree-row-${key}-dirty`)).toBe('● modified');
    const refused = await client.action('remove_worktree', { path: wtPath, force: false, delete_branch: true });
    expect(refused.status).toBe('error');
    await client.waitFor((doc) => `worktree-remove-${key}-error` in doc.components);
    expect(client.text(`worktree-remove-${key}-error`)).toMatch(/uncommitted changes/);

    const removed = await client.action('remove_worktree', { path: wtPath, force: true, delete_branch: true });
    expect(removed.status).toBe('success');
    expect(client.toasts()).toContain('Removed worktree agent/ui/7-screens and deleted branch agent/ui/7-screens.');
    expect(`worktree-row-${key}` in client.doc!.components).toBe(false);
    expect(gitWorktreePaths(repo)).toEqual([repo]);

    // The form starts empty next time: it binds to a new data path.
    await client.action('navigate', { to: '/worktrees/new' });
    const next = client.doc!.dataModel.worktree as { forms: Record<string, Record<string, string>> };
    expect(Object.keys(next.forms)).not.toEqual(Object.keys(form.forms));
    expect(Object.values(next.forms)[0]).toEqual({ agent_name: '', task_id: '', task_title: '', base_branch: '' });
  });
});
