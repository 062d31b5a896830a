/**
 * The GitHub CLI (`gh`), run like git: `execFile` with an argument array, no shell, no prompt (a
 * server has no terminal to answer one). Whether it can be used is asked each time (`gh --version`,
 * then `gh auth status`): installing or signing in takes effect without a restart.
 */
import { execFile } from 'node:child_process';
import { PluginError } from '../../errors';

export type GhAvailability = { available: true } | { available: false; reason: string };

export class GhError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`gh failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${stderr.trim().split('\n')[0] ?? ''}`);
    this.name = 'GhError';
  }
}

export interface GhOptions {
  /** The executable, looked up on the PATH of `env` (default `gh`). */
  command?: string;
  /** The environment gh runs with: its PATH finds gh, its HOME and GH_* find the sign-in. */
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export const GH_MISSING = 'The GitHub CLI (gh) is not installed on the server: install it and run `gh auth login` there to open pull requests.';
export const GH_SIGNED_OUT = 'The GitHub CLI (gh) is installed but not signed in: run `gh auth login` on the server to open pull requests.';

export class GhCli {
  private readonly command: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;

  constructor(options: GhOptions) {
    this.command = options.command ?? 'gh';
    this.env = { ...options.env, GH_PROMPT_DISABLED: '1', GH_NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1', GIT_TERMINAL_PROMPT: '0' };
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  run(cwd: string, args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.command, args, { cwd, env: this.env, maxBuffer: 4 * 1024 * 1024, timeout: this.timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
        if (!error) return resolve(String(stdout));
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new PluginError('CONFLICT', GH_MISSING));
        reject(new GhError(typeof error.code === 'number' ? error.code : null, String(stdout), String(stderr || error.message)));
      });
    });
  }

  /** Installed and signed in, or why not (in words a user can act on). */
  async availability(cwd: string): Promise<GhAvailability> {
    try {
      await this.run(cwd, ['--version']);
    } catch {
      return { available: false, reason: GH_MISSING };
    }
    try {
      await this.run(cwd, ['auth', 'status']);
      return { available: true };
    } catch {
      return { available: false, reason: GH_SIGNED_OUT };
    }
  }
}
