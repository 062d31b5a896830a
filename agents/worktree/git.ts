/**
 * Runs git. Always `execFile` with an argument array: no shell ever sees a branch name, a path or a
 * title, so `; rm -rf ~` or `$(id)` stay inert strings even before validation rejects them.
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

/** Prompts would hang a server with no terminal; messages in English so stderr can be matched. */
const GIT_ENV: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANG: 'C' };

export function git(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: GIT_ENV, maxBuffer: 32 * 1024 * 1024, timeout: 60_000, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const code = typeof error.code === 'number' ? error.code : null;
        reject(new GitError(args, code, String(stderr || error.message), String(stdout)));
      } else {
        resolve(String(stdout));
      }
    });
  });
}

/** True when git exits 0 (for questions such as "does this ref exist?"). */
export async function gitSucceeds(cwd: string, args: readonly string[]): Promise<boolean> {
  try {
    await git(cwd, args);
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}
