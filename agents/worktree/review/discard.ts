/**
 * Throws away a worktree's uncommitted changes to some files: a file the last commit has is restored
 * from it (index and working tree); a file it does not have (untracked, or only staged) is unstaged
 * and deleted. Only files the diff lists can be named, and a deletion never follows a link out of the
 * worktree: the file's folder must really be inside it.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PluginError } from '../../errors';
import type { ChangedFile } from './model';
import { gitLiteral } from './git-steps';

/** The paths of `paths` that HEAD has. */
async function inHead(cwd: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const out = await gitLiteral(cwd, ['ls-tree', '-r', '--name-only', '-z', 'HEAD', '--', ...paths]);
  return new Set(out.split('\0').filter((p) => p !== ''));
}

/**
 * The real folder of a worktree file, or null when it is gone (and the file with it); a folder that
 * resolves outside the worktree (a symlinked folder) is refused.
 */
async function realFolderInside(cwd: string, relative: string): Promise<string | null> {
  const realRoot = await fsp.realpath(cwd);
  const folder = await fsp.realpath(path.dirname(path.join(cwd, relative))).catch(() => null);
  if (folder !== null && folder !== realRoot && !folder.startsWith(realRoot + path.sep)) {
    throw new PluginError('INVALID_INPUT', `files: ${JSON.stringify(relative)} is behind a link that leads out of the worktree; nothing was discarded.`);
  }
  return folder;
}

export async function discardFiles(cwd: string, files: readonly ChangedFile[]): Promise<string[]> {
  const paths = files.flatMap((file) => (file.oldPath ? [file.oldPath, file.path] : [file.path]));
  const tracked = await inHead(cwd, paths);
  const restore = paths.filter((p) => tracked.has(p));
  const remove = paths.filter((p) => !tracked.has(p));
  // Every deletion is checked before anything changes.
  const folders = await Promise.all(remove.map((p) => realFolderInside(cwd, p)));
  if (restore.length > 0) await gitLiteral(cwd, ['restore', '--source=HEAD', '--staged', '--worktree', '--', ...restore]);
  if (remove.length > 0) {
    await gitLiteral(cwd, ['rm', '--cached', '--quiet', '--ignore-unmatch', '--', ...remove]);
    // rm of the entry itself: a symbolic link is removed, never what it points to.
    for (const [i, p] of remove.entries()) if (folders[i]) await fsp.rm(path.join(folders[i]!, path.basename(p)), { force: true });
  }
  return files.map((file) => file.path);
}
