/**
 * Small git questions and steps the review actions share. Paths always go after `--` and with
 * `--literal-pathspecs`, so a file called `*` or `:(top)` is that file, not a pattern.
 */
import { PluginError } from '../../errors';
import { git, GitError, gitSucceeds } from '../git';

/** git with paths as literal paths (never patterns or magic). */
export function gitLiteral(cwd: string, args: readonly string[]): Promise<string> {
  return git(cwd, ['--literal-pathspecs', ...args]);
}

/** `git status --porcelain` (untracked files included): empty when the worktree is clean. */
export async function statusOf(cwd: string): Promise<string> {
  return git(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
}

export async function headOf(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
}

export function branchExists(cwd: string, branch: string): Promise<boolean> {
  return gitSucceeds(cwd, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]);
}

/**
 * `-c user.name/email` for a repository where no identity is configured (a server account often has
 * none): commits made on the user's behalf still get an author, named after the product.
 */
export async function identityArgs(cwd: string): Promise<string[]> {
  if (await gitSucceeds(cwd, ['config', '--get', 'user.email'])) return [];
  return ['-c', 'user.name=a2ui-orchestrator', '-c', 'user.email=a2ui-orchestrator@localhost'];
}

/**
 * A git step that failed for a reason the user can act on (a hook refused the commit, the push was
 * rejected) as a 409 with git's own words, the server's paths taken out.
 */
export function stepFailed(error: unknown, what: string, paths: readonly string[]): never {
  if (!(error instanceof GitError)) throw error;
  let detail = error.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' ');
  for (const p of paths) detail = detail.split(p).join('…');
  throw new PluginError('CONFLICT', `${what} failed: ${detail || `git exited with ${error.exitCode ?? 'a signal'}`}`);
}
