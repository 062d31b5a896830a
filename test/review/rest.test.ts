/**
 * The review endpoints on a real server over a real repository: diff (list and file pages), commit,
 * merge, discard and pull request in the one error shape, and hostile input refused with nothing
 * changed on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { installFakeGh, type FakeGh } from '../helpers/fake-gh';
import { gitIn, makeRepo } from '../helpers/git-repo';
import { bearer, startTestServer, tempDir, type TestServer } from '../helpers/server';
import { commitAll, repoState, writeFiles } from './helpers';

let server: TestServer;
let repo: string;
let gh: FakeGh;

beforeAll(async () => {
  repo = makeRepo();
  gh = installFakeGh();
  server = await startTestServer({ env: { A2UI_REPO: repo, PATH: gh.path, A2UI_RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await server.close();
});

const api = () => request(server.url);
const auth = () => bearer(server.token);
const at = (wt: string, what: string) => `/api/worktrees/${encodeURIComponent(wt)}/${what}`;

let task = 0;
async function newWorktree(): Promise<{ wt: string; branch: string }> {
  task += 1;
  const created = await api().post('/api/worktrees').set(auth()).send({ agentName: 'rest', taskId: String(task) });
  expect(created.status).toBe(201);
  return { wt: created.body.path, branch: created.body.branch };
}

test('diff lists the changed files, pages one file, and commit + squash merge land the change on main', async () => {
  const { wt, branch } = await newWorktree();
  writeFiles(wt, { 'src/new.txt': 'a\nb\n', 'README.md': '# test repo\nchanged\n' });

  const list = await api().get(at(wt, 'diff')).set(auth());
  expect(list.status).toBe(200);
  expect(list.body).toMatchObject({ success: true, against: 'head', worktree: { path: wt, branch }, additions: 3, deletions: 0, truncated: false });
  expect(list.body.files.map((f: { path: string; status: string }) => [f.path, f.status])).toEqual([['README.md', 'modified'], ['src/new.txt', 'added']]);

  const file = await api().get(at(wt, 'diff')).query({ file: 'README.md', pageSize: '1', page: '2' }).set(auth());
  expect(file.status).toBe(200);
  expect(file.body.diff).toMatchObject({ page: 2, pages: 2, totalLines: 2, pageSize: 1, omitted: null });
  expect(file.body.diff.hunks).toEqual([{ header: '@@ -1,1 +1,2 @@', oldStart: 1, oldLines: 1, newStart: 1, newLines: 2, lines: [{ kind: 'add', text: 'changed', oldNumber: null, newNumber: 2 }] }]);

  const commit = await api().post(at(wt, 'commit')).set(auth()).send({ message: 'Add new.txt and change the README' });
  expect(commit.status).toBe(201);
  expect(commit.body).toMatchObject({ success: true, files: ['README.md', 'src/new.txt'], commit: gitIn(wt, 'rev-parse', 'HEAD').trim() });

  const base = await api().get(at(wt, 'diff')).query({ against: 'base' }).set(auth());
  expect(base.body).toMatchObject({ against: 'base', base: 'main' });
  expect(base.body.files).toHaveLength(2);

  const merge = await api().post(at(wt, 'merge')).set(auth()).send({ strategy: 'squash', message: 'Squashed: new.txt' });
  expect(merge.status).toBe(200);
  expect(merge.body).toEqual({ success: true, strategy: 'squash', base: 'main', branch, commit: gitIn(repo, 'rev-parse', 'main').trim() });
  expect(fs.readFileSync(path.join(repo, 'src/new.txt'), 'utf8')).toBe('a\nb\n');
});

test('a conflicting merge is a 409 listing the files, with both worktrees unchanged', async () => {
  const { wt } = await newWorktree();
  writeFiles(wt, { 'conflict.txt': 'branch side\n' });
  commitAll(wt, 'branch side');
  writeFiles(repo, { 'conflict.txt': 'main side\n' });
  commitAll(repo, 'main side');
  const before = repoState(repo, wt);
  const res = await api().post(at(wt, 'merge')).set(auth()).send({ strategy: 'merge', message: 'm' });
  expect(res.status).toBe(409);
  expect(res.body).toEqual({ error: { code: 'CONFLICT', message: expect.stringContaining('conflicts in conflict.txt'), conflicts: ['conflict.txt'] } });
  expect(repoState(repo, wt)).toEqual(before);
});

test('discard restores and deletes the named files only', async () => {
  const { wt } = await newWorktree();
  writeFiles(wt, { 'README.md': 'scribbled\n', 'tmp.txt': 'tmp\n', 'keep.txt': 'keep\n' });
  const res = await api().post(at(wt, 'discard')).set(auth()).send({ files: ['README.md', 'tmp.txt'] });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ success: true, files: ['README.md', 'tmp.txt'] });
  expect(gitIn(wt, 'status', '--porcelain')).toBe('?? keep.txt\n');
});

test('pr: status, then push + gh pr create with the fake gh; the URL and state come back', async () => {
  const { wt, branch } = await newWorktree();
  const origin = path.join(tempDir('a2ui-origin-'), 'origin.git');
  gitIn(path.dirname(origin), 'init', '-q', '--bare', origin);
  gitIn(repo, 'remote', 'add', 'origin', origin);
  writeFiles(wt, { 'pr.txt': 'pr\n' });
  commitAll(wt, 'pr work');

  const status = await api().get(at(wt, 'pr')).set(auth());
  expect(status.body).toEqual({ success: true, gh: { available: true }, pull_request: null });
  const opened = await api().post(at(wt, 'pr')).set(auth()).send({ title: 'PR title', body: 'PR body' });
  expect(opened.status).toBe(201);
  expect(opened.body).toEqual({ success: true, url: 'https://github.com/owner/repo/pull/1', state: 'OPEN', created: true });
  expect(gh.calls()).toContainEqual(['pr', 'create', `--head=${branch}`, '--base=main', '--title=PR title', '--body=PR body']);
  expect(gitIn(repo, '--git-dir', origin, 'rev-parse', `refs/heads/${branch}`).trim()).toBe(gitIn(wt, 'rev-parse', 'HEAD').trim());
  expect((await api().get(at(wt, 'pr')).set(auth())).body.pull_request).toEqual({ url: 'https://github.com/owner/repo/pull/1', state: 'OPEN' });
});

describe('hostile input', () => {
  test('is refused (400) before git runs, in the one error shape, without server paths, and nothing changes on disk', async () => {
    const { wt } = await newWorktree();
    const outside = tempDir('a2ui-outside-');
    fs.writeFileSync(path.join(outside, 'victim.txt'), 'precious\n');
    writeFiles(wt, { 'mine.txt': 'mine\n' });
    const before = { ...repoState(repo, wt), outside: fs.readdirSync(outside) };
    const attempts: Array<[string, string, object | undefined, Record<string, string>?]> = [
      ['post', 'discard', { files: ['../../../README.md'] }],
      ['post', 'discard', { files: [path.join(outside, 'victim.txt')] }],
      ['post', 'discard', { files: ['--', '-rf'] }],
      ['post', 'discard', { files: ['.git/config'] }],
      ['post', 'discard', { files: ['README.md'] }],
      ['post', 'discard', { files: [] }],
      ['post', 'discard', { files: 'mine.txt' }],
      ['post', 'commit', { message: 'x', files: ['../x'] }],
      ['post', 'commit', { message: 'x', files: ['mine.txt'], extra: true }],
      ['post', 'commit', { message: 'x'.repeat(10_001) }],
      ['post', 'merge', { strategy: 'squash', base: '--upload-pack=touch /tmp/pwned' }],
      ['post', 'merge', { strategy: 'squash', base: '$(id)' }],
      ['post', 'merge', { strategy: 'rebase' }],
      ['post', 'merge', { strategy: 'squash', base: 'main\nx' }],
      ['post', 'pr', { base: '-h' }],
      ['get', 'diff', undefined, { file: '../../etc/passwd' }],
      ['get', 'diff', undefined, { file: '/etc/passwd' }],
      ['get', 'diff', undefined, { against: 'HEAD~1' }],
      ['get', 'diff', undefined, { base: '--output=/tmp/pwned', against: 'base' }],
      ['get', 'diff', undefined, { page: '-1', file: 'mine.txt' }],
      ['get', 'diff', undefined, { pageSize: '100000', file: 'mine.txt' }],
    ];
    for (const [method, what, body, query] of attempts) {
      const req = method === 'get' ? api().get(at(wt, what)).query(query ?? {}) : api().post(at(wt, what)).send(body);
      const res = await req.set(auth());
      expect([what, res.status]).toEqual([what, 400]);
      expect(res.body.error.code).toBe('INVALID_INPUT');
      expect(res.body.error.message).not.toContain(repo);
      expect(res.body.error.message).not.toContain(outside);
    }
    expect({ ...repoState(repo, wt), outside: fs.readdirSync(outside) }).toEqual(before);
    expect(fs.existsSync('/tmp/pwned')).toBe(false);
  });

  test('an unknown worktree is a 404 without an absolute path; a non-JSON body a 400', async () => {
    const missing = path.join(repo, '.worktrees', 'nope');
    for (const what of ['diff', 'pr']) {
      const res = await api().get(at(missing, what)).set(auth());
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringMatching(/^No worktree/) } });
      expect(res.body.error.message).not.toContain(repo);
    }
    const res = await api().post(at(missing, 'commit')).set(auth()).set('Content-Type', 'text/plain').send('message=hi');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect((await api().get(at(missing, 'diff'))).status).toBe(401);
  });
});

test('without a repository every review endpoint is 503 WORKTREES_DISABLED', async () => {
  const noRepo = await startTestServer({ env: { A2UI_REPO: tempDir('a2ui-norepo-') } });
  try {
    const res = await request(noRepo.url).get('/api/worktrees/x/diff').set(bearer(noRepo.token));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('WORKTREES_DISABLED');
  } finally {
    await noRepo.close();
  }
});

test('another repository path cannot be reviewed', async () => {
  const other = makeRepo();
  const res = await api().get(at(other, 'diff')).set(auth());
  expect(res.status).toBe(404);
});
