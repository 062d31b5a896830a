/**
 * The worktree service against real temporary git repositories: names, paths, metadata, copies,
 * collisions, removal rules, concurrency, hostile input, and a directory that is not a repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PluginError } from '../../agents/errors';
import { WorktreeService, type WorktreeMetadataFile } from '../../agents/worktree/service';
import { openStore } from '../../server/app/store';
import { gitBranches, gitIn, gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { tempDir } from '../helpers/server';

async function open(repo = makeRepo(), dataDir = tempDir()) {
  const store = await openStore<WorktreeMetadataFile>(path.join(dataDir, 'worktrees.json'), { worktrees: {} });
  const service = await WorktreeService.open({ repo, store });
  return { repo, dataDir, service };
}

/** Awaits a promise that must fail with a PluginError of `code`; answers its message. */
async function refused(promise: Promise<unknown>, code: string): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PluginError);
  expect((error as PluginError).code).toBe(code);
  return (error as PluginError).message;
}

/** Everything on disk that a refused operation must leave alone. */
function diskState(repo: string) {
  const base = path.join(repo, '.worktrees');
  return {
    worktrees: gitWorktreePaths(repo),
    branches: gitBranches(repo),
    base: fs.existsSync(base) ? fs.readdirSync(base).sort() : null,
  };
}

describe('create', () => {
  test('makes branch agent/<agent>/<task>-<slug> in .worktrees/, records who and when, and lists it', async () => {
    const { repo, service } = await open();
    const result = await service.create({ agentName: 'Bob', taskId: '42', taskTitle: 'Fix the Login Bug!! (ünïcode) and much more text' });
    expect(result.branch).toBe('agent/bob/42-fix-the-login-bug-n-code-and-m');
    expect(result.branch.split('/')[2]!.length).toBeLessThanOrEqual('42-'.length + 30);
    expect(result.path).toBe(path.join(repo, '.worktrees', 'bob-42-fix-the-login-bug-n-code-and-m'));
    expect(result.branchCreated).toBe(true);
    expect(fs.existsSync(path.join(result.path, 'README.md'))).toBe(true);
    expect(gitIn(result.path, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(result.branch);

    expect(result.worktree).toMatchObject({ path: result.path, branch: result.branch, isMain: false, state: 'active', agentName: 'Bob', taskId: '42', dirty: false });
    expect(Date.parse(result.worktree.createdAt!)).not.toBeNaN();
    expect(result.worktree.head).toBe(gitIn(repo, 'rev-parse', 'HEAD').trim());

    const list = await service.list();
    expect(list.map((w) => w.path).sort()).toEqual(gitWorktreePaths(repo));
    expect(list[0]).toMatchObject({ path: repo, isMain: true, branch: 'main', agentName: null, dirty: false });
    // .worktrees/ is excluded, so the main worktree does not turn dirty because of it.
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
  });

  test('without a title the branch is agent/<agent>/<task>; metadata survives a reopen', async () => {
    const { repo, dataDir, service } = await open();
    const result = await service.create({ agentName: 'ci_bot', taskId: 'T-7' });
    expect(result.branch).toBe('agent/ci-bot/t-7');
    await service.close();
    const reopened = await open(repo, dataDir);
    expect(await reopened.service.get(result.path)).toMatchObject({ agentName: 'ci_bot', taskId: 'T-7', createdAt: result.worktree.createdAt });
    // get also takes a path relative to the repository
    expect((await reopened.service.get('.worktrees/ci_bot-t-7'.replace('ci_bot', 'ci-bot'))).path).toBe(result.path);
  });

  test('customBranch, customPath and baseBranch; an existing custom branch is checked out, not created', async () => {
    const { repo, service } = await open();
    gitIn(repo, 'branch', 'release');
    fs.writeFileSync(path.join(repo, 'extra.txt'), 'x');
    gitIn(repo, 'add', 'extra.txt');
    gitIn(repo, 'commit', '-q', '-m', 'second');

    const fromRelease = await service.create({ agentName: 'a', taskId: '1', customBranch: 'feature/one', customPath: 'one', baseBranch: 'release' });
    expect(fromRelease).toMatchObject({ branch: 'feature/one', path: path.join(repo, '.worktrees', 'one'), branchCreated: true });
    expect(fs.existsSync(path.join(fromRelease.path, 'extra.txt'))).toBe(false); // started at release, before "second"

    const existing = await service.create({ agentName: 'a', taskId: '2', customBranch: 'release' });
    expect(existing.branchCreated).toBe(false);
    expect(gitIn(existing.path, 'rev-parse', 'HEAD').trim()).toBe(gitIn(repo, 'rev-parse', 'release').trim());
  });

  test('copyFiles copies untracked files such as .env; a missing or escaping file refuses before anything is made', async () => {
    const { repo, service } = await open();
    fs.writeFileSync(path.join(repo, '.env'), 'SECRET=1\n');
    fs.mkdirSync(path.join(repo, 'config'));
    fs.writeFileSync(path.join(repo, 'config', 'local.json'), '{}');
    const result = await service.create({ agentName: 'a', taskId: '1', copyFiles: ['.env', 'config/local.json'] });
    expect(fs.readFileSync(path.join(result.path, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(fs.existsSync(path.join(result.path, 'config', 'local.json'))).toBe(true);

    const outside = path.join(tempDir(), 'secret');
    fs.writeFileSync(outside, 'nope');
    fs.symlinkSync(outside, path.join(repo, 'link-out'));
    const before = diskState(repo);
    expect(await refused(service.create({ agentName: 'a', taskId: '2', copyFiles: ['missing.env'] }), 'INVALID_INPUT')).toMatch(/does not exist/);
    expect(await refused(service.create({ agentName: 'a', taskId: '3', copyFiles: ['link-out'] }), 'INVALID_INPUT')).toMatch(/outside the repository/);
    expect(await refused(service.create({ agentName: 'a', taskId: '4', copyFiles: ['config'] }), 'INVALID_INPUT')).toMatch(/not a regular file/);
    expect(diskState(repo)).toEqual(before);
  });

  test('branch collisions: the same task twice, a taken custom branch, and git`s a/b vs a/b/c rule are 409s', async () => {
    const { repo, service } = await open();
    const first = await service.create({ agentName: 'bob', taskId: '1', taskTitle: 'x' });
    const before = diskState(repo);
    expect(await refused(service.create({ agentName: 'bob', taskId: '1', taskTitle: 'x' }), 'CONFLICT')).toMatch(/already/);
    expect(await refused(service.create({ agentName: 'eve', taskId: '9', customBranch: first.branch }), 'CONFLICT')).toMatch(/checked out/);
    gitIn(repo, 'branch', 'agent/zed');
    const withPrefix = diskState(repo);
    expect(await refused(service.create({ agentName: 'zed', taskId: '1' }), 'CONFLICT')).toMatch(/agent\/zed\/1/);
    expect(diskState(repo)).toEqual(withPrefix);
    expect(before.worktrees).toEqual(withPrefix.worktrees);
  });

  test('an unknown base branch is a 400', async () => {
    const { repo, service } = await open();
    const before = diskState(repo);
    expect(await refused(service.create({ agentName: 'a', taskId: '1', baseBranch: 'no-such-branch' }), 'INVALID_INPUT')).toMatch(/does not name a commit/);
    expect(diskState(repo)).toEqual(before);
  });

  test('a stale directory is cleared and git worktree prune runs before an add', async () => {
    const { repo, dataDir, service } = await open();
    const gone = await service.create({ agentName: 'a', taskId: '1' });
    fs.rmSync(gone.path, { recursive: true, force: true }); // deleted behind git's back
    expect((await service.get(gone.path)).state).toBe('prunable');
    fs.mkdirSync(path.join(repo, '.worktrees', 'a-2'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.worktrees', 'a-2', 'leftover.txt'), 'stale');

    const fresh = await service.create({ agentName: 'a', taskId: '2' });
    expect(fs.existsSync(path.join(fresh.path, 'leftover.txt'))).toBe(false);
    const metadata = JSON.parse(fs.readFileSync(path.join(dataDir, 'worktrees.json'), 'utf8')) as WorktreeMetadataFile;
    expect(Object.keys(metadata.worktrees)).toEqual([fresh.path]); // the pruned one's record went too
    expect(gitWorktreePaths(repo)).toEqual([repo, fresh.path].sort()); // the pruned one is gone from git too
  });
});

describe('remove', () => {
  test('a clean worktree goes; its branch stays unless deleteBranch', async () => {
    const { repo, service } = await open();
    const one = await service.create({ agentName: 'a', taskId: '1' });
    const two = await service.create({ agentName: 'a', taskId: '2' });
    expect(await service.remove(one.path)).toEqual({ path: one.path, branch: one.branch, branchDeleted: false });
    expect(gitBranches(repo)).toContain(one.branch);
    expect(await service.remove(two.path, { deleteBranch: true })).toMatchObject({ branchDeleted: true });
    expect(gitBranches(repo)).not.toContain(two.branch);
    expect(gitWorktreePaths(repo)).toEqual([repo]);
    await refused(service.get(one.path), 'NOT_FOUND');
  });

  test('a dirty worktree needs force; an unmerged branch needs force to be deleted', async () => {
    const { repo, service } = await open();
    const wt = await service.create({ agentName: 'a', taskId: '1' });
    fs.writeFileSync(path.join(wt.path, 'new-file.txt'), 'work in progress');
    expect((await service.get(wt.path)).dirty).toBe(true);
    expect(await refused(service.remove(wt.path), 'CONFLICT')).toMatch(/uncommitted changes/);
    expect(fs.existsSync(path.join(wt.path, 'new-file.txt'))).toBe(true);

    gitIn(wt.path, 'add', '.');
    gitIn(wt.path, 'commit', '-q', '-m', 'agent work');
    expect((await service.get(wt.path)).dirty).toBe(false);
    expect(await refused(service.remove(wt.path, { deleteBranch: true }), 'CONFLICT')).toMatch(/not merged/);
    expect(gitWorktreePaths(repo)).toContain(wt.path);

    expect(await service.remove(wt.path, { deleteBranch: true, force: true })).toMatchObject({ branchDeleted: true });
    expect(gitBranches(repo)).toEqual(['main']);
  });

  test('a locked worktree needs force (git wants -f -f)', async () => {
    const { repo, service } = await open();
    const wt = await service.create({ agentName: 'a', taskId: '1' });
    gitIn(repo, 'worktree', 'lock', wt.path);
    expect((await service.get(wt.path)).state).toBe('locked');
    expect(await refused(service.remove(wt.path), 'CONFLICT')).toMatch(/locked/);
    await service.remove(wt.path, { force: true });
    expect(gitWorktreePaths(repo)).toEqual([repo]);
  });

  test('force removes a dirty worktree', async () => {
    const { repo, service } = await open();
    const wt = await service.create({ agentName: 'a', taskId: '1' });
    fs.writeFileSync(path.join(wt.path, 'README.md'), 'changed');
    await service.remove(wt.path, { force: true });
    expect(fs.existsSync(wt.path)).toBe(false);
    expect(gitWorktreePaths(repo)).toEqual([repo]);
  });

  test('the main worktree cannot be removed; a guard (a running agent) refuses with its reason', async () => {
    const { repo, service } = await open();
    expect(await refused(service.remove(repo), 'INVALID_INPUT')).toMatch(/main worktree/);
    const wt = await service.create({ agentName: 'a', taskId: '1' });
    const release = service.addRemovalGuard((p) => (p === wt.path ? 'Agent demo is running in this worktree.' : undefined));
    expect(await refused(service.remove(wt.path, { force: true }), 'CONFLICT')).toBe('Agent demo is running in this worktree.');
    release();
    await service.remove(wt.path);
  });

  test('change listeners get the new list after a create and a remove', async () => {
    const { service } = await open();
    const seen: number[] = [];
    service.onChange((list) => seen.push(list.length));
    const wt = await service.create({ agentName: 'a', taskId: '1' });
    await service.remove(wt.path);
    expect(seen).toEqual([2, 1]);
  });
});

test('10 concurrent creates: each succeeds or fails cleanly, and git always agrees with our list', async () => {
  const { repo, service } = await open();
  // Seven distinct tasks and three repeats of task 0: exactly seven can win.
  const inputs = Array.from({ length: 10 }, (_, i) => ({ agentName: 'swarm', taskId: String(i < 7 ? i : 0) }));
  const results = await Promise.allSettled(inputs.map((input) => service.create(input)));
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(won).toHaveLength(7);
  for (const failure of lost) expect(failure.reason).toMatchObject({ code: 'CONFLICT' });

  const listed = (await service.list()).map((w) => w.path).sort();
  expect(listed).toEqual(gitWorktreePaths(repo));
  expect(listed).toHaveLength(8);
  expect(gitBranches(repo).filter((b) => b.startsWith('agent/swarm/'))).toHaveLength(7);
  // Concurrent removes of everything, interleaved with lists that must always match git.
  const removes = (await service.list()).filter((w) => !w.isMain).map((w) => service.remove(w.path, { deleteBranch: true }));
  const lists = Array.from({ length: 3 }, () => service.list());
  await Promise.all(removes);
  for (const list of await Promise.all(lists)) expect(list.length).toBeGreaterThanOrEqual(1);
  expect((await service.list()).map((w) => w.path)).toEqual(gitWorktreePaths(repo));
  expect(gitWorktreePaths(repo)).toEqual([repo]);
});

describe('hostile input is refused with a clear message and changes nothing on disk', () => {
  const HOSTILE = ['; rm -rf ~', '$(id)', '`id`', '../../etc', '..', 'a\nb', 'x'.repeat(10_000), 'ünïcødé', '-rf', '.hidden', 'a b', 'a/../../b', ''];

  test.each(['agentName', 'taskId'] as const)('%s', async (field) => {
    const { repo, service } = await open();
    const before = diskState(repo);
    for (const value of HOSTILE) {
      const message = await refused(service.create({ agentName: 'ok', taskId: 'ok', [field]: value }), 'INVALID_INPUT');
      expect(message).toContain(field);
      expect(message.length).toBeLessThan(300); // a 10,000-character name is not echoed back whole
    }
    expect(diskState(repo)).toEqual(before);
  });

  test.each(['customBranch', 'baseBranch'] as const)('%s', async (field) => {
    const { repo, service } = await open();
    const before = diskState(repo);
    for (const value of [...HOSTILE, 'a..b', 'a//b', 'a.lock', 'refs/heads/../x', 'x/', 'a@{1}', 'a~1', 'a^']) {
      expect(await refused(service.create({ agentName: 'ok', taskId: 'ok', [field]: value }), 'INVALID_INPUT')).toMatch(/branch/);
    }
    expect(diskState(repo)).toEqual(before);
  });

  test('customPath: no .., no absolute path, no nested path, no symlink out of the base', async () => {
    const { repo, service } = await open();
    await service.create({ agentName: 'seed', taskId: '1' }); // creates .worktrees/
    const outside = tempDir();
    fs.symlinkSync(outside, path.join(repo, '.worktrees', 'evil'));
    const before = diskState(repo);
    for (const value of [...HOSTILE, '/etc', '/tmp/x', 'a/b', '../outside']) {
      await refused(service.create({ agentName: 'ok', taskId: 'ok', customPath: value }), 'INVALID_INPUT');
    }
    expect(await refused(service.create({ agentName: 'ok', taskId: 'ok', customPath: 'evil' }), 'INVALID_INPUT')).toMatch(/symbolic link/);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(diskState(repo)).toEqual(before);
  });

  test('a .worktrees base that links out of the repository is refused', async () => {
    const { repo, service } = await open();
    const outside = tempDir();
    fs.symlinkSync(outside, path.join(repo, '.worktrees'));
    expect(await refused(service.create({ agentName: 'a', taskId: '1' }), 'INVALID_INPUT')).toMatch(/link out of the repository/);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(gitWorktreePaths(repo)).toEqual([repo]);
  });

  test('taskTitle: line breaks and control characters refused, any other text slugified', async () => {
    const { repo, service } = await open();
    const before = diskState(repo);
    for (const value of ['a\nb', 'tab\there', 'nul\0', 'x'.repeat(201)]) {
      await refused(service.create({ agentName: 'ok', taskId: 'ok', taskTitle: value }), 'INVALID_INPUT');
    }
    expect(diskState(repo)).toEqual(before);
    const made = await service.create({ agentName: 'ok', taskId: '1', taskTitle: '; rm -rf ~ $(id) `id`' });
    expect(made.branch).toBe('agent/ok/1-rm-rf-id-id');
  });

  test('remove and get take only listed worktrees: other paths are 404s, nothing is deleted', async () => {
    const { repo, service } = await open();
    const victim = tempDir();
    fs.writeFileSync(path.join(victim, 'keep.txt'), 'keep');
    for (const value of [victim, '../../etc', '/etc', '.worktrees/../..', 'README.md']) {
      await refused(service.remove(value, { force: true }), 'NOT_FOUND');
      await refused(service.get(value), 'NOT_FOUND');
    }
    await refused(service.get('bad\0path'), 'INVALID_INPUT');
    expect(fs.readFileSync(path.join(victim, 'keep.txt'), 'utf8')).toBe('keep');
    expect(fs.existsSync(path.join(repo, 'README.md'))).toBe(true);
  });
});

test('a directory that is not a git repository disables the service with a reason', async () => {
  const { service } = await open(tempDir());
  expect(service.enabled).toBe(false);
  expect(service.disabledReason).toMatch(/not in a git repository/);
  await refused(service.list(), 'WORKTREES_DISABLED');
  await refused(service.create({ agentName: 'a', taskId: '1' }), 'WORKTREES_DISABLED');
});
