/**
 * Client mistakes in worktree requests are 400s, never 500s, and leave nothing on disk: `copyFiles`
 * naming a tracked file, `.git/config`, a path outside the repository, another worktree's file, a file
 * the new worktree's branch already has, or the same file twice. And no message of the worktree or
 * agent services shows an absolute path of the server's disk: they name paths relative to the
 * repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { api, startAgentServer, waitForStatus } from '../control/helpers';
import { gitBranches, gitIn, gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { tempDir, type TestServer } from '../helpers/server';

jest.setTimeout(60_000);

let server: TestServer;
let repo: string;
let outside: string;

beforeAll(async () => {
  repo = makeRepo();
  outside = tempDir('a2ui-outside-');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'not yours');
  fs.writeFileSync(path.join(repo, '.env'), 'SECRET=1\n');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(repo, 'link-out'));
  fs.symlinkSync(path.join(repo, '.git', 'config'), path.join(repo, 'link-to-git-config'));
  server = await startAgentServer({ repo });
});
afterAll(() => server.close());

/** Everything a refused create must leave alone. */
function diskState() {
  const base = path.join(repo, '.worktrees');
  return { worktrees: gitWorktreePaths(repo), branches: gitBranches(repo), base: fs.existsSync(base) ? fs.readdirSync(base).sort() : [] };
}

/** No absolute path of this machine: not the repository, not the temp folder, not any other (what the client sent may be echoed). */
function expectNoServerPath(message: string, sent: readonly string[] = []): void {
  for (const own of sent) message = message.split(own).join('');
  expect(message).not.toContain(repo);
  expect(message).not.toContain(outside);
  expect(message).not.toMatch(/(^|[\s'"(])\/(tmp|home|root|usr|etc|var|work)\b/);
}

test.each([
  ['a tracked file', ['README.md'], /README\.md is tracked by git/],
  ['.git/config', ['.git/config'], /inside \.git/],
  ['a link into .git', ['link-to-git-config'], /inside \.git/],
  ['a path outside the repository', ['../outside.txt'], /relative path inside the repository/],
  ['an absolute path', ['/etc/passwd'], /relative path inside the repository/],
  ['a link out of the repository', ['link-out'], /leads outside the repository/],
  ['the same file twice', ['.env', '.env'], /twice/],
  ['a missing file', ['nope.env'], /does not exist/],
])('copyFiles naming %s is a 400 INVALID_INPUT and makes nothing', async (_what, copyFiles, message) => {
  const before = diskState();
  const res = await api(server).post('/api/worktrees', { agentName: 'demo', taskId: 'copy', copyFiles });
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(message) } });
  expectNoServerPath(res.body.error.message, copyFiles);
  expect(diskState()).toEqual(before);
});

test("copyFiles naming another worktree's file is a 400: only the main worktree's own files", async () => {
  const other = await api(server).post('/api/worktrees', { agentName: 'demo', taskId: 'other' });
  expect(other.status).toBe(201);
  fs.writeFileSync(path.join(other.body.path, '.env'), 'OTHER=1\n');
  const before = diskState();
  const res = await api(server).post('/api/worktrees', { agentName: 'demo', taskId: 'steal', copyFiles: ['.worktrees/demo-other/.env'] });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('.worktrees/') });
  expect(diskState()).toEqual(before);
  expect((await api(server).delete(`/api/worktrees/${encodeURIComponent(other.body.path)}?force=true&deleteBranch=true`)).status).toBe(200);
});

test('a file the base branch tracks (untracked in the main worktree) is a 400, and the half-made worktree is undone', async () => {
  // On branch `with-config`, config.json is tracked; in the main worktree it is an untracked file.
  gitIn(repo, 'checkout', '-q', '-b', 'with-config');
  fs.writeFileSync(path.join(repo, 'config.json'), '{"tracked": true}');
  gitIn(repo, 'add', 'config.json');
  gitIn(repo, 'commit', '-q', '-m', 'config');
  gitIn(repo, 'checkout', '-q', 'main');
  fs.writeFileSync(path.join(repo, 'config.json'), '{"local": true}');
  const before = diskState();
  const res = await api(server).post('/api/worktrees', { agentName: 'demo', taskId: 'cfg', baseBranch: 'with-config', copyFiles: ['config.json'] });
  expect(res.status).toBe(400);
  expect(res.body.error).toEqual({ code: 'INVALID_INPUT', message: 'copyFiles: config.json is already in the new worktree (its branch tracks it).' });
  expect(diskState()).toEqual(before);
  fs.rmSync(path.join(repo, 'config.json'));
});

test('refusals name worktrees relative to the repository', async () => {
  const made = await api(server).post('/api/worktrees', { agentName: 'demo', taskId: 'names' });
  const wt = made.body.path as string;
  fs.writeFileSync(path.join(wt, 'dirty.txt'), 'x');
  const messages: string[] = [];
  const dirty = await api(server).delete(`/api/worktrees/${encodeURIComponent(wt)}`);
  expect(dirty.body.error).toEqual({ code: 'CONFLICT', message: 'The worktree .worktrees/demo-names has uncommitted changes; remove it with force to discard them.' });
  messages.push(dirty.body.error.message);
  gitIn(repo, 'worktree', 'lock', wt);
  const locked = await api(server).delete(`/api/worktrees/${encodeURIComponent(wt)}`);
  expect(locked.body.error.message).toBe('The worktree .worktrees/demo-names is locked; remove it with force to override the lock.');
  messages.push(locked.body.error.message);
  gitIn(repo, 'worktree', 'unlock', wt);
  const taken = await api(server).post('/api/worktrees', { agentName: 'x', taskId: '1', customBranch: 'agent/demo/names' });
  expect(taken.body.error).toEqual({ code: 'CONFLICT', message: 'Branch agent/demo/names is already checked out in the worktree .worktrees/demo-names.' });
  messages.push(taken.body.error.message);
  for (const missing of [path.join(repo, '.worktrees', 'nope'), path.join(outside, 'x')]) {
    const res = await api(server).get(`/api/worktrees/${encodeURIComponent(missing)}`);
    expect(res.status).toBe(404);
    messages.push(res.body.error.message);
  }
  expect(messages.at(-2)).toBe('No worktree at .worktrees/nope.');
  // The agent services: a start in a folder that is gone, a resume whose folder is gone.
  const start = await api(server).post('/api/agents/demo/start', { worktree: wt, prompt: 'hello' });
  expect(start.status).toBe(201);
  await api(server).post('/api/agents/demo/stop').expect(200);
  await waitForStatus(server, 'demo', 'terminated');
  expect((await api(server).delete(`/api/worktrees/${encodeURIComponent(wt)}?force=true`)).status).toBe(200);
  const resume = await api(server).post('/api/agents/demo/resume');
  expect(resume.body.error).toEqual({ code: 'CONFLICT', message: "The session's working directory (.worktrees/demo-names) does not exist." });
  messages.push(resume.body.error.message);
  for (const message of messages) expectNoServerPath(message);
});
