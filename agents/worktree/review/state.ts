/**
 * The review screen's state for one user: the worktree under review and what was read of it (the
 * changed files, one page of one file's diff, the pull request), the lines picked for a comment, and
 * the two worktrees being compared. Everything is replaced, never mutated, so unchanged parts stay
 * identical and the memoised view skips them.
 */
import type { GhAvailability } from './gh';
import type { ChangeList, DiffAgainst, FileDiff } from './model';
import type { PullRequest } from './pull-request';
import type { WorktreeSummary } from './service';

export interface ReviewedWorktree {
  /** WorktreeService.keyOf(path): the route's `:key`. */
  key: string;
  worktree: WorktreeSummary;
  /** The branch a merge goes into (the main worktree's, unless told otherwise). */
  base: string | null;
  against: DiffAgainst;
  changes: ChangeList;
  /** The open file and the page of its diff on screen (null: no changed file). */
  diff: FileDiff | null;
  pr: { gh: GhAvailability; pullRequest: PullRequest | null };
}

/** Lines picked for a comment, by their number in the new file (the old one for deleted lines). */
export interface LineSelection {
  file: string;
  from: number;
  to: number;
}

export interface ComparedWorktree {
  key: string;
  worktree: WorktreeSummary;
  changes: ChangeList;
}

export interface ReviewState {
  current: ReviewedWorktree | null;
  /** A load that failed, for the key it was for (the view does not ask again in a loop). */
  failed: { key: string; message: string } | null;
  selection: LineSelection | null;
  /** Bumped after a commit / a comment: the bound fields move to fresh, empty data keys. */
  formEpoch: number;
  compare: { keys: string; left: ComparedWorktree; right: ComparedWorktree } | null;
}

export const INITIAL_REVIEW_STATE: ReviewState = { current: null, failed: null, selection: null, formEpoch: 0, compare: null };
