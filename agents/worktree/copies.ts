/**
 * `copyFiles` of a new worktree: untracked files of the main worktree (such as `.env`) that the new
 * one should have too. Each is checked before anything is made, so a bad list is a 400 and never half
 * a worktree: it must be a regular file, untracked (a tracked file is already in the new worktree),
 * whose real path stays inside the repository and outside `.git` and the worktree base (another
 * worktree's files are not the main worktree's to hand out). Names are checked for shape and
 * duplicates in names.ts.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PluginError } from '../errors';
import type { Git } from './git';

export interface PlannedCopy {
  /** The real path of the source. */
  source: string;
  /** Where it goes, relative to the new worktree (as the client named it). */
  relative: string;
}

function refuse(file: string, why: string): never {
  throw new PluginError('INVALID_INPUT', `copyFiles: ${file} ${why}`);
}

function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent + path.sep);
}

export async function planCopies(git: Git, root: string, base: string, files: readonly string[], signal: AbortSignal): Promise<PlannedCopy[]> {
  const realRoot = await fsp.realpath(root);
  const commonDir = path.resolve(root, (await git.run(root, ['rev-parse', '--git-common-dir'], signal)).trim());
  const forbidden = [path.join(realRoot, '.git'), await fsp.realpath(commonDir).catch(() => commonDir), path.join(realRoot, base)];
  const copies: PlannedCopy[] = [];
  for (const relative of files) {
    const real = await fsp.realpath(path.join(root, relative)).catch(() => null);
    if (real === null) refuse(relative, 'does not exist in the repository.');
    if (!isInside(realRoot, real) || real === realRoot) refuse(relative, 'leads outside the repository.');
    if (forbidden.some((dir) => isInside(dir, real))) refuse(relative, `is inside .git or ${base}/: only the main worktree's own files can be copied.`);
    if (!(await fsp.stat(real)).isFile()) refuse(relative, 'is not a regular file.');
    const tracked = await git.run(root, ['ls-files', '-z', '--', `:(literal)${relative}`], signal);
    if (tracked !== '') refuse(relative, 'is tracked by git: the new worktree has it already.');
    copies.push({ source: real, relative });
  }
  return copies;
}

/** Copies into the new worktree; a file its branch already has is the client's mistake, not a crash. */
export async function copyInto(target: string, copies: readonly PlannedCopy[]): Promise<void> {
  for (const copy of copies) {
    const destination = path.join(target, copy.relative);
    try {
      await fsp.mkdir(path.dirname(destination), { recursive: true });
      await fsp.copyFile(copy.source, destination, fs.constants.COPYFILE_EXCL);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') refuse(copy.relative, 'is already in the new worktree (its branch tracks it).');
      throw error;
    }
  }
}
