/**
 * The review core against real repositories: the changed files and their diffs (both comparisons),
 * commit, merge (all three strategies, and every refusal leaving the repository as it was), discard,
 * and hostile input refused before git runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mainUserOnly } from '../../agents/roles';
import { gitIn } from '../helpers/git-repo';
import { commitAll, openReview, refused, repoState, writeFiles } from './helpers';

async function withWorktree(options: Parameters<typeof openReview>[0] = {}) {
  const opened = await openReview(options);
  const created = await opened.worktrees.create(mainUserOnly.actor('local'), { agentName: 'demo', taskId: '1', taskTitle: 'review me' });
  return { ...opened, wt: created.path, branch: created.branch };
}

describe('changes', () => {
  test('against the last commit: modified, added (untracked), deleted, renamed and binary files with their counts', async () => {
    const { review, wt } = await withWorktree();
    writeFiles(wt, { 'src/a.txt': 'one\ntwo\nthree\n', 'old name.txt': 'same\ncontent\nhere\n', 'gone.txt': 'bye\n' });
    commitAll(wt, 'files');
    writeFiles(wt, { 'src/a.txt': 'one\nTWO\nthree\nfour\n', 'new file.txt': 'n1\nn2', 'pic.bin': Buffer.from([0, 1, 2, 0, 255]) });
    fs.rmSync(path.join(wt, 'gone.txt'));
    gitIn(wt, 'mv', 'old name.txt', 'renamed "name".txt');

    const changes = await review.changes('local', wt, { against: 'head' });
    expect(changes.files).toEqual([
      { path: 'gone.txt', oldPath: null, status: 'deleted', additions: 0, deletions: 1, binary: false, untracked: false },
      { path: 'new file.txt', oldPath: null, status: 'added', additions: 2, deletions: 0, binary: false, untracked: true },
      { path: 'pic.bin', oldPath: null, status: 'added', additions: 0, deletions: 0, binary: true, untracked: true },
      { path: 'renamed "name".txt', oldPath: 'old name.txt', status: 'renamed', additions: 0, deletions: 0, binary: false, untracked: false },
      { path: 'src/a.txt', oldPath: null, status: 'modified', additions: 2, deletions: 1, binary: false, untracked: false },
    ]);
    expect(changes).toMatchObject({ against: 'head', base: null, additions: 4, deletions: 2, truncated: false, to: null });

    const diff = await review.fileDiff('local', wt, { against: 'head', file: 'src/a.txt' });
    expect(diff).toMatchObject({ page: 1, pages: 1, totalLines: 5, omitted: null });
    expect(diff.hunks).toEqual([
      {
        header: '@@ -1,3 +1,4 @@',
        oldStart: 1,
        oldLines: 3,
        newStart: 1,
        newLines: 4,
        lines: [
          { kind: 'context', text: 'one', oldNumber: 1, newNumber: 1 },
          { kind: 'delete', text: 'two', oldNumber: 2, newNumber: null },
          { kind: 'add', text: 'TWO', oldNumber: null, newNumber: 2 },
          { kind: 'context', text: 'three', oldNumber: 3, newNumber: 3 },
          { kind: 'add', text: 'four', oldNumber: null, newNumber: 4 },
        ],
      },
    ]);
    const added = await review.fileDiff('local', wt, { against: 'head', file: 'new file.txt' });
    expect(added.hunks![0]!.lines).toEqual([
      { kind: 'add', text: 'n1', oldNumber: null, newNumber: 1 },
      { kind: 'add', text: 'n2', oldNumber: null, newNumber: 2, noNewline: true },
    ]);
    expect(await review.fileDiff('local', wt, { against: 'head', file: 'pic.bin' })).toMatchObject({ hunks: null, omitted: 'binary' });
    expect((await review.fileDiff('local', wt, { against: 'head', file: 'renamed "name".txt' })).hunks).toEqual([]);
    expect((await review.fileDiff('local', wt, { against: 'head', file: 'gone.txt' })).hunks![0]!.lines).toEqual([{ kind: 'delete', text: 'bye', oldNumber: 1, newNumber: null }]);
  });

  test('against the base branch: the commits since the merge-base, not what main did meanwhile nor uncommitted work', async () => {
    const { review, wt, repo } = await withWorktree();
    writeFiles(wt, { 'feature.txt': 'f\n' });
    commitAll(wt, 'feature');
    writeFiles(repo, { 'main-only.txt': 'm\n' });
    commitAll(repo, 'main moves on');
    writeFiles(wt, { 'scratch.txt': 'not committed\n' });

    const changes = await review.changes('local', wt, { against: 'base' });
    expect(changes.base).toBe('main');
    expect(changes.files.map((f) => [f.path, f.status])).toEqual([['feature.txt', 'added']]);
    expect(changes.from).toBe(gitIn(wt, 'merge-base', 'main', 'HEAD').trim());
    const diff = await review.fileDiff('local', wt, { against: 'base', file: 'feature.txt' });
    expect(diff.hunks![0]!.lines).toEqual([{ kind: 'add', text: 'f', oldNumber: null, newNumber: 1 }]);
  });

  test('a large diff comes in pages; a hunk cut by a page keeps its header and its line numbers', async () => {
    const { review, wt } = await withWorktree();
    const lines = Array.from({ length: 1200 }, (_, i) => `line ${i + 1}`);
    writeFiles(wt, { 'big.txt': `${lines.join('\n')}\n` });
    const first = await review.fileDiff('local', wt, { against: 'head', file: 'big.txt', pageSize: 500 });
    expect(first).toMatchObject({ page: 1, pages: 3, totalLines: 1200, pageSize: 500 });
    expect(first.hunks![0]!.lines).toHaveLength(500);
    const third = await review.fileDiff('local', wt, { against: 'head', file: 'big.txt', pageSize: 500, page: 3 });
    expect(third.hunks![0]!.header).toBe('@@ -0,0 +1,1200 @@');
    expect(third.hunks![0]!.lines).toHaveLength(200);
    expect(third.hunks![0]!.lines[0]).toEqual({ kind: 'add', text: 'line 1001', oldNumber: null, newNumber: 1001 });
    // Past the last page: the last page.
    expect((await review.fileDiff('local', wt, { against: 'head', file: 'big.txt', pageSize: 500, page: 99 })).page).toBe(3);
  });
});

describe('commit', () => {
  test('commits the picked files only (a rename with its old path), then the rest with the agent result as message', async () => {
    const { review, wt } = await withWorktree({ session: { lastResult: 'Added the parser\n\nDetails follow.', prompt: 'write a parser' } });
    writeFiles(wt, { 'a.txt': 'a\n', 'b.txt': 'b\n', 'keep.txt': 'k\n' });
    commitAll(wt, 'base files');
    gitIn(wt, 'mv', 'keep.txt', 'kept.txt');
    writeFiles(wt, { 'a.txt': 'A\n', 'c.txt': 'c\n' });

    const first = await review.commit('local', wt, { message: 'Only a and the rename', files: ['a.txt', 'kept.txt'] });
    expect(first.files).toEqual(['a.txt', 'kept.txt']);
    expect(gitIn(wt, 'show', '--name-status', '--format=%s', 'HEAD').trim().split('\n')).toEqual(['Only a and the rename', '', 'M\ta.txt', 'R100\tkeep.txt\tkept.txt']);
    expect(gitIn(wt, 'status', '--porcelain')).toBe('?? c.txt\n');

    const second = await review.commit('local', wt, {});
    expect(second.message).toBe('Added the parser\n\nDetails follow.');
    expect(gitIn(wt, 'log', '-1', '--format=%B').trim()).toBe('Added the parser\n\nDetails follow.');
    expect(gitIn(wt, 'status', '--porcelain')).toBe('');
    await refused(review.commit('local', wt, { message: 'again' }), 'CONFLICT');
  });

  test('without a message and without an agent result, nothing is committed', async () => {
    const { review, wt } = await withWorktree();
    writeFiles(wt, { 'x.txt': 'x\n' });
    const before = repoState(wt);
    expect((await refused(review.commit('local', wt, {}), 'INVALID_INPUT')).message).toMatch(/message is empty/);
    expect(repoState(wt)).toEqual(before);
  });
});

describe('merge', () => {
  async function branchWithCommit(options: Parameters<typeof openReview>[0] = {}) {
    const opened = await withWorktree(options);
    writeFiles(opened.wt, { 'feature.txt': 'feature\n', 'README.md': '# test repo\nmore\n' });
    commitAll(opened.wt, 'feature work');
    writeFiles(opened.wt, { 'second.txt': '2\n' });
    commitAll(opened.wt, 'second commit');
    return opened;
  }

  test('fast-forward moves main to the branch', async () => {
    const { review, wt, repo, branch } = await branchWithCommit();
    const result = await review.merge('local', wt, { strategy: 'ff' });
    expect(result).toEqual({ strategy: 'ff', base: 'main', branch, commit: gitIn(wt, 'rev-parse', 'HEAD').trim() });
    expect(gitIn(repo, 'rev-parse', 'main').trim()).toBe(result.commit);
    expect(fs.readFileSync(path.join(repo, 'feature.txt'), 'utf8')).toBe('feature\n');
  });

  test('squash makes one commit on main with the message; a merge commit has two parents', async () => {
    const { review, wt, repo } = await branchWithCommit({ session: { lastResult: 'Feature done: parser and docs', prompt: null } });
    writeFiles(repo, { 'other.txt': 'main side\n' });
    commitAll(repo, 'main moves');
    const before = gitIn(repo, 'rev-parse', 'main').trim();
    const squashed = await review.merge('local', wt, { strategy: 'squash' });
    expect(gitIn(repo, 'rev-list', '--parents', '-1', 'main').trim().split(' ')).toEqual([squashed.commit, before]);
    expect(gitIn(repo, 'log', '-1', '--format=%s', 'main').trim()).toBe('Feature done: parser and docs');
    expect(gitIn(repo, 'show', '--name-only', '--format=', 'main').trim().split('\n').sort()).toEqual(['README.md', 'feature.txt', 'second.txt']);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');

    writeFiles(wt, { 'third.txt': '3\n' });
    commitAll(wt, 'third');
    const merged = await review.merge('local', wt, { strategy: 'merge', message: 'Merge the third' });
    expect(gitIn(repo, 'rev-list', '--parents', '-1', 'main').trim().split(' ')).toHaveLength(3);
    expect(merged.commit).toBe(gitIn(repo, 'rev-parse', 'main').trim());
  });

  test('a conflicting merge is refused with the files listed, and both worktrees stay exactly as they were', async () => {
    const { review, wt, repo } = await branchWithCommit();
    writeFiles(repo, { 'README.md': '# test repo\nmain changed this line\n', 'feature.txt': 'main has its own\n' });
    commitAll(repo, 'main conflicts');
    const before = repoState(repo, wt);
    for (const strategy of ['merge', 'squash'] as const) {
      const error = await refused(review.merge('local', wt, { strategy, message: 'm' }), 'CONFLICT');
      expect(error.message).toMatch(/conflicts in README\.md, feature\.txt\. Nothing was merged\./);
      expect(error.details).toEqual({ conflicts: ['README.md', 'feature.txt'] });
      expect(repoState(repo, wt)).toEqual(before);
    }
    expect((await refused(review.merge('local', wt, { strategy: 'ff' }), 'CONFLICT')).message).toMatch(/cannot be fast-forwarded/);
    expect(repoState(repo, wt)).toEqual(before);
  });

  test('a merge git itself refuses half-way (a hook says no) is undone: both worktrees as they were', async () => {
    const { review, wt, repo } = await branchWithCommit();
    writeFiles(repo, { 'other.txt': 'main side\n' });
    commitAll(repo, 'main moves');
    const hooks = path.join(repo, '.git', 'hooks');
    fs.mkdirSync(hooks, { recursive: true });
    fs.writeFileSync(path.join(hooks, 'pre-commit'), '#!/bin/sh\necho "policy: no commits today" >&2\nexit 1\n', { mode: 0o755 });
    const before = repoState(repo, wt);
    const error = await refused(review.merge('local', wt, { strategy: 'squash', message: 'm' }), 'CONFLICT');
    expect(error.message).toMatch(/policy: no commits today/);
    expect(error.message).not.toContain(repo);
    expect(repoState(repo, wt)).toEqual(before);
  });

  test('a dirty base worktree or uncommitted work in the branch refuses the merge and changes nothing', async () => {
    const { review, wt, repo } = await branchWithCommit();
    writeFiles(repo, { 'notes.txt': 'someone is typing here\n' });
    let before = repoState(repo, wt);
    expect((await refused(review.merge('local', wt, { strategy: 'squash', message: 'm' }), 'CONFLICT')).message).toMatch(/where main is checked out has uncommitted changes/);
    expect(repoState(repo, wt)).toEqual(before);
    fs.rmSync(path.join(repo, 'notes.txt'));
    writeFiles(wt, { 'wip.txt': 'wip\n' });
    before = repoState(repo, wt);
    expect((await refused(review.merge('local', wt, { strategy: 'ff' }), 'CONFLICT')).message).toMatch(/has uncommitted changes: commit or discard/);
    expect(repoState(repo, wt)).toEqual(before);
  });

  test('nothing to merge, an unknown base, and a malformed base are refused', async () => {
    const { review, wt } = await withWorktree();
    expect((await refused(review.merge('local', wt, { strategy: 'squash', message: 'm' }), 'CONFLICT')).message).toMatch(/Nothing to merge/);
    await refused(review.merge('local', wt, { strategy: 'ff', base: 'no-such-branch' }), 'INVALID_INPUT');
    for (const base of ['--upload-pack=touch /tmp/x', '-b', '$(id)', 'a..b', 'main\nx', '../main']) {
      await refused(review.merge('local', wt, { strategy: 'ff', base }), 'INVALID_INPUT');
    }
  });
});

describe('discard', () => {
  test('restores a modified and a deleted file, deletes an untracked one, and leaves the others alone', async () => {
    const { review, wt } = await withWorktree();
    writeFiles(wt, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    commitAll(wt, 'files');
    writeFiles(wt, { 'a.txt': 'changed\n', 'new/dir/n.txt': 'new\n', 'other.txt': 'stays\n' });
    fs.rmSync(path.join(wt, 'b.txt'));
    const result = await review.discard('local', wt, { files: ['a.txt', 'b.txt', 'new/dir/n.txt'] });
    expect(result.files).toEqual(['a.txt', 'b.txt', 'new/dir/n.txt']);
    expect(fs.readFileSync(path.join(wt, 'a.txt'), 'utf8')).toBe('a\n');
    expect(fs.readFileSync(path.join(wt, 'b.txt'), 'utf8')).toBe('b\n');
    expect(fs.existsSync(path.join(wt, 'new/dir/n.txt'))).toBe(false);
    expect(gitIn(wt, 'status', '--porcelain')).toBe('?? other.txt\n');
  });

  test('hostile paths, unlisted files and a folder linked out of the worktree are refused with nothing changed', async () => {
    const { review, wt, repo } = await withWorktree();
    const outside = fs.mkdtempSync(path.join(path.dirname(repo), 'outside-'));
    fs.writeFileSync(path.join(outside, 'victim.txt'), 'precious\n');
    fs.symlinkSync(outside, path.join(wt, 'link'));
    writeFiles(wt, { 'mine.txt': 'm\n' });
    const before = repoState(wt);
    for (const file of ['../README.md', '/etc/passwd', '-rf', '--', 'a/../../x', '.git/config', 'link/../../x', 'not-changed.txt', 'README.md', 'x\0y', '']) {
      const error = await refused(review.discard('local', wt, { files: [file] }), 'INVALID_INPUT');
      expect(error.message).not.toContain(repo);
    }
    // `link` itself is an untracked symlink (listed), but a path through it is not a listed file.
    await refused(review.discard('local', wt, { files: ['link/victim.txt'] }), 'INVALID_INPUT');
    expect(repoState(wt)).toEqual(before);
    expect(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious\n');
    // Discarding the link removes the link, never what it points to.
    await review.discard('local', wt, { files: ['link'] });
    expect(fs.existsSync(path.join(wt, 'link'))).toBe(false);
    expect(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious\n');
  });

  test('an unknown worktree is a 404 that does not echo the path', async () => {
    const { review, repo } = await withWorktree();
    const error = await refused(review.changes('local', path.join(repo, 'nope'), { against: 'head' }), 'NOT_FOUND');
    expect(error.message).not.toContain(repo);
  });
});
