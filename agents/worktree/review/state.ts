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

/**
 * The user's reviews, shared by their tabs (two tabs on the same worktree show the same file and
 * page), keyed by worktree key (compares by `<left>:<right>`); at most MAX_KEPT of each are kept.
 */
export interface ReviewState {
  reviews: Readonly<Record<string, ReviewedWorktree>>;
  /** A read that failed, by the key it was for: the screen says why instead of loading forever. */
  failed: Readonly<Record<string, string>>;
  selections: Readonly<Record<string, LineSelection>>;
  compares: Readonly<Record<string, { left: ComparedWorktree; right: ComparedWorktree }>>;
}

/** One tab's: bumped after a commit, a merge or a comment, so the bound fields start empty. */
export interface ReviewTab {
  formEpoch: number;
}

export const INITIAL_REVIEW_STATE: ReviewState = { reviews: {}, failed: {}, selections: {}, compares: {} };
export const NEW_REVIEW_TAB: ReviewTab = { formEpoch: 0 };

const MAX_KEPT = 8;

/** `record` with `key` set to `value` (the newest last; the oldest dropped past MAX_KEPT). */
export function withEntry<T>(record: Readonly<Record<string, T>>, key: string, value: T): Readonly<Record<string, T>> {
  const { [key]: _old, ...rest } = record;
  const keys = Object.keys(rest);
  const kept = keys.length >= MAX_KEPT ? Object.fromEntries(keys.slice(keys.length - MAX_KEPT + 1).map((k) => [k, rest[k]!])) : rest;
  return { ...kept, [key]: value };
}

/** `record` without `key` (the same object when it has none). */
export function withoutEntry<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!Object.hasOwn(record, key)) return record;
  const { [key]: _old, ...rest } = record;
  return rest;
}
