/**
 * A review screen's state with a large diff on screen, as the ReviewService would read it, for the
 * review benchmark and the test that checks a one-line change's ops: one modified file whose diff
 * has `lines` lines in hunks of 50 (a third added, a third deleted, a third context), all on one page.
 */
import type { ChangedFile, ChangeList, DiffHunk, DiffLine, FileDiff } from '../agents/worktree/review/model';
import { INITIAL_REVIEW_STATE, type ReviewState } from '../agents/worktree/review/state';

export function bigDiff(lines: number, changedLine = -1): FileDiff {
  const file: ChangedFile = { path: 'src/big.ts', oldPath: null, status: 'modified', additions: 0, deletions: 0, binary: false, untracked: false };
  const hunks: DiffHunk[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  for (let start = 0; start < lines; start += 50) {
    const hunkLines: DiffLine[] = [];
    const oldStart = oldNumber;
    const newStart = newNumber;
    for (let i = start; i < Math.min(lines, start + 50); i++) {
      const text = `${i === changedLine ? 'changed' : 'line'} ${i}: const value${i} = compute(${i}, "some text that a real line would hold");`;
      const kind = i % 3 === 0 ? 'add' : i % 3 === 1 ? 'delete' : 'context';
      if (kind === 'add') hunkLines.push({ kind, text, oldNumber: null, newNumber: newNumber++ });
      else if (kind === 'delete') hunkLines.push({ kind, text, oldNumber: oldNumber++, newNumber: null });
      else hunkLines.push({ kind, text, oldNumber: oldNumber++, newNumber: newNumber++ });
    }
    hunks.push({ header: `@@ -${oldStart},${oldNumber - oldStart} +${newStart},${newNumber - newStart} @@`, oldStart, oldLines: oldNumber - oldStart, newStart, newLines: newNumber - newStart, lines: hunkLines });
  }
  const additions = hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind === 'add').length, 0);
  const deletions = hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind === 'delete').length, 0);
  return { file: { ...file, additions, deletions }, hunks, omitted: null, page: 1, pages: 1, pageSize: lines, totalLines: lines + 0 };
}

/** The worktree key of the review the fixture shows (the route's `:key`). */
export const BENCH_KEY = '0123456789abcdef';

/** The screen's state with `diff` open (a worktree with that one changed file, and no gh). */
export function reviewStateWith(diff: FileDiff, previous?: ReviewState): ReviewState {
  const shown = previous?.reviews[BENCH_KEY];
  const changes: ChangeList = shown?.changes ?? {
    against: 'head',
    base: null,
    from: 'a'.repeat(40),
    to: null,
    files: [diff.file],
    additions: diff.file.additions,
    deletions: diff.file.deletions,
    truncated: false,
  };
  const worktree = { path: '/repo/.worktrees/demo-1', branch: 'agent/demo/1', head: 'b'.repeat(40) };
  const pr = shown?.pr ?? { gh: { available: false as const, reason: 'gh is not installed.' }, pullRequest: null };
  const base = previous ?? INITIAL_REVIEW_STATE;
  return { ...base, reviews: { ...base.reviews, [BENCH_KEY]: { key: BENCH_KEY, worktree, base: 'main', against: 'head', changes, diff, pr } } };
}
