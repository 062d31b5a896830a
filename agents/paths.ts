/**
 * What a message may say about a place on the server's disk: a path relative to the repository
 * (`.worktrees/bob-42`), never an absolute one. Clients get errors as toasts and REST answers, and an
 * absolute path tells them how the server's disk is laid out (home folders, user names).
 */
import path from 'node:path';

/** Where created worktrees live, under the repository's top level (shared: agents name worktrees by it too). */
export const WORKTREE_BASE = '.worktrees';

/** `target` relative to `root` (`.` for the root itself); anything outside is not named. */
export function repoRelative(root: string, target: string): string {
  const relative = path.relative(root, target);
  if (relative === '') return '.';
  if (relative.startsWith('..') || path.isAbsolute(relative)) return '(a folder outside the repository)';
  return relative;
}

/**
 * `text` (git's stderr, an error message) with absolute paths replaced: those inside one of `roots`
 * become repository-relative, any other becomes a placeholder.
 */
export function scrubPaths(text: string, roots: readonly string[]): string {
  let scrubbed = text;
  for (const root of [...roots].sort((a, b) => b.length - a.length)) {
    scrubbed = scrubbed.split(`${root}/`).join('').split(root).join('.');
  }
  // What is left that looks like an absolute path (a slash not inside a word, a URL or a ref name).
  return scrubbed.replace(/(?<![\w.:/~-])\/[^\s'"`,;:)]+/g, '(a path outside the repository)');
}
