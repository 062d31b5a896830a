/**
 * Where an agent runs: a worktree the worktree plugin lists for the user (their own; an
 * administrator's: any, but not the main one), or, when none is chosen, the repository itself
 * (`A2UI_REPO`). The client names a worktree by the path the list gave it; only a path found in the
 * user's current list is ever used, so no client string becomes a cwd unchecked, and another user's
 * worktree is as absent as a made-up path (404).
 *
 * The worktree plugin is seen through this small structural interface (a plugin does not import
 * another plugin's internals); the Agents module passes the Worktree module's service (module.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PluginError } from '../errors';
import { WORKTREE_BASE, repoRelative } from '../paths';
import { mainUserOnly, type Actor, type UserRoles } from '../roles';

export interface WorktreeInfo {
  path: string;
  branch: string | null;
  isMain: boolean;
  agentName: string | null;
  taskId: string | null;
  /** Changed files (modified, staged, untracked), when the source counts them. */
  changedFiles?: number;
}

export interface WorktreeSource {
  readonly enabled: boolean;
  /** The worktrees `actor` may use, read now. */
  list(actor: Actor, options?: { signal?: AbortSignal }): Promise<WorktreeInfo[]>;
  /** The list as last read (for the picker; a start checks against `list`). */
  known(actor: Actor): Promise<WorktreeInfo[]>;
  /** Hears changes of the worktrees `actor` may use (and only those). */
  onChange(actor: Actor, listener: () => void): () => void;
  /** A new worktree for an agent's task (the parallel start), owned by `actor`. */
  create(actor: Actor, input: { agentName: string; taskId: string; taskTitle?: string }, options?: { signal?: AbortSignal }): Promise<{ path: string; branch: string }>;
}

/** One entry of the start form's worktree picker. */
export interface WorkdirChoice {
  /** The worktree's path ('' = none: the repository). */
  value: string;
  label: string;
  /** The worktree's branch (for the agents list). */
  branch: string | null;
  changedFiles: number;
}

export interface Workdir {
  cwd: string;
  worktree: string | null;
}

export class Workdirs {
  constructor(
    readonly repoDir: string,
    private readonly worktrees?: WorktreeSource,
    private readonly roles: UserRoles = mainUserOnly,
  ) {}

  /** The worktrees the user's agents can run in (theirs, every one for an administrator; never the main one); `fresh` asks git again. */
  async choices(userId: string, options: { fresh?: boolean } = {}): Promise<WorkdirChoice[]> {
    if (!this.worktrees?.enabled) return [];
    const actor = this.roles.actor(userId);
    const list = options.fresh ? await this.worktrees.list(actor) : await this.worktrees.known(actor);
    return list
      .filter((w) => !w.isMain)
      .map((w) => ({
        value: w.path,
        label: [w.branch ?? w.path, w.agentName && `agent ${w.agentName}`, w.taskId && `task ${w.taskId}`].filter(Boolean).join(' · '),
        branch: w.branch,
        changedFiles: w.changedFiles ?? 0,
      }));
  }

  /** Creates a worktree for a user's agent's task (503 when there are no worktrees). */
  async create(userId: string, input: { agentName: string; taskId: string; taskTitle?: string }, signal?: AbortSignal): Promise<{ path: string; branch: string }> {
    if (!this.worktrees?.enabled) throw new PluginError('WORKTREES_DISABLED', 'Worktrees are not available: the repository is not a git repository.');
    return this.worktrees.create(this.roles.actor(userId), input, { signal });
  }

  /** Tells `listener` when the user's worktrees change (the picker re-reads them). */
  onChange(userId: string, listener: () => void): () => void {
    return this.worktrees?.onChange(this.roles.actor(userId), listener) ?? (() => undefined);
  }

  /**
   * The directory for a user's start: the named worktree (checked against their list) or the
   * repository. A worktree is named as `matches` says.
   */
  async resolve(worktree: string | null | undefined, userId: string, signal?: AbortSignal): Promise<Workdir> {
    if (!worktree) {
      this.assertDirectory(this.repoDir, 'The repository folder');
      return { cwd: this.repoDir, worktree: null };
    }
    if (!this.worktrees?.enabled) throw new PluginError('WORKTREES_DISABLED', 'Worktrees are not available: the repository is not a git repository.');
    const found = (await this.worktrees.list(this.roles.actor(userId), { signal })).find((w) => !w.isMain && this.matches(worktree, w.path));
    if (!found) throw new PluginError('NOT_FOUND', 'worktree: no such worktree of yours (pick one from the list, or none).');
    this.assertDirectory(found.path, 'The worktree');
    return { cwd: found.path, worktree: found.path };
  }

  /**
   * A working directory named by the client (the agent server's `workingDirectory`): the repository
   * itself (its path, or `.`), or one of the user's worktrees. Nothing else becomes a cwd.
   */
  async resolveWorkingDirectory(dir: string, userId: string, signal?: AbortSignal): Promise<Workdir> {
    if (this.matches(dir, this.repoDir)) return this.resolve(null, userId, signal);
    if (!this.worktrees?.enabled) throw new PluginError('NOT_FOUND', 'workingDirectory: it is not the repository (and there are no worktrees).');
    return this.resolve(dir, userId, signal).catch((error: unknown) => {
      if (error instanceof PluginError && error.code === 'NOT_FOUND') throw new PluginError('NOT_FOUND', 'workingDirectory: neither the repository nor one of your worktrees.');
      throw error;
    });
  }

  /**
   * Whether `name` names the folder `dir`: its absolute path, its path relative to the repository
   * (`.worktrees/bob-42`, `.` for the repository), each with or without a trailing `/`, or, for a
   * worktree under the worktree base, its directory name alone (`bob-42`: the agent server document
   * names worktrees so).
   */
  matches(name: string, dir: string): boolean {
    const wanted = name.length > 1 ? name.replace(/\/+$/, '').replace(/^\.\/(?=.)/, '') : name;
    const relative = path.relative(this.repoDir, dir) || '.';
    return wanted === dir || wanted === relative || (path.dirname(relative) === WORKTREE_BASE && wanted === path.basename(relative));
  }

  /** A CONFLICT when the folder is gone (a removed worktree, a moved repository), naming it relative to the repository. */
  assertDirectory(dir: string, what: string): void {
    let ok = false;
    try {
      ok = fs.statSync(dir).isDirectory();
    } catch {
      ok = false;
    }
    if (!ok) throw new PluginError('CONFLICT', `${what} (${repoRelative(this.repoDir, dir)}) does not exist.`);
  }
}
