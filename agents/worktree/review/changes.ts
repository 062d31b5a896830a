/**
 * Reads a worktree's changes with git: the changed files (status, +/− counts) and one file's diff,
 * against the base branch (the commits since the merge-base) or against the last commit (the working
 * tree, untracked files included). Everything is read from NUL-separated output (`-z`), so a file name
 * with spaces, quotes or newlines arrives as it is, never quoted or split.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PluginError } from '../../errors';
import { git, GitError } from '../git';
import type { ChangedFile, ChangeList, ChangeStatus, DiffAgainst, FileDiff } from './model';
import { addedFileHunks, looksBinary, parseFileHunks } from './parse';
import { pageHunks } from './paging';

/** What is compared: commits `from` and `to` (`to` null = the working tree). */
export interface Comparison {
  against: DiffAgainst;
  base: string | null;
  from: string;
  to: string | null;
}

/** A file whose diff has more lines than this is named, not shown (a lock file, a generated bundle). */
export const MAX_DIFF_LINES = 100_000;
/** An untracked file larger than this is not read. */
const MAX_UNTRACKED_BYTES = 8 * 1024 * 1024;
/** Rename detection, the same for the list and the file diffs (so a file diff finds its list entry). */
const RENAMES = '-M';

const STATUS_LETTERS: Readonly<Record<string, ChangeStatus>> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'typechange',
};

/** The commits a comparison runs between; `base` is a branch already checked by the caller. */
export async function resolveComparison(cwd: string, against: DiffAgainst, base: string): Promise<Comparison> {
  const head = (await git(cwd, ['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  if (against === 'head') return { against, base: null, from: head, to: null };
  try {
    const mergeBase = (await git(cwd, ['merge-base', `refs/heads/${base}`, head])).trim();
    return { against, base, from: mergeBase, to: head };
  } catch (error) {
    if (error instanceof GitError) throw new PluginError('CONFLICT', `The branch has no common history with ${base}.`);
    throw error;
  }
}

function rangeArgs(comparison: Comparison): string[] {
  return comparison.to === null ? [comparison.from] : [comparison.from, comparison.to];
}

/** `--name-status -z`: `M\0path\0`, `R100\0old\0new\0`. */
function parseNameStatus(output: string): Array<{ status: ChangeStatus; path: string; oldPath: string | null }> {
  const tokens = output.split('\0');
  const entries: Array<{ status: ChangeStatus; path: string; oldPath: string | null }> = [];
  for (let i = 0; i + 1 < tokens.length; ) {
    const letter = tokens[i]![0] ?? '';
    const status = STATUS_LETTERS[letter] ?? 'modified';
    if (letter === 'R' || letter === 'C') {
      entries.push({ status, oldPath: tokens[i + 1]!, path: tokens[i + 2]! });
      i += 3;
    } else {
      entries.push({ status, oldPath: null, path: tokens[i + 1]! });
      i += 2;
    }
  }
  return entries;
}

/** `--numstat -z`: `a\td\tpath\0`, or `a\td\t\0old\0new\0` for a rename; `-\t-` for a binary file. Keyed by the new path. */
function parseNumstat(output: string): Map<string, { additions: number; deletions: number; binary: boolean }> {
  const tokens = output.split('\0');
  const stats = new Map<string, { additions: number; deletions: number; binary: boolean }>();
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i]!;
    if (token === '') {
      i += 1;
      continue;
    }
    const [added = '', deleted = '', ...rest] = token.split('\t');
    let file = rest.join('\t');
    if (file === '') {
      file = tokens[i + 2] ?? ''; // a rename: the new path is the second of the two that follow
      i += 3;
    } else {
      i += 1;
    }
    const binary = added === '-' && deleted === '-';
    stats.set(file, { additions: binary ? 0 : Number(added), deletions: binary ? 0 : Number(deleted), binary });
  }
  return stats;
}

/** The untracked files (not ignored) of a worktree. */
async function untrackedPaths(cwd: string): Promise<string[]> {
  return (await git(cwd, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter((p) => p !== '');
}

/** An untracked file's content as git would diff it: a link's target, a regular file's bytes; null when too large. */
async function readUntracked(cwd: string, relative: string): Promise<Buffer | null> {
  const absolute = path.join(cwd, relative);
  const stat = await fsp.lstat(absolute);
  if (stat.isSymbolicLink()) return Buffer.from(await fsp.readlink(absolute));
  if (!stat.isFile() || stat.size > MAX_UNTRACKED_BYTES) return null;
  return fsp.readFile(absolute);
}

async function untrackedFile(cwd: string, relative: string): Promise<ChangedFile> {
  const content = await readUntracked(cwd, relative).catch(() => null);
  const binary = content === null || looksBinary(content);
  return { path: relative, oldPath: null, status: 'added', additions: binary ? 0 : addedFileHunks(content.toString('utf8'))[0]?.newLines ?? 0, deletions: 0, binary, untracked: true };
}

/** The changed files, sorted by path; at most `limit` of them (`truncated` says when there were more). */
export async function listChanges(cwd: string, comparison: Comparison, limit: number): Promise<ChangeList> {
  const range = rangeArgs(comparison);
  const [nameStatus, numstat, untracked] = await Promise.all([
    git(cwd, ['diff', '--name-status', '-z', RENAMES, ...range]),
    git(cwd, ['diff', '--numstat', '-z', RENAMES, ...range]),
    comparison.to === null ? untrackedPaths(cwd) : Promise.resolve([]),
  ]);
  const stats = parseNumstat(numstat);
  const tracked: ChangedFile[] = parseNameStatus(nameStatus).map((entry) => {
    const stat = stats.get(entry.path) ?? { additions: 0, deletions: 0, binary: false };
    return { ...entry, ...stat, untracked: false };
  });
  const all = [...tracked, ...untracked.map((p) => ({ path: p }))].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const shown = all.slice(0, limit);
  const files = await Promise.all(shown.map((entry) => ('status' in entry ? (entry as ChangedFile) : untrackedFile(cwd, entry.path))));
  return {
    against: comparison.against,
    base: comparison.base,
    from: comparison.from,
    to: comparison.to,
    files,
    additions: files.reduce((sum, f) => sum + f.additions, 0),
    deletions: files.reduce((sum, f) => sum + f.deletions, 0),
    truncated: all.length > limit,
  };
}

/** One page of a listed file's diff. */
export async function readFileDiff(cwd: string, comparison: Comparison, file: ChangedFile, page: number, pageSize: number): Promise<FileDiff> {
  const whole = { file, page: 1, pages: 1, pageSize, totalLines: 0 };
  if (file.binary) return { ...whole, hunks: null, omitted: 'binary' };
  if (file.additions + file.deletions > MAX_DIFF_LINES) return { ...whole, hunks: null, omitted: 'too_large' };
  let hunks;
  if (file.untracked) {
    const content = await readUntracked(cwd, file.path);
    if (content === null) return { ...whole, hunks: null, omitted: 'too_large' };
    hunks = addedFileHunks(content.toString('utf8'));
  } else {
    const paths = file.oldPath ? [file.oldPath, file.path] : [file.path];
    hunks = parseFileHunks(await git(cwd, ['--literal-pathspecs', 'diff', RENAMES, ...rangeArgs(comparison), '--', ...paths]));
  }
  return { file, omitted: null, ...pageHunks(hunks, page, pageSize) };
}
