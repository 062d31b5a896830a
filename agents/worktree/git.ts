/**
 * Runs git. Always `execFile` with an argument array: no shell ever sees a branch name, a path or a
 * title, so `; rm -rf ~` or `$(id)` stay inert strings even before validation rejects them.
 *
 * Every run has a time limit and may be cancelled: an aborted signal kills git (SIGKILL), so a request
 * that timed out cannot leave a git process that finishes its work later behind the caller's back.
 */
import { execFile } from 'node:child_process';

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    /** What git printed before failing (a `merge-tree` conflict report is on stdout). */
    readonly stdout = '',
  ) {
    super(`git ${args[0] ?? ''} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${stderr.trim().split('\n')[0] ?? ''}`);
    this.name = 'GitError';
  }
}

/** git was killed because its signal was aborted (a time limit, a caller that went away). */
export class GitAborted extends Error {
  constructor(readonly reason: unknown) {
    super('git was stopped before it finished');
    this.name = 'GitAborted';
  }
}

export const DEFAULT_GIT_TIMEOUT_MS = 30_000;

export interface GitOptions {
  /** The git executable (tests put a slow wrapper here); found on PATH. */
  binary?: string;
  /** The longest one run may take when its caller gives no signal. */
  timeoutMs?: number;
}

export class Git {
  private readonly binary: string;
  readonly timeoutMs: number;

  constructor(options: GitOptions = {}) {
    this.binary = options.binary ?? 'git';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  }

  /** git's stdout; GitError when it exits non-zero, GitAborted when `signal` aborts first. */
  run(cwd: string, args: readonly string[], signal: AbortSignal = AbortSignal.timeout(this.timeoutMs)): Promise<string> {
    if (signal.aborted) return Promise.reject(new GitAborted(signal.reason));
    // Read at each run (not at load): prompts would hang a server with no terminal; messages in
    // English so stderr can be matched.
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANG: 'C' };
    return new Promise((resolve, reject) => {
      execFile(this.binary, args, { cwd, env, signal, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
        if (signal.aborted) reject(new GitAborted(signal.reason));
        else if (error) reject(new GitError(args, typeof error.code === 'number' ? error.code : null, String(stderr || error.message), String(stdout)));
        else resolve(String(stdout));
      });
    });
  }

  /** True when git exits 0 (for questions such as "does this ref exist?"). */
  async succeeds(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<boolean> {
    try {
      await this.run(cwd, args, signal);
      return true;
    } catch (error) {
      if (error instanceof GitError) return false;
      throw error;
    }
  }
}

/**
 * One git run with the default time limit, for steps that run inside a worktree operation already
 * serialised and time-limited by the worktree service (the review steps, `WorktreeService.withWorktree`).
 */
const defaultGit = new Git();

export function git(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  return defaultGit.run(cwd, args, signal);
}

export function gitSucceeds(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<boolean> {
  return defaultGit.succeeds(cwd, args, signal);
}
