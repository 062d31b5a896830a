/**
 * What a review shows: a worktree's changed files and each file's diff, as plain data (the REST API
 * answers it as JSON, the review screen renders it). Paths are relative to the worktree, with `/`.
 */

/** What to compare the worktree with. */
export type DiffAgainst =
  /** The commits of the branch since it left its base branch: `git diff <merge-base> HEAD`, what a merge brings. */
  | 'base'
  /** The uncommitted work: the working tree (untracked files included) against the last commit, what a commit records. */
  | 'head';

export const DIFF_AGAINST: readonly DiffAgainst[] = ['base', 'head'];

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'typechange';

export interface ChangedFile {
  path: string;
  /** The path before a rename or copy. */
  oldPath: string | null;
  status: ChangeStatus;
  /** Lines added and removed; 0 and 0 for a binary file. */
  additions: number;
  deletions: number;
  binary: boolean;
  /** Not yet known to git (only when comparing with `head`). */
  untracked: boolean;
}

export interface ChangeList {
  against: DiffAgainst;
  /** The base branch (`against: base`), else null. */
  base: string | null;
  /** The commits compared: the merge-base (or HEAD) and HEAD (null = the working tree). */
  from: string;
  to: string | null;
  files: ChangedFile[];
  additions: number;
  deletions: number;
  /** More files changed than one answer lists (`files` holds the first ones, by path). */
  truncated: boolean;
}

export type DiffLineKind = 'context' | 'add' | 'delete';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** The line's number in the old file (null for an added line) and in the new one (null for a deleted one). */
  oldNumber: number | null;
  newNumber: number | null;
  /** The line has no newline at the end of its file. */
  noNewline?: boolean;
}

export interface DiffHunk {
  /** `@@ -a,b +c,d @@`. */
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

/** One page of one file's diff: the hunks (or the parts of them) whose lines fall on that page. */
export interface FileDiff {
  file: ChangedFile;
  /** Null when the diff is not shown (see `omitted`). */
  hunks: DiffHunk[] | null;
  /** Why there are no hunks: a binary file is named, not shown; so is one whose diff is too large to page. */
  omitted: 'binary' | 'too_large' | null;
  /** 1-based; a page holds at most `pageSize` diff lines. */
  page: number;
  pages: number;
  pageSize: number;
  /** Diff lines in the whole file (all pages). */
  totalLines: number;
}
