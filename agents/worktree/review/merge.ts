/**
 * Merges a worktree's branch into its base branch, in the worktree where the base branch is checked
 * out: fast-forward only, a merge commit, or one squashed commit. Refusals change nothing:
 *
 * - both worktrees must be clean (an uncommitted change would be mixed into the merge, or lost);
 * - conflicts are found before anything is touched, with `git merge-tree --write-tree`, which merges
 *   in the object database only; the refusal lists the conflicting files;
 * - should the real merge still fail (a hook, a race with someone typing in that worktree), it is
 *   undone with `git reset --merge`, which the clean start makes exact.
 */
import { PluginError } from '../../errors';
import { git, GitError, gitSucceeds } from '../git';
import type { Worktree } from '../service';
import { headOf, identityArgs, statusOf, stepFailed } from './git-steps';

export type MergeStrategy = 'ff' | 'merge' | 'squash';
export const MERGE_STRATEGIES: readonly MergeStrategy[] = ['ff', 'merge', 'squash'];

export interface MergeResult {
  strategy: MergeStrategy;
  base: string;
  branch: string;
  /** The base branch's new head. */
  commit: string;
}

export interface MergeRequest {
  worktree: Worktree;
  /** The worktree that has `base` checked out. */
  target: Worktree;
  base: string;
  strategy: MergeStrategy;
  message: string;
}

/** The files `git merge-tree` reports as conflicting, or [] for a clean merge. */
async function conflictsOf(cwd: string, base: string, branch: string): Promise<string[]> {
  try {
    await git(cwd, ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', `refs/heads/${base}`, `refs/heads/${branch}`]);
    return [];
  } catch (error) {
    if (!(error instanceof GitError) || error.exitCode !== 1) throw error;
    // `<tree>\0<file>\0<file>\0…`: a file appears once per conflicting stage group; keep each once.
    return [...new Set(error.stdout.split('\0').slice(1).filter((name) => name !== ''))];
  }
}

export async function mergeBranch(request: MergeRequest): Promise<MergeResult> {
  const { worktree, target, base, strategy, message } = request;
  const branch = worktree.branch!;
  const cwd = target.path;
  if ((await statusOf(worktree.path)) !== '') {
    throw new PluginError('CONFLICT', `The worktree of ${branch} has uncommitted changes: commit or discard them before merging.`);
  }
  if ((await statusOf(cwd)) !== '') {
    throw new PluginError('CONFLICT', `The worktree where ${base} is checked out has uncommitted changes: commit or stash them there first. Nothing was merged.`);
  }
  if (await gitSucceeds(cwd, ['merge-base', '--is-ancestor', `refs/heads/${branch}`, `refs/heads/${base}`])) {
    throw new PluginError('CONFLICT', `Nothing to merge: ${base} already contains every commit of ${branch}.`);
  }
  const fastForward = await gitSucceeds(cwd, ['merge-base', '--is-ancestor', `refs/heads/${base}`, `refs/heads/${branch}`]);
  if (strategy === 'ff' && !fastForward) {
    throw new PluginError('CONFLICT', `${base} cannot be fast-forwarded to ${branch}: ${base} has commits the branch lacks. Merge with a merge commit or squash instead. Nothing was merged.`);
  }
  const conflicts = fastForward ? [] : await conflictsOf(cwd, base, branch);
  if (conflicts.length > 0) {
    const listed = conflicts.slice(0, 20).join(', ') + (conflicts.length > 20 ? ` and ${conflicts.length - 20} more` : '');
    throw new PluginError('CONFLICT', `Merging ${branch} into ${base} conflicts in ${listed}. Nothing was merged.`, { conflicts });
  }

  const identity = await identityArgs(cwd);
  try {
    if (strategy === 'ff') {
      await git(cwd, ['merge', '--ff-only', '--quiet', `refs/heads/${branch}`]);
    } else if (strategy === 'merge') {
      await git(cwd, [...identity, 'merge', '--no-ff', '--no-edit', '--quiet', '-m', message, `refs/heads/${branch}`]);
    } else {
      await git(cwd, ['merge', '--squash', '--quiet', `refs/heads/${branch}`]);
      await git(cwd, [...identity, 'commit', '--quiet', '--no-edit', '-m', message]);
    }
  } catch (error) {
    await git(cwd, ['reset', '--merge']).catch(() => undefined);
    stepFailed(error, `Merging ${branch} into ${base}`, [cwd, worktree.path]);
  }
  return { strategy, base, branch, commit: await headOf(cwd) };
}
