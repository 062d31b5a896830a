/**
 * The checks every review request passes before git runs: file paths are relative, inside the
 * worktree and among the files the diff lists (so nothing else can be committed, restored or deleted);
 * a branch passes our rule and `git check-ref-format --branch`; a message is text without NUL. A
 * refusal is INVALID_INPUT naming the field, and never echoes an absolute server path.
 */
import { PluginError } from '../../errors';
import { gitSucceeds } from '../git';
import { checkBranchShape } from '../names';
import type { ChangedFile } from './model';

export const MAX_FILES_PER_REQUEST = 1000;
const MESSAGE_MAX = 10_000;

function invalid(message: string): never {
  throw new PluginError('INVALID_INPUT', message);
}

/** A refused value as the message shows it: an absolute path is not echoed (it may name the server's folders). */
function shown(value: string): string {
  if (value.startsWith('/')) return 'an absolute path';
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(printable.length > 60 ? `${printable.slice(0, 60)}…` : printable);
}

/** A path relative to the worktree: no absolute path, no `..`, no option look-alike, no NUL. */
export function checkRelativePath(field: string, value: string): string {
  const segments = value.split('/');
  if (
    value === '' ||
    value.length > 4096 ||
    value.includes('\0') ||
    value.startsWith('/') ||
    value.startsWith('-') ||
    value.includes('\\') ||
    segments.some((segment) => segment === '..' || segment === '.' || segment === '') ||
    segments[0] === '.git'
  ) {
    invalid(`${field} ${shown(value)} must be a path relative to the worktree, inside it.`);
  }
  return value;
}

/** The listed changed files named by `paths` (each checked, each listed), in the order given. */
export function pickListed(field: string, paths: readonly string[], listed: readonly ChangedFile[]): ChangedFile[] {
  if (paths.length > MAX_FILES_PER_REQUEST) invalid(`${field} names more than ${MAX_FILES_PER_REQUEST} files.`);
  const byPath = new Map(listed.map((file) => [file.path, file]));
  const picked = new Map<string, ChangedFile>();
  for (const p of paths) {
    checkRelativePath(field, p);
    const file = byPath.get(p);
    if (!file) invalid(`${field}: ${shown(p)} is not a changed file of this worktree.`);
    picked.set(p, file);
  }
  return [...picked.values()];
}

/** A branch name: our shape rule, then git's own (`check-ref-format --branch`). */
export async function checkBranch(cwd: string, field: string, value: string): Promise<string> {
  checkBranchShape(field, value);
  if (!(await gitSucceeds(cwd, ['check-ref-format', '--branch', value]))) invalid(`${field} ${shown(value)} is not a valid branch name (git check-ref-format).`);
  return value;
}

/** A commit message or PR text: trimmed, not empty, bounded, no NUL. */
export function checkMessage(field: string, value: string | null | undefined): string {
  const text = (value ?? '').trim();
  if (text === '') invalid(`${field} is empty: write one (there is no agent result to use).`);
  if (text.length > MESSAGE_MAX) invalid(`${field} is longer than ${MESSAGE_MAX} characters.`);
  if (text.includes('\0')) invalid(`${field} must not contain NUL characters.`);
  return text;
}
