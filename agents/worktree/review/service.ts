/**
 * The review of a worktree: its changes, and what to do with them — commit, merge into the base
 * branch, discard, push and open a pull request. Every step runs in the worktree service's queue for
 * the repository (`withWorktree`), so a review never races a worktree being created or removed, or
 * another review step; the steps that change something tell the worktree listeners afterwards.
 *
 * The base branch of a worktree is the branch checked out in the main worktree unless a request names
 * another. Default texts (commit message, pull request) come from the agent session that worked in
 * the worktree (`SessionFacts`).
 */
import { PluginError } from '../../errors';
import type { UserRoles } from '../../roles';
import type { Worktree, WorktreeService } from '../service';
import { listChanges, readFileDiff, resolveComparison, type Comparison } from './changes';
import { commitChanges, type CommitResult } from './commit';
import { discardFiles } from './discard';
import type { GhAvailability, GhCli } from './gh';
import { branchExists } from './git-steps';
import { checkBranch, checkMessage, checkRelativePath, pickListed } from './inputs';
import { mergeBranch, type MergeResult, type MergeStrategy } from './merge';
import type { ChangeList, DiffAgainst, FileDiff } from './model';
import { openPullRequest, pullRequestOf, type PullRequest } from './pull-request';

/** What the latest agent session in a worktree said, for default texts. */
export interface SessionFacts {
  /** The first line is a commit's subject, all of it a pull request's body. */
  lastResult: string | null;
  /** What the agent was asked (the pull request's default title). */
  prompt: string | null;
}

export interface ReviewServiceOptions {
  worktrees: WorktreeService;
  gh: GhCli;
  /** Whose worktrees a user may review (theirs; an administrator's: all). */
  roles: UserRoles;
  /** The user's latest session in a worktree, if any. */
  sessionIn?(userId: string, worktreePath: string): Promise<SessionFacts | undefined>;
}

export const DEFAULT_PAGE_SIZE = 500;
export const MAX_PAGE_SIZE = 5000;
export const MAX_LISTED_FILES = 2000;

export interface WorktreeSummary {
  path: string;
  branch: string | null;
  head: string;
}

export interface ChangesAnswer extends ChangeList {
  worktree: WorktreeSummary;
}

function summary(worktree: Worktree): WorktreeSummary {
  return { path: worktree.path, branch: worktree.branch, head: worktree.head };
}

/** The first line of a text, at most 72 characters (a commit subject). */
function subjectOf(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  return line.length > 72 ? `${line.slice(0, 71)}…` : line;
}

export class ReviewService {
  constructor(private readonly options: ReviewServiceOptions) {}

  get gh(): GhCli {
    return this.options.gh;
  }

  changes(userId: string, worktreePath: string, request: { against: DiffAgainst; base?: string; limit?: number }): Promise<ChangesAnswer> {
    return this.options.worktrees.withWorktree(this.options.roles.actor(userId), worktreePath, async (worktree, list) => {
      const comparison = await this.compare(worktree, list, request.against, request.base);
      const changes = await listChanges(worktree.path, comparison, Math.min(request.limit ?? MAX_LISTED_FILES, MAX_LISTED_FILES));
      return { ...changes, worktree: summary(worktree) };
    });
  }

  fileDiff(userId: string, worktreePath: string, request: { against: DiffAgainst; base?: string; file: string; page?: number; pageSize?: number }): Promise<FileDiff> {
    checkRelativePath('file', request.file);
    return this.options.worktrees.withWorktree(this.options.roles.actor(userId), worktreePath, async (worktree, list) => {
      const comparison = await this.compare(worktree, list, request.against, request.base);
      const { files } = await listChanges(worktree.path, comparison, Number.MAX_SAFE_INTEGER);
      const [file] = pickListed('file', [request.file], files);
      return readFileDiff(worktree.path, comparison, file!, request.page ?? 1, Math.min(request.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
    });
  }

  /** Commits all changes, or `files`; the message defaults to the agent's last result. */
  commit(userId: string, worktreePath: string, request: { message?: string; files?: readonly string[] }): Promise<CommitResult> {
    return this.options.worktrees.withWorktree(
      this.options.roles.actor(userId),
      worktreePath,
      async (worktree, list) => {
        const message = checkMessage('message', request.message ?? (await this.options.sessionIn?.(userId, worktree.path))?.lastResult);
        return commitChanges(worktree.path, await this.compare(worktree, list, 'head'), message, request.files);
      },
      { changes: true },
    );
  }

  /** Merges the worktree's branch into its base branch; see merge.ts for what is refused. */
  merge(userId: string, worktreePath: string, request: { strategy: MergeStrategy; base?: string; message?: string }): Promise<MergeResult> {
    return this.options.worktrees.withWorktree(
      this.options.roles.actor(userId),
      worktreePath,
      async (worktree, list) => {
        const branch = this.branchOf(worktree);
        const base = await this.baseOf(worktree, list, request.base);
        if (base === branch) throw new PluginError('INVALID_INPUT', `base is the worktree's own branch (${branch}).`);
        const target = list.find((candidate) => candidate.branch === base);
        if (!target) throw new PluginError('CONFLICT', `${base} is not checked out in any worktree; check it out somewhere to merge into it.`);
        const facts = await this.options.sessionIn?.(userId, worktree.path);
        const fallback = facts?.lastResult ? subjectOf(facts.lastResult) : `Merge ${branch}`;
        const message = request.strategy === 'ff' ? '' : checkMessage('message', request.message ?? fallback);
        return mergeBranch({ worktree, target, base, strategy: request.strategy, message });
      },
      { changes: true },
    );
  }

  /** Discards the uncommitted changes of `files` (restored from the last commit, or deleted when new). */
  discard(userId: string, worktreePath: string, request: { files: readonly string[] }): Promise<{ files: string[] }> {
    return this.options.worktrees.withWorktree(
      this.options.roles.actor(userId),
      worktreePath,
      async (worktree, list) => {
        if (request.files.length === 0) throw new PluginError('INVALID_INPUT', 'files is empty: name the files to discard.');
        const { files } = await listChanges(worktree.path, await this.compare(worktree, list, 'head'), Number.MAX_SAFE_INTEGER);
        return { files: await discardFiles(worktree.path, pickListed('files', request.files, files)) };
      },
      { changes: true },
    );
  }

  /** Whether pull requests can be opened, and the branch's pull request when there is one. */
  pullRequest(userId: string, worktreePath: string): Promise<{ gh: GhAvailability; pullRequest: PullRequest | null }> {
    return this.options.worktrees.withWorktree(this.options.roles.actor(userId), worktreePath, async (worktree) => {
      const gh = await this.options.gh.availability(worktree.path);
      if (!gh.available || !worktree.branch) return { gh, pullRequest: null };
      return { gh, pullRequest: await pullRequestOf(this.options.gh, worktree.path, worktree.branch) };
    });
  }

  /** Pushes the branch to `origin` and opens its pull request (title and body default to the agent session's). */
  openPullRequest(userId: string, worktreePath: string, request: { title?: string; body?: string; base?: string }): Promise<PullRequest & { created: boolean }> {
    return this.options.worktrees.withWorktree(
      this.options.roles.actor(userId),
      worktreePath,
      async (worktree, list) => {
        const gh = await this.options.gh.availability(worktree.path);
        if (!gh.available) throw new PluginError('CONFLICT', gh.reason);
        const branch = this.branchOf(worktree);
        const base = await this.baseOf(worktree, list, request.base);
        const facts = await this.options.sessionIn?.(userId, worktree.path);
        const title = checkMessage('title', request.title ?? (facts?.prompt ? subjectOf(facts.prompt) : worktree.taskTitle ?? branch));
        const body = checkMessage('body', request.body ?? facts?.lastResult ?? `Changes of ${branch}.`);
        return openPullRequest(this.options.gh, worktree.path, { branch, base, title, body });
      },
      { changes: true },
    );
  }

  // -------------------------------------------------------------------------------------------

  private branchOf(worktree: Worktree): string {
    if (!worktree.branch) throw new PluginError('CONFLICT', 'The worktree is on a detached HEAD: check out a branch first.');
    return worktree.branch;
  }

  /** The base branch: the one asked for (checked), else the main worktree's. */
  private async baseOf(worktree: Worktree, list: readonly Worktree[], requested: string | undefined): Promise<string> {
    if (requested !== undefined) {
      await checkBranch(worktree.path, 'base', requested);
      if (!(await branchExists(worktree.path, requested))) throw new PluginError('INVALID_INPUT', `base: there is no branch ${JSON.stringify(requested)}.`);
      return requested;
    }
    const main = list.find((candidate) => candidate.isMain);
    if (!main?.branch) throw new PluginError('INVALID_INPUT', 'The main worktree is not on a branch: name the base branch.');
    return main.branch;
  }

  private async compare(worktree: Worktree, list: readonly Worktree[], against: DiffAgainst, base?: string): Promise<Comparison> {
    return resolveComparison(worktree.path, against, against === 'base' ? await this.baseOf(worktree, list, base) : '');
  }
}
