/**
 * Commits a worktree's changes: all of them, or the files picked from the diff's list (a rename takes
 * its old path along, so the commit records a rename and not a copy).
 */
import { PluginError } from '../../errors';
import type { Comparison } from './changes';
import { listChanges } from './changes';
import { gitLiteral, headOf, identityArgs, stepFailed } from './git-steps';
import { pickListed } from './inputs';

export interface CommitResult {
  commit: string;
  files: string[];
  message: string;
}

export async function commitChanges(cwd: string, comparison: Comparison, message: string, files: readonly string[] | undefined): Promise<CommitResult> {
  const { files: listed } = await listChanges(cwd, comparison, Number.MAX_SAFE_INTEGER);
  if (listed.length === 0) throw new PluginError('CONFLICT', 'Nothing to commit: the worktree has no changes.');
  const picked = files === undefined ? listed : pickListed('files', files, listed);
  if (picked.length === 0) throw new PluginError('INVALID_INPUT', 'files is empty: pick at least one file to commit.');
  const identity = await identityArgs(cwd);
  const paths = picked.flatMap((file) => (file.oldPath ? [file.oldPath, file.path] : [file.path]));
  // All: the whole worktree (no path list that could outgrow the command line). Some: `--only`, so
  // exactly these paths are committed, whatever else is staged.
  const pathArgs = files === undefined ? [] : ['--', ...paths];
  // `update-index --add --remove` stages exactly these paths (a rename's old path may already be out of
  // the index, which `git add -- <path>` refuses as matching nothing).
  await gitLiteral(cwd, files === undefined ? ['add', '--all'] : ['update-index', '--add', '--remove', ...pathArgs]);
  try {
    await gitLiteral(cwd, [...identity, 'commit', '--quiet', '--no-edit', '-m', message, ...(files === undefined ? [] : ['--only']), ...pathArgs]);
  } catch (error) {
    stepFailed(error, 'The commit', [cwd]);
  }
  return { commit: await headOf(cwd), files: picked.map((file) => file.path), message };
}
