/**
 * Git worktrees of one repository, one per agent and task: create, list, get, remove.
 *
 * - Git is the truth: the list is `git worktree list --porcelain -z`, joined with our metadata (agent,
 *   task, creation time) kept in a lowdb file, plus a dirty flag from `git status`.
 * - Every operation runs in one queue per repository: git's own locks would make two concurrent adds
 *   fail at random, and a list taken in the middle of an add would disagree with git.
 * - New worktrees live in `<repo>/.worktrees/<dir>`: the directory must resolve inside that base (no
 *   `..`, no absolute path, no symlink out), and it is added to `.git/info/exclude` so the main
 *   worktree does not look dirty because of it.
 * - Every input is validated (names.ts) before anything touches the disk.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PluginError } from '../errors';
import { Listeners } from '../listeners';
import { SerialQueue } from '../serial';
import type { PersistentStore } from '../types';
import { git, gitSucceeds, GitError } from './git';
import { checkBranchShape, checkCopyFiles, checkDirName, checkName, checkTitle, taskNames } from './names';
import { parseWorktreeList, type PorcelainWorktree } from './porcelain';

export interface Worktree {
  /** Absolute path, as git reports it. */
  path: string;
  /** Short branch name; null when detached. */
  branch: string | null;
  head: string;
  isMain: boolean;
  state: 'active' | 'locked' | 'prunable';
  agentName: string | null;
  taskId: string | null;
  taskTitle: string | null;
  /** ISO time of creation through this service; null for worktrees made elsewhere. */
  createdAt: string | null;
  /** Modified, staged or untracked files. */
  dirty: boolean;
  /** How many (untracked files counted one by one, as the review lists them). */
  changedFiles: number;
}

export interface CreateWorktreeInput {
  agentName: string;
  taskId: string;
  taskTitle?: string;
  /** A branch name instead of `agent/<agent>/<task>`; an existing branch is checked out, not created. */
  customBranch?: string;
  /** A directory name under the worktree base instead of `<agent>-<task>`. */
  customPath?: string;
  /** Where a new branch starts; default the main worktree's HEAD. */
  baseBranch?: string;
  /** Untracked files of the main worktree (such as `.env`) to copy into the new one. */
  copyFiles?: readonly string[];
}

export interface CreateWorktreeResult {
  worktree: Worktree;
  branch: string;
  path: string;
  branchCreated: boolean;
}

export interface RemoveWorktreeOptions {
  /** Remove even with uncommitted changes (or locked), and delete an unmerged branch. */
  force?: boolean;
  deleteBranch?: boolean;
}

export interface RemoveWorktreeResult {
  path: string;
  branch: string | null;
  branchDeleted: boolean;
}

interface WorktreeMetadata {
  agentName: string;
  taskId: string;
  taskTitle: string | null;
  branch: string;
  createdAt: string;
}

export interface WorktreeMetadataFile {
  worktrees: Record<string, WorktreeMetadata>;
}

/** Answers a reason to refuse removing the worktree at this path (an agent runs there), or nothing. */
export type RemovalGuard = (worktreePath: string) => string | undefined;
export type WorktreeListener = (worktrees: readonly Worktree[]) => void;

const WORKTREE_BASE = '.worktrees';

/** The entries of `git status --porcelain -z`: a rename's (or copy's) second field is its old path, not an entry. */
function countStatusEntries(output: string): number {
  const fields = output.split('\0');
  let count = 0;
  for (let i = 0; i < fields.length; i++) {
    if (fields[i] === '') continue;
    count++;
    if (/^[RC]/.test(fields[i]!)) i++;
  }
  return count;
}

export interface WorktreeServiceOptions {
  /** Any directory inside the repository; its top level is used. */
  repo: string;
  store: PersistentStore<WorktreeMetadataFile>;
}

export class WorktreeService {
  private readonly queue = new SerialQueue();
  private readonly guards = new Set<RemovalGuard>();
  private readonly listeners = new Listeners<[readonly Worktree[]]>('worktree');
  /** The last list read from git (see `known`). */
  private latest: Worktree[] | null = null;
  private firstRead: Promise<Worktree[]> | null = null;

  private constructor(
    /** The repository's top level, or null when the configured directory is not in a git repository. */
    readonly root: string | null,
    /** Why the service is disabled, for `/api/health`. */
    readonly disabledReason: string | null,
    private readonly store: PersistentStore<WorktreeMetadataFile>,
  ) {}

  static async open(options: WorktreeServiceOptions): Promise<WorktreeService> {
    try {
      const root = (await git(options.repo, ['rev-parse', '--show-toplevel'])).trim();
      return new WorktreeService(path.resolve(root), null, options.store);
    } catch (error) {
      const reason = error instanceof GitError || (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${options.repo} is not in a git repository` : String(error);
      return new WorktreeService(null, reason, options.store);
    }
  }

  get enabled(): boolean {
    return this.root !== null;
  }

  /** `<repo>/.worktrees`: where created worktrees live. */
  get base(): string {
    return path.join(this.requireRoot(), WORKTREE_BASE);
  }

  /** A stable, id-safe key for a worktree path (component ids cannot hold `/`). */
  static keyOf(worktreePath: string): string {
    return createHash('sha256').update(worktreePath).digest('hex').slice(0, 16);
  }

  addRemovalGuard(guard: RemovalGuard): () => void {
    this.guards.add(guard);
    return () => this.guards.delete(guard);
  }

  /** Called with the new list after every create and remove. */
  onChange(listener: WorktreeListener): () => void {
    return this.listeners.subscribe(listener);
  }

  list(): Promise<Worktree[]> {
    return this.serialize(() => this.readList());
  }

  /**
   * The list as last read, asking git only when it was never read: for a screen that opens (every
   * user's session starts with one), where a git run per session would cost more than it tells.
   * Decisions use `list()`; a screen refreshes with it.
   */
  async known(): Promise<Worktree[]> {
    if (this.latest) return this.latest;
    // Many sessions open at once (a restart, a crowd): they share the one read in flight.
    this.firstRead ??= this.list().finally(() => (this.firstRead = null));
    return this.firstRead;
  }

  /** The worktree at `worktreePath` (absolute, or relative to the repository). */
  get(worktreePath: string): Promise<Worktree> {
    return this.serialize(async () => this.find(await this.readList(), worktreePath));
  }

  async create(input: CreateWorktreeInput): Promise<CreateWorktreeResult> {
    const checked = this.checkCreateInput(input); // refusals before the queue: nothing waits for them
    return this.serialize(async () => {
      const result = await this.createNow(checked);
      this.listeners.emit(result.list);
      return result.created;
    });
  }

  remove(worktreePath: string, options: RemoveWorktreeOptions = {}): Promise<RemoveWorktreeResult> {
    return this.serialize(async () => {
      const result = await this.removeNow(worktreePath, options);
      this.listeners.emit(result.list);
      return result.removed;
    });
  }

  /**
   * The hook for the review steps (agents/worktree/review/: diff, commit, merge, discard, push): runs
   * `step` with the listed worktree at `worktreePath` in the repository's queue, like every other git
   * step here. With `changes`, the listeners get the new list afterwards (dirty flags, HEADs), whether
   * the step succeeded or not. An unknown path is a 404 that does not echo the path. `userId` is who
   * asks (for the owners of worktrees, when they have them).
   */
  withWorktree<T>(_userId: string, worktreePath: string, step: (worktree: Worktree, list: readonly Worktree[]) => Promise<T>, options: { changes?: boolean } = {}): Promise<T> {
    return this.serialize(async () => {
      const list = await this.readList();
      const wanted = path.resolve(this.requireRoot(), worktreePath);
      const worktree = list.find((candidate) => candidate.path === wanted);
      if (!worktree) throw new PluginError('NOT_FOUND', 'No such worktree.');
      try {
        return await step(worktree, list);
      } finally {
        if (options.changes) this.listeners.emit(await this.readList());
      }
    });
  }

  /** 503 WORKTREES_DISABLED (saying how to enable them) when there is no repository. */
  assertEnabled(): void {
    this.requireRoot();
  }

  /** Waits for the queued operations and the last metadata write. */
  async close(): Promise<void> {
    await this.queue.run(() => undefined);
    await this.store.write();
  }

  // -------------------------------------------------------------------------------------------

  private requireRoot(): string {
    if (this.root === null) throw new PluginError('WORKTREES_DISABLED', `Worktrees are disabled: ${this.disabledReason ?? 'no repository'}. Set A2UI_REPO to a git repository.`);
    return this.root;
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    return this.queue.run(() => {
      this.requireRoot();
      return operation();
    });
  }

  private checkCreateInput(input: CreateWorktreeInput): CreateWorktreeInput {
    checkName('agentName', input.agentName);
    checkName('taskId', input.taskId);
    if (input.taskTitle !== undefined) checkTitle(input.taskTitle);
    if (input.customBranch !== undefined) checkBranchShape('customBranch', input.customBranch);
    if (input.customPath !== undefined) checkDirName(input.customPath);
    if (input.baseBranch !== undefined) checkBranchShape('baseBranch', input.baseBranch);
    if (input.copyFiles !== undefined) checkCopyFiles(input.copyFiles);
    return input;
  }

  private async readList(): Promise<Worktree[]> {
    const root = this.requireRoot();
    const entries = parseWorktreeList(await git(root, ['worktree', 'list', '--porcelain', '-z']));
    this.latest = await Promise.all(entries.filter((entry) => !entry.bare).map((entry) => this.describe(entry)));
    return this.latest;
  }

  private async describe(entry: PorcelainWorktree): Promise<Worktree> {
    const meta = Object.hasOwn(this.store.data.worktrees, entry.path) ? this.store.data.worktrees[entry.path] : undefined;
    let changedFiles = 0;
    if (!entry.prunable) {
      try {
        changedFiles = countStatusEntries(await git(entry.path, ['status', '--porcelain', '-z', '--untracked-files=all']));
      } catch {
        changedFiles = 0; // a directory that vanished is `prunable` at the next list
      }
    }
    return {
      path: entry.path,
      branch: entry.branch,
      head: entry.head,
      isMain: entry.isMain,
      state: entry.locked ? 'locked' : entry.prunable ? 'prunable' : 'active',
      agentName: meta?.agentName ?? null,
      taskId: meta?.taskId ?? null,
      taskTitle: meta?.taskTitle ?? null,
      createdAt: meta?.createdAt ?? null,
      dirty: changedFiles > 0,
      changedFiles,
    };
  }

  private find(list: readonly Worktree[], worktreePath: string): Worktree {
    if (typeof worktreePath !== 'string' || worktreePath.length === 0 || worktreePath.length > 4096 || worktreePath.includes('\0')) {
      throw new PluginError('INVALID_INPUT', 'path must be a non-empty worktree path.');
    }
    const wanted = path.resolve(this.requireRoot(), worktreePath);
    const found = list.find((worktree) => worktree.path === wanted);
    if (!found) throw new PluginError('NOT_FOUND', `No worktree at ${wanted}.`);
    return found;
  }

  private async createNow(input: CreateWorktreeInput): Promise<{ created: CreateWorktreeResult; list: Worktree[] }> {
    const root = this.requireRoot();
    const names = taskNames(input.agentName, input.taskId, input.taskTitle);
    const branch = input.customBranch ?? names.branch;
    const dirName = input.customPath ?? names.dirName;
    if (!(await gitSucceeds(root, ['check-ref-format', '--branch', branch]))) {
      throw new PluginError('INVALID_INPUT', `"${branch}" is not a valid branch name (git check-ref-format).`);
    }
    const base = input.baseBranch ?? 'HEAD';
    if (!(await gitSucceeds(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]))) {
      throw new PluginError('INVALID_INPUT', `baseBranch "${base}" does not name a commit in this repository.`);
    }
    const copies = await this.resolveCopies(root, input.copyFiles ?? []);

    await git(root, ['worktree', 'prune']);
    const target = await this.targetDir(root, dirName);
    const listed = await this.readList();
    await this.forgetMissing(listed);
    const holder = listed.find((worktree) => worktree.branch === branch);
    if (holder) throw new PluginError('CONFLICT', `Branch ${branch} is already checked out in the worktree ${holder.path}.`);
    const branchExists = await gitSucceeds(root, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]);
    if (branchExists && input.customBranch === undefined) {
      throw new PluginError('CONFLICT', `Branch ${branch} already exists: agent ${input.agentName} already has a worktree branch for task ${input.taskId}.`);
    }
    if (listed.some((worktree) => worktree.path === target)) throw new PluginError('CONFLICT', `A worktree already exists at ${target}.`);
    // A directory left by a crash or a manual delete, no longer known to git: ours to clear.
    await fsp.rm(target, { recursive: true, force: true });

    try {
      if (branchExists) await git(root, ['worktree', 'add', target, branch]);
      else await git(root, ['worktree', 'add', '-b', branch, target, base]);
    } catch (error) {
      if (error instanceof GitError && /already exists|cannot lock ref|is already (checked out|used)/.test(error.stderr)) {
        throw new PluginError('CONFLICT', `git refused the branch ${branch}: ${error.stderr.trim().split('\n').pop() ?? ''}`);
      }
      throw error;
    }
    try {
      for (const copy of copies) {
        const destination = path.join(target, copy.relative);
        await fsp.mkdir(path.dirname(destination), { recursive: true });
        await fsp.copyFile(copy.source, destination, fs.constants.COPYFILE_EXCL);
      }
    } catch (error) {
      // Half a worktree is worse than none: undo the add (and the branch it made).
      await git(root, ['worktree', 'remove', '--force', target]).catch(() => undefined);
      if (!branchExists) await git(root, ['branch', '-D', branch]).catch(() => undefined);
      throw new PluginError('INTERNAL_ERROR', `Copying files into the new worktree failed: ${(error as Error).message}`);
    }

    this.store.data.worktrees[target] = {
      agentName: input.agentName,
      taskId: input.taskId,
      taskTitle: input.taskTitle ?? null,
      branch,
      createdAt: new Date().toISOString(),
    };
    await this.store.write();
    const list = await this.readList();
    return { created: { worktree: this.find(list, target), branch, path: target, branchCreated: !branchExists }, list };
  }

  /** Drops the metadata of worktrees removed behind our back (by hand, or pruned). */
  private async forgetMissing(listed: readonly Worktree[]): Promise<void> {
    const known = new Set(listed.map((worktree) => worktree.path));
    const stale = Object.keys(this.store.data.worktrees).filter((p) => !known.has(p));
    for (const p of stale) delete this.store.data.worktrees[p];
    if (stale.length) await this.store.write();
  }

  /** The new worktree's directory: inside the base, the base inside the repository, no symlink on the way. */
  private async targetDir(root: string, dirName: string): Promise<string> {
    const base = path.join(root, WORKTREE_BASE);
    await fsp.mkdir(base, { recursive: true });
    await this.excludeBase(root);
    const realRoot = await fsp.realpath(root);
    const realBase = await fsp.realpath(base);
    if (realBase !== path.join(realRoot, WORKTREE_BASE)) {
      throw new PluginError('INVALID_INPUT', `The worktree base ${base} is a link out of the repository; refusing to create worktrees through it.`);
    }
    const target = path.join(base, dirName);
    const existing = await fsp.lstat(target).catch(() => null);
    if (existing?.isSymbolicLink()) throw new PluginError('INVALID_INPUT', `${target} is a symbolic link; a worktree cannot be created through it.`);
    return target;
  }

  /** Keeps `.worktrees/` out of the main worktree's `git status` (once per repository). */
  private async excludeBase(root: string): Promise<void> {
    const commonDir = path.resolve(root, (await git(root, ['rev-parse', '--git-common-dir'])).trim());
    const exclude = path.join(commonDir, 'info', 'exclude');
    const current = await fsp.readFile(exclude, 'utf8').catch(() => '');
    const line = `/${WORKTREE_BASE}/`;
    if (current.split('\n').includes(line)) return;
    await fsp.mkdir(path.dirname(exclude), { recursive: true });
    await fsp.appendFile(exclude, `${current && !current.endsWith('\n') ? '\n' : ''}${line}\n`);
  }

  /** Each file to copy must be a regular file whose real path stays inside the repository. */
  private async resolveCopies(root: string, files: readonly string[]): Promise<Array<{ source: string; relative: string }>> {
    const realRoot = await fsp.realpath(root);
    const copies: Array<{ source: string; relative: string }> = [];
    for (const relative of files) {
      const real = await fsp.realpath(path.join(root, relative)).catch(() => null);
      if (real === null) throw new PluginError('INVALID_INPUT', `copyFiles: ${relative} does not exist in the repository.`);
      if (!real.startsWith(realRoot + path.sep)) throw new PluginError('INVALID_INPUT', `copyFiles: ${relative} leads outside the repository.`);
      if (!(await fsp.stat(real)).isFile()) throw new PluginError('INVALID_INPUT', `copyFiles: ${relative} is not a regular file.`);
      copies.push({ source: real, relative });
    }
    return copies;
  }

  private async removeNow(worktreePath: string, options: RemoveWorktreeOptions): Promise<{ removed: RemoveWorktreeResult; list: Worktree[] }> {
    const root = this.requireRoot();
    const worktree = this.find(await this.readList(), worktreePath);
    if (worktree.isMain) throw new PluginError('INVALID_INPUT', 'The main worktree cannot be removed.');
    for (const guard of this.guards) {
      const reason = guard(worktree.path);
      if (reason) throw new PluginError('CONFLICT', reason);
    }
    if (worktree.state === 'locked' && !options.force) {
      throw new PluginError('CONFLICT', `The worktree ${worktree.path} is locked; remove it with force to override the lock.`);
    }
    if (worktree.dirty && !options.force) {
      throw new PluginError('CONFLICT', `The worktree ${worktree.path} has uncommitted changes; remove it with force to discard them.`);
    }
    const branch = worktree.branch;
    if (options.deleteBranch && branch && !options.force && !(await gitSucceeds(root, ['merge-base', '--is-ancestor', branch, 'HEAD']))) {
      throw new PluginError('CONFLICT', `Branch ${branch} has commits that are not merged into the main worktree's HEAD; use force to delete it anyway.`);
    }

    const forceArgs = options.force ? (worktree.state === 'locked' ? ['--force', '--force'] : ['--force']) : [];
    await git(root, ['worktree', 'remove', ...forceArgs, worktree.path]);
    let branchDeleted = false;
    if (options.deleteBranch && branch) {
      await git(root, ['branch', options.force ? '-D' : '-d', branch]);
      branchDeleted = true;
    }
    if (Object.hasOwn(this.store.data.worktrees, worktree.path)) {
      delete this.store.data.worktrees[worktree.path];
      await this.store.write();
    }
    return { removed: { path: worktree.path, branch, branchDeleted }, list: await this.readList() };
  }
}
