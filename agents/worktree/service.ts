/**
 * Git worktrees of one repository, one per agent and task: create, list, get, remove.
 *
 * - Git is the truth: the list is `git worktree list --porcelain -z`, joined with our metadata (owner,
 *   agent, task, creation time) kept in a lowdb file, plus a dirty flag from `git status`.
 * - Every worktree has an owner: the user who created it (worktrees made by hand with git, and the
 *   main worktree, belong to the main user). Only the owner and administrators see, get, use or remove
 *   it; to anyone else it does not exist (404), and its change events do not reach them.
 * - Writes (create, remove) run in one queue per repository: git's own locks would make two
 *   concurrent adds fail at random. Reads do not queue: `git worktree list` is safe while an add runs,
 *   so a user's list never waits behind another user's slow create.
 * - Every operation has a time limit (`A2UI_GIT_TIMEOUT_MS`) and takes the caller's AbortSignal (an
 *   action's time limit, a client that hung up): git is killed, and a create that stops half-way
 *   undoes what it made (directory, registration, branch) before the next write runs, so a retry never
 *   collides with a ghost of the first attempt.
 * - New worktrees live in `<repo>/.worktrees/<dir>`: the directory must resolve inside that base (no
 *   `..`, no absolute path, no symlink out), and it is added to `.git/info/exclude` so the main
 *   worktree does not look dirty because of it.
 * - Every input is validated (names.ts, copies.ts) before anything touches the disk, and messages name
 *   paths relative to the repository (paths.ts), never where the server keeps it.
 */
import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PluginError } from '../errors';
import { SerialQueue } from '../serial';
import { MAIN_USER_ID, canManage, type Actor } from '../roles';
import type { PersistentStore } from '../types';
import { copyInto, planCopies } from './copies';
import { Git, GitAborted, GitError, DEFAULT_GIT_TIMEOUT_MS } from './git';
import { WORKTREE_BASE, checkBranchShape, checkCopyFiles, checkDirName, checkName, checkTitle, taskNames } from './names';
import { repoRelative, scrubPaths } from '../paths';
import { parseWorktreeList, type PorcelainWorktree } from './porcelain';

export interface Worktree {
  /** Absolute path, as git reports it. */
  path: string;
  /** Short branch name; null when detached. */
  branch: string | null;
  head: string;
  isMain: boolean;
  state: 'active' | 'locked' | 'prunable';
  /** The user who created it; the main user for the main worktree and worktrees made elsewhere. */
  owner: string;
  agentName: string | null;
  taskId: string | null;
  taskTitle: string | null;
  /** ISO time of creation through this service; null for worktrees made elsewhere. */
  createdAt: string | null;
  /** The path relative to the repository (`.worktrees/bob-42`, `.` for the main worktree). */
  relativePath: string;
  /** Modified, staged or untracked files. */
  dirty: boolean;
  /** How many (untracked files counted one by one, as the review lists them). */
  changedFiles: number;
  /** Commits on this branch not on the main worktree's branch, and the other way; null for the main worktree or when unknown. */
  ahead: number | null;
  behind: number | null;
}

export interface CreateWorktreeInput {
  agentName: string;
  taskId: string;
  taskTitle?: string;
  /** A branch name instead of `agent/<agent>/<task>`; an existing branch is checked out, not created. */
  customBranch?: string;
  /** A directory name under the worktree base instead of `<agent>-<task>` (or that directory as `.worktrees/<name>/`). */
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

/** What every operation takes besides its input: the caller's cancellation. */
export interface OperationOptions {
  /** Aborted when the caller gives up (an action's time limit, a client that hung up): git is killed. */
  signal?: AbortSignal;
}

export interface RemoveWorktreeOptions extends OperationOptions {
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
  owner: string;
  agentName: string;
  taskId: string;
  taskTitle: string | null;
  branch: string;
  /** The create made the branch (a custom branch that existed before is not the creator's to delete). */
  branchCreated: boolean;
  createdAt: string;
}

export interface WorktreeMetadataFile {
  worktrees: Record<string, WorktreeMetadata>;
}

/**
 * What `worktrees.json` must hold (checked when it is read): metadata by absolute worktree path.
 * Records from before owners existed belong to the main user.
 */
export const worktreeMetadataFileSchema: z.ZodType<WorktreeMetadataFile, unknown> = z.object({
  worktrees: z.record(
    z.string(),
    z.object({
      owner: z.string().default(MAIN_USER_ID),
      agentName: z.string(),
      taskId: z.string(),
      taskTitle: z.string().nullable(),
      branch: z.string(),
      branchCreated: z.boolean().default(true),
      createdAt: z.string(),
    }),
  ),
});

/** Answers a reason to refuse removing the worktree at this path (an agent runs there), or nothing. */
export type RemovalGuard = (worktreePath: string) => string | undefined;
/** Hears the worktrees its actor may see, whenever they change. */
export type WorktreeListener = (worktrees: readonly Worktree[]) => void;

export interface WorktreeServiceOptions {
  /** Any directory inside the repository; its top level is used. */
  repo: string;
  store: PersistentStore<WorktreeMetadataFile>;
  /** The time limit of one operation on the repository (A2UI_GIT_TIMEOUT_MS). */
  gitTimeoutMs?: number;
  /** The git executable; tests put a slow wrapper here. */
  gitBinary?: string;
}

interface Subscriber {
  actor: Actor;
  listener: WorktreeListener;
  /** What it was last told (as JSON): it hears a change only when its own list changed. */
  last: string | null;
}

/** The worktrees `actor` may see. */
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

function visibleTo(actor: Actor, list: readonly Worktree[]): Worktree[] {
  return list.filter((worktree) => canManage(actor, worktree.owner));
}

export class WorktreeService {
  private readonly queue = new SerialQueue();
  private readonly guards = new Set<RemovalGuard>();
  private readonly subscribers = new Set<Subscriber>();
  /** The last list read from git (see `known`), and which read produced it. */
  private latest: Worktree[] | null = null;
  private latestTicket = 0;
  private tickets = 0;
  /** Bumped around every write: a read that started before a write ended is not shared after it. */
  private writeEpoch = 0;
  private sharedRead: { epoch: number; list: Promise<Worktree[]> } | null = null;

  private constructor(
    /** The repository's top level, or null when the configured directory is not in a git repository. */
    readonly root: string | null,
    /** Why the service is disabled, for `/api/health`. */
    readonly disabledReason: string | null,
    private readonly store: PersistentStore<WorktreeMetadataFile>,
    private readonly git: Git,
  ) {}

  static async open(options: WorktreeServiceOptions): Promise<WorktreeService> {
    const git = new Git({ binary: options.gitBinary, timeoutMs: options.gitTimeoutMs ?? DEFAULT_GIT_TIMEOUT_MS });
    try {
      const root = (await git.run(options.repo, ['rev-parse', '--show-toplevel'])).trim();
      return new WorktreeService(path.resolve(root), null, options.store, git);
    } catch (error) {
      // The reason shows on screens and in /api/health: it names the setting, not the server's folder.
      const reason = error instanceof GitError || (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the A2UI_REPO folder is not in a git repository' : 'git could not be run';
      if (!(error instanceof GitError)) console.warn('[worktree] git could not be run:', error);
      return new WorktreeService(null, reason, options.store, git);
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

  /** Called with the worktrees `actor` may see, after a create or remove that changed them. */
  onChange(actor: Actor, listener: WorktreeListener): () => void {
    const subscriber: Subscriber = { actor, listener, last: this.latest ? JSON.stringify(visibleTo(actor, this.latest)) : null };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** The worktrees `actor` may see, read from git now (never waiting for another user's write). */
  async list(actor: Actor, options: OperationOptions = {}): Promise<Worktree[]> {
    this.requireRoot();
    return visibleTo(actor, await this.untilCancelled(this.readShared(), options.signal, 'Listing the worktrees'));
  }

  /**
   * The list as last read, asking git only when it was never read: for a screen that opens (every
   * user's session starts with one), where a git run per session would cost more than it tells.
   * Decisions use `list()`; a screen refreshes with it.
   */
  async known(actor: Actor): Promise<Worktree[]> {
    this.requireRoot();
    return visibleTo(actor, this.latest ?? (await this.readShared()));
  }

  /** The worktree at `worktreePath` (absolute, or relative to the repository), if `actor` may see it. */
  async get(actor: Actor, worktreePath: string, options: OperationOptions = {}): Promise<Worktree> {
    checkPathInput(worktreePath);
    return this.find(actor, await this.list(actor, options), worktreePath);
  }

  async create(actor: Actor, input: CreateWorktreeInput, options: OperationOptions = {}): Promise<CreateWorktreeResult> {
    const checked = this.checkCreateInput(input); // refusals before the queue: nothing waits for them
    return this.write(options, 'Creating the worktree', async (signal) => {
      const { created, before } = await this.createNow(actor, checked, signal);
      const list = await this.readShared();
      this.emitChange(list, before);
      return { ...created, worktree: this.find(actor, list, created.path) };
    });
  }

  remove(actor: Actor, worktreePath: string, options: RemoveWorktreeOptions = {}): Promise<RemoveWorktreeResult> {
    checkPathInput(worktreePath);
    return this.write(options, 'Removing the worktree', async (signal) => {
      const { removed, before } = await this.removeNow(actor, worktreePath, options, signal);
      this.emitChange(await this.readShared(), before);
      return removed;
    });
  }

  /**
   * The hook for the review steps (agents/worktree/review/: diff, commit, merge, discard, push): runs
   * `step` with the worktree at `worktreePath` (one `actor` may see; else 404) in the repository's
   * queue and time limit, like every other git write here. With `changes`, the users who may see it
   * hear the new list afterwards (dirty flags, HEADs), whether the step succeeded or not.
   */
  withWorktree<T>(actor: Actor, worktreePath: string, step: (worktree: Worktree, list: readonly Worktree[]) => Promise<T>, options: OperationOptions & { changes?: boolean } = {}): Promise<T> {
    checkPathInput(worktreePath);
    return this.write(options, 'Reviewing the worktree', async (signal) => {
      const before = await this.readList(signal);
      const worktree = this.find(actor, before, worktreePath);
      try {
        return await step(worktree, before);
      } finally {
        if (options.changes) this.emitChange(await this.readShared(), before);
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
  // Reads, writes, time limits
  // -------------------------------------------------------------------------------------------

  private requireRoot(): string {
    if (this.root === null) throw new PluginError('WORKTREES_DISABLED', `Worktrees are disabled: ${this.disabledReason ?? 'no repository'}. Set A2UI_REPO to a git repository.`);
    return this.root;
  }

  /**
   * One read of git at a time is shared by everyone who asks while it runs (a crowd of sessions
   * opening), unless a write ended since it started: then its answer could be stale, and a new read runs.
   */
  private readShared(): Promise<Worktree[]> {
    if (this.sharedRead && this.sharedRead.epoch === this.writeEpoch) return this.sharedRead.list;
    const ticket = ++this.tickets;
    const limit = AbortSignal.timeout(this.git.timeoutMs);
    const list = this.readList(limit).then(
      (read) => {
        // A slow read that started before a newer one finished must not put an older list back.
        if (ticket > this.latestTicket) {
          this.latest = read;
          this.latestTicket = ticket;
        }
        return read;
      },
      (error: unknown) => {
        throw this.publicError(error, 'Listing the worktrees', limit);
      },
    );
    const shared = { epoch: this.writeEpoch, list };
    this.sharedRead = shared;
    void list.catch(() => undefined).finally(() => {
      if (this.sharedRead === shared) this.sharedRead = null;
    });
    return list;
  }

  /** A shared read, given up (not killed: others may wait for it) when this caller's signal aborts. */
  private untilCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
    if (!signal) return work;
    if (signal.aborted) return Promise.reject(cancelled(what, signal));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(cancelled(what, signal));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /**
   * A write on the repository's queue, within its own time limit from when it starts and within the
   * caller's signal (a caller that gave up while it waited starts nothing).
   */
  private write<T>(options: OperationOptions, what: string, operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.requireRoot();
    return this.queue.run(async () => {
      const limit = AbortSignal.timeout(this.git.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, limit]) : limit;
      if (signal.aborted) throw cancelled(what, signal);
      this.writeEpoch++;
      try {
        return await operation(signal);
      } catch (error) {
        throw this.publicError(error, what, signal);
      } finally {
        this.writeEpoch++;
      }
    });
  }

  /**
   * What a caller is told: a refusal as it is (its paths made repository-relative), a cancelled or
   * timed-out operation as TIMEOUT, a git or disk failure in words without the server's paths (the
   * details go to the server log).
   */
  private publicError(error: unknown, what: string, signal?: AbortSignal): PluginError {
    const roots = this.root ? [this.root] : [];
    if (error instanceof PluginError) return error.message.includes('/') ? new PluginError(error.code, scrubPaths(error.message, roots), error.details) : error;
    if (error instanceof GitAborted || signal?.aborted) return cancelled(what, signal, this.git.timeoutMs);
    console.error(`[worktree] ${what} failed:`, error);
    const said = error instanceof Error ? scrubPaths(error.message, roots) : String(error);
    return new PluginError('INTERNAL_ERROR', `${what} failed: ${said}`);
  }

  private async readList(signal: AbortSignal): Promise<Worktree[]> {
    const root = this.requireRoot();
    const entries = parseWorktreeList(await this.git.run(root, ['worktree', 'list', '--porcelain', '-z'], signal));
    const base = entries.find((entry) => entry.isMain)?.branch ?? null;
    return Promise.all(entries.filter((entry) => !entry.bare).map((entry) => this.describe(entry, base, signal)));
  }

  /** `[ahead, behind]` of the worktree's HEAD against `base` (the main worktree's branch). */
  private async divergence(entry: PorcelainWorktree, base: string | null, signal: AbortSignal): Promise<[number | null, number | null]> {
    if (entry.isMain || entry.prunable || !base) return [null, null];
    try {
      const out = await this.git.run(entry.path, ['rev-list', '--left-right', '--count', `refs/heads/${base}...HEAD`], signal);
      const [behind, ahead] = out.trim().split(/\s+/).map(Number);
      return Number.isInteger(ahead) && Number.isInteger(behind) ? [ahead!, behind!] : [null, null];
    } catch (error) {
      if (error instanceof GitAborted) throw error;
      return [null, null];
    }
  }

  private async describe(entry: PorcelainWorktree, base: string | null, signal: AbortSignal): Promise<Worktree> {
    const meta = Object.hasOwn(this.store.data.worktrees, entry.path) ? this.store.data.worktrees[entry.path] : undefined;
    let changedFiles = 0;
    if (!entry.prunable) {
      try {
        changedFiles = countStatusEntries(await this.git.run(entry.path, ['status', '--porcelain', '-z', '--untracked-files=all'], signal));
      } catch (error) {
        if (error instanceof GitAborted) throw error;
        changedFiles = 0; // a directory that vanished is `prunable` at the next list
      }
    }
    const [ahead, behind] = await this.divergence(entry, base, signal);
    return {
      path: entry.path,
      branch: entry.branch,
      head: entry.head,
      isMain: entry.isMain,
      state: entry.locked ? 'locked' : entry.prunable ? 'prunable' : 'active',
      owner: entry.isMain ? MAIN_USER_ID : (meta?.owner ?? MAIN_USER_ID),
      agentName: meta?.agentName ?? null,
      taskId: meta?.taskId ?? null,
      taskTitle: meta?.taskTitle ?? null,
      createdAt: meta?.createdAt ?? null,
      relativePath: path.relative(this.requireRoot(), entry.path) || '.',
      dirty: changedFiles > 0,
      changedFiles,
      ahead,
      behind,
    };
  }

  /**
   * Tells each subscriber its own list, when that changed since what it was told last (or, for one
   * told nothing yet, since `before`, the list the write started from).
   */
  private emitChange(list: readonly Worktree[], before: readonly Worktree[]): void {
    for (const subscriber of [...this.subscribers]) {
      const visible = visibleTo(subscriber.actor, list);
      const seen = JSON.stringify(visible);
      if (seen === (subscriber.last ?? JSON.stringify(visibleTo(subscriber.actor, before)))) continue;
      subscriber.last = seen;
      try {
        subscriber.listener(visible);
      } catch (error) {
        console.error('[worktree] a listener failed:', error);
      }
    }
  }

  /** A worktree `actor` may see; anything else (another user's, a made-up path) is the same 404. */
  private find(actor: Actor, list: readonly Worktree[], worktreePath: string): Worktree {
    const root = this.requireRoot();
    const wanted = path.resolve(root, worktreePath);
    const found = list.find((worktree) => worktree.path === wanted && canManage(actor, worktree.owner));
    if (!found) throw new PluginError('NOT_FOUND', `No worktree at ${repoRelative(root, wanted)}.`);
    return found;
  }

  private checkCreateInput(input: CreateWorktreeInput): CreateWorktreeInput {
    checkName('agentName', input.agentName);
    checkName('taskId', input.taskId);
    if (input.taskTitle !== undefined) checkTitle(input.taskTitle);
    if (input.customBranch !== undefined) checkBranchShape('customBranch', input.customBranch);
    if (input.baseBranch !== undefined) checkBranchShape('baseBranch', input.baseBranch);
    if (input.copyFiles !== undefined) checkCopyFiles(input.copyFiles);
    // `.worktrees/custom/` (the agent server document's form) is the directory `custom`.
    return input.customPath === undefined ? input : { ...input, customPath: checkDirName(input.customPath) };
  }

  // -------------------------------------------------------------------------------------------
  // Create
  // -------------------------------------------------------------------------------------------

  private async createNow(actor: Actor, input: CreateWorktreeInput, signal: AbortSignal): Promise<{ created: Omit<CreateWorktreeResult, 'worktree'>; before: Worktree[] }> {
    const root = this.requireRoot();
    const names = taskNames(input.agentName, input.taskId, input.taskTitle);
    const branch = input.customBranch ?? names.branch;
    const dirName = input.customPath ?? names.dirName;
    if (!(await this.git.succeeds(root, ['check-ref-format', '--branch', branch], signal))) {
      throw new PluginError('INVALID_INPUT', `"${branch}" is not a valid branch name (git check-ref-format).`);
    }
    const base = input.baseBranch ?? 'HEAD';
    if (!(await this.git.succeeds(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`], signal))) {
      throw new PluginError('INVALID_INPUT', `baseBranch "${base}" does not name a commit in this repository.`);
    }
    const copies = await planCopies(this.git, root, WORKTREE_BASE, input.copyFiles ?? [], signal);

    await this.git.run(root, ['worktree', 'prune'], signal);
    const target = await this.targetDir(root, dirName, signal);
    const listed = await this.readList(signal);
    await this.forgetMissing(listed);
    const holder = listed.find((worktree) => worktree.branch === branch);
    if (holder) {
      const where = canManage(actor, holder.owner) ? `the worktree ${repoRelative(root, holder.path)}` : 'another worktree';
      throw new PluginError('CONFLICT', `Branch ${branch} is already checked out in ${where}.`);
    }
    const branchExists = await this.git.succeeds(root, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], signal);
    if (branchExists && input.customBranch === undefined) {
      throw new PluginError('CONFLICT', `Branch ${branch} already exists: agent ${input.agentName} already has a worktree branch for task ${input.taskId}.`);
    }
    if (listed.some((worktree) => worktree.path === target)) throw new PluginError('CONFLICT', `A worktree already exists at ${repoRelative(root, target)}.`);
    // A directory left by a crash or a manual delete, no longer known to git: ours to clear.
    await fsp.rm(target, { recursive: true, force: true });

    // Recorded before git makes it, so a list read while git works already knows whose it is.
    this.store.data.worktrees[target] = {
      owner: actor.userId,
      agentName: input.agentName,
      taskId: input.taskId,
      taskTitle: input.taskTitle ?? null,
      branch,
      branchCreated: !branchExists,
      createdAt: new Date().toISOString(),
    };
    await this.store.write();
    try {
      try {
        if (branchExists) await this.git.run(root, ['worktree', 'add', target, branch], signal);
        else await this.git.run(root, ['worktree', 'add', '-b', branch, target, base], signal);
      } catch (error) {
        if (error instanceof GitError && /already exists|cannot lock ref|is already (checked out|used)/.test(error.stderr)) {
          throw new PluginError('CONFLICT', `git refused the branch ${branch}: ${scrubPaths(error.stderr.trim().split('\n').pop() ?? '', [root])}`);
        }
        throw error;
      }
      await copyInto(target, copies);
      signal.throwIfAborted(); // the caller gave up while the files were copied: it must not stay
    } catch (error) {
      // Half a worktree is worse than none, and a ghost would make the retry collide: undo it all.
      await this.undoCreate(root, target, branchExists ? null : branch);
      throw error;
    }
    return { created: { branch, path: target, branchCreated: !branchExists }, before: listed };
  }

  /**
   * Takes back what a create made: the worktree (even one git left locked while it was killed), its
   * directory, its registration, the branch when the create made it, and the metadata. Each step has
   * its own time limit and none waits for the caller, who may have gone already.
   */
  private async undoCreate(root: string, target: string, createdBranch: string | null): Promise<void> {
    const quietly = (args: string[]) => this.git.run(root, args).catch(() => undefined);
    await quietly(['worktree', 'unlock', target]);
    await quietly(['worktree', 'remove', '--force', '--force', target]);
    await fsp.rm(target, { recursive: true, force: true }).catch(() => undefined);
    await quietly(['worktree', 'prune']);
    if (createdBranch) await quietly(['branch', '-D', createdBranch]);
    delete this.store.data.worktrees[target];
    await this.store.write();
  }

  /** Drops the metadata of worktrees removed behind our back (by hand, or pruned). */
  private async forgetMissing(listed: readonly Worktree[]): Promise<void> {
    const known = new Set(listed.map((worktree) => worktree.path));
    const stale = Object.keys(this.store.data.worktrees).filter((p) => !known.has(p));
    for (const p of stale) delete this.store.data.worktrees[p];
    if (stale.length) await this.store.write();
  }

  /** The new worktree's directory: inside the base, the base inside the repository, no symlink on the way. */
  private async targetDir(root: string, dirName: string, signal: AbortSignal): Promise<string> {
    const base = path.join(root, WORKTREE_BASE);
    await fsp.mkdir(base, { recursive: true });
    await this.excludeBase(root, signal);
    const realRoot = await fsp.realpath(root);
    const realBase = await fsp.realpath(base);
    if (realBase !== path.join(realRoot, WORKTREE_BASE)) {
      throw new PluginError('INVALID_INPUT', `The worktree base ${WORKTREE_BASE}/ is a link out of the repository; refusing to create worktrees through it.`);
    }
    const target = path.join(base, dirName);
    const existing = await fsp.lstat(target).catch(() => null);
    if (existing?.isSymbolicLink()) throw new PluginError('INVALID_INPUT', `${repoRelative(root, target)} is a symbolic link; a worktree cannot be created through it.`);
    return target;
  }

  /** Keeps `.worktrees/` out of the main worktree's `git status` (once per repository). */
  private async excludeBase(root: string, signal: AbortSignal): Promise<void> {
    const commonDir = path.resolve(root, (await this.git.run(root, ['rev-parse', '--git-common-dir'], signal)).trim());
    const exclude = path.join(commonDir, 'info', 'exclude');
    const current = await fsp.readFile(exclude, 'utf8').catch(() => '');
    const line = `/${WORKTREE_BASE}/`;
    if (current.split('\n').includes(line)) return;
    await fsp.mkdir(path.dirname(exclude), { recursive: true });
    await fsp.appendFile(exclude, `${current && !current.endsWith('\n') ? '\n' : ''}${line}\n`);
  }

  // -------------------------------------------------------------------------------------------
  // Remove
  // -------------------------------------------------------------------------------------------

  private async removeNow(actor: Actor, worktreePath: string, options: RemoveWorktreeOptions, signal: AbortSignal): Promise<{ removed: RemoveWorktreeResult; before: Worktree[] }> {
    const root = this.requireRoot();
    const before = await this.readList(signal);
    const worktree = this.find(actor, before, worktreePath);
    const named = repoRelative(root, worktree.path);
    if (worktree.isMain) throw new PluginError('INVALID_INPUT', 'The main worktree cannot be removed.');
    for (const guard of this.guards) {
      const reason = guard(worktree.path);
      if (reason) throw new PluginError('CONFLICT', reason);
    }
    if (worktree.state === 'locked' && !options.force) {
      throw new PluginError('CONFLICT', `The worktree ${named} is locked; remove it with force to override the lock.`);
    }
    if (worktree.dirty && !options.force) {
      throw new PluginError('CONFLICT', `The worktree ${named} has uncommitted changes; remove it with force to discard them.`);
    }
    const branch = worktree.branch;
    const meta = Object.hasOwn(this.store.data.worktrees, worktree.path) ? this.store.data.worktrees[worktree.path] : undefined;
    if (options.deleteBranch && branch && !actor.admin && meta?.branchCreated === false) {
      throw new PluginError('FORBIDDEN', `Branch ${branch} existed before this worktree was created; only an administrator can delete it. Remove the worktree without deleting the branch.`);
    }
    if (options.deleteBranch && branch && !options.force && !(await this.git.succeeds(root, ['merge-base', '--is-ancestor', branch, 'HEAD'], signal))) {
      throw new PluginError('CONFLICT', `Branch ${branch} has commits that are not merged into the main worktree's HEAD; use force to delete it anyway.`);
    }

    const forceArgs = options.force ? (worktree.state === 'locked' ? ['--force', '--force'] : ['--force']) : [];
    await this.git.run(root, ['worktree', 'remove', ...forceArgs, worktree.path], signal);
    // The worktree is gone: its record goes now, whatever happens to the branch.
    if (meta) {
      delete this.store.data.worktrees[worktree.path];
      await this.store.write();
    }
    let branchDeleted = false;
    if (options.deleteBranch && branch) {
      await this.git.run(root, ['branch', options.force ? '-D' : '-d', branch], signal);
      branchDeleted = true;
    }
    return { removed: { path: worktree.path, branch, branchDeleted }, before };
  }
}

/** A path argument a client sent: a refusal before anything runs. */
function checkPathInput(worktreePath: string): void {
  if (typeof worktreePath !== 'string' || worktreePath.length === 0 || worktreePath.length > 4096 || worktreePath.includes('\0')) {
    throw new PluginError('INVALID_INPUT', 'path must be a non-empty worktree path.');
  }
}

/** TIMEOUT: the operation's own time limit passed, or its caller gave up; nothing of it stays. */
function cancelled(what: string, signal: AbortSignal | undefined, limitMs?: number): PluginError {
  const reason = signal?.reason as { name?: string } | undefined;
  if (reason?.name === 'TimeoutError' && limitMs !== undefined) {
    return new PluginError('TIMEOUT', `${what} took longer than ${Math.round(limitMs / 100) / 10} s (A2UI_GIT_TIMEOUT_MS) and was stopped; nothing of it was kept. Try again.`);
  }
  return new PluginError('TIMEOUT', `${what} was cancelled: the request ended before it finished; nothing of it was kept.`);
}
