/**
 * Where an agent runs: a worktree the worktree plugin lists (not the main one), or, when none is
 * chosen, the repository itself (`A2UI_REPO`). The client names a worktree by the path the list gave
 * it; only a path found in the current list is ever used, so no client string becomes a cwd unchecked.
 *
 * The worktree plugin is seen through this small structural interface (a plugin does not import
 * another plugin's internals); the Agents module passes the Worktree module's service (module.ts).
 */
import fs from 'node:fs';
import { PluginError } from '../errors';

export interface WorktreeInfo {
  path: string;
  branch: string | null;
  isMain: boolean;
  agentName: string | null;
  taskId: string | null;
}

export interface WorktreeSource {
  readonly enabled: boolean;
  list(): Promise<WorktreeInfo[]>;
  /** The list as last read (for the picker; a start checks against `list`). */
  known(): Promise<WorktreeInfo[]>;
  onChange(listener: () => void): () => void;
}

/** One entry of the start form's worktree picker. */
export interface WorkdirChoice {
  /** The worktree's path ('' = none: the repository). */
  value: string;
  label: string;
}

export interface Workdir {
  cwd: string;
  worktree: string | null;
}

export class Workdirs {
  constructor(
    readonly repoDir: string,
    private readonly worktrees?: WorktreeSource,
  ) {}

  /** The worktrees an agent can run in (every one but the main worktree). */
  async choices(): Promise<WorkdirChoice[]> {
    if (!this.worktrees?.enabled) return [];
    const list = await this.worktrees.known();
    return list
      .filter((w) => !w.isMain)
      .map((w) => ({
        value: w.path,
        label: [w.branch ?? w.path, w.agentName && `agent ${w.agentName}`, w.taskId && `task ${w.taskId}`].filter(Boolean).join(' · '),
      }));
  }

  /** Tells `listener` when the worktrees change (the picker re-reads them). */
  onChange(listener: () => void): () => void {
    return this.worktrees?.onChange(listener) ?? (() => undefined);
  }

  /** The directory for a start: the named worktree (checked against the list) or the repository. */
  async resolve(worktree: string | null | undefined): Promise<Workdir> {
    if (!worktree) {
      assertDirectory(this.repoDir, 'The repository folder');
      return { cwd: this.repoDir, worktree: null };
    }
    if (!this.worktrees?.enabled) throw new PluginError('WORKTREES_DISABLED', 'Worktrees are not available: the repository is not a git repository.');
    const found = (await this.worktrees.list()).find((w) => w.path === worktree && !w.isMain);
    if (!found) throw new PluginError('INVALID_INPUT', 'worktree: not one of the repository\'s worktrees (pick one from the list, or none).');
    assertDirectory(found.path, 'The worktree');
    return { cwd: found.path, worktree: found.path };
  }
}

/** A CONFLICT when the folder is gone (a removed worktree, a moved repository). */
export function assertDirectory(dir: string, what: string): void {
  let ok = false;
  try {
    ok = fs.statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new PluginError('CONFLICT', `${what} ${dir} does not exist.`);
}
