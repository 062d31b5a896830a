/**
 * What a worktree may be called, and where it may live. Every rule here runs before anything touches
 * the disk; a refusal is a PluginError(INVALID_INPUT) naming the field and the rule, so hostile input
 * (`; rm -rf ~`, `$(id)`, `../../etc`, newlines, 10,000 characters, unicode) changes nothing.
 *
 * Names are stricter than git's own rules on purpose: git accepts `$(id)` or a backtick in a branch
 * name, and such a name is harmless to us (no shell) but a trap for whoever pastes it into one later.
 */
import { PluginError } from '../errors';
import { WORKTREE_BASE } from '../paths';

/** Agent names and task ids: what ends up in a branch and a directory name. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Branch names we accept from users (before `git check-ref-format --branch` has its say). */
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$/;
/** A worktree directory under the base: one path segment. */
const DIR_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
/** A file to copy: a relative path of plain segments. */
const RELATIVE_FILE = /^[A-Za-z0-9_.-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.-]+)*$/;
/** `<base>/<name>` or `./<base>/<name>/`: a name under the worktree base written as a path. */
const IN_BASE = new RegExp(`^(?:\\./)?${WORKTREE_BASE.replace('.', '\\.')}/([^/]+)/?$`);
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export { WORKTREE_BASE };

const SLUG_MAX = 30;
const TITLE_MAX = 200;
const COPY_FILES_MAX = 20;

function invalid(message: string): never {
  throw new PluginError('INVALID_INPUT', message);
}

/** A short, printable excerpt of a refused value for the error message. */
function shown(value: string): string {
  const printable = value.replace(CONTROL, '?');
  return JSON.stringify(printable.length > 40 ? `${printable.slice(0, 40)}…` : printable);
}

/** Lower case; anything outside [a-z0-9-] becomes `-`; runs of `-` collapse; at most `max` characters. */
function slugify(text: string, max = SLUG_MAX): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
}

export function checkName(field: string, value: string): string {
  if (value.includes('..') || !NAME.test(value)) {
    invalid(`${field} ${shown(value)} is not allowed: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.`);
  }
  return value;
}

export function checkTitle(value: string): string {
  if (value.length > TITLE_MAX) invalid(`taskTitle is longer than ${TITLE_MAX} characters.`);
  if (CONTROL.test(value)) invalid('taskTitle must not contain control characters or line breaks.');
  return value;
}

/** Our own rule for branch names; `git check-ref-format --branch` runs after it (see service). */
export function checkBranchShape(field: string, value: string): string {
  const bad =
    !BRANCH.test(value) || value.includes('..') || value.includes('//') || value.endsWith('/') || value.endsWith('.') || value.endsWith('.lock') || value.includes('/.');
  if (bad) invalid(`${field} ${shown(value)} is not a valid branch name: use letters, digits, '.', '_', '-' and '/', up to 200 characters.`);
  return value;
}

/**
 * A worktree's directory name under the base: the name itself, or the base-relative path the agent
 * server document prints (`.worktrees/custom/`, `./.worktrees/custom`), which names the same folder.
 */
export function checkDirName(value: string): string {
  const name = IN_BASE.exec(value)?.[1] ?? value;
  if (name.includes('..') || !DIR_NAME.test(name)) {
    invalid(`customPath ${shown(value)} is not allowed: give one directory name under the worktree base (letters, digits, '.', '_', '-'), or .worktrees/<name>/, not another path.`);
  }
  return name;
}

export function checkCopyFiles(files: readonly string[]): readonly string[] {
  if (files.length > COPY_FILES_MAX) invalid(`copyFiles names more than ${COPY_FILES_MAX} files.`);
  const seen = new Set<string>();
  for (const file of files) {
    const segments = file.split('/');
    if (segments.some((segment) => segment === '..' || segment === '.') || !RELATIVE_FILE.test(file) || file.length > 300) {
      invalid(`copyFiles entry ${shown(file)} must be a relative path inside the repository.`);
    }
    // git's own files, and other worktrees' files, are not the main worktree's to copy.
    if (segments.includes('.git') || segments[0] === WORKTREE_BASE) invalid(`copyFiles entry ${shown(file)} is inside .git or ${WORKTREE_BASE}/: name a file of the main worktree.`);
    if (seen.has(file)) invalid(`copyFiles names ${shown(file)} twice.`);
    seen.add(file);
  }
  return files;
}

/** The branch and directory of an agent's task: `agent/<agent>/<taskId>[-<slug>]`, `<agent>-<taskId>[-<slug>]`. */
export function taskNames(agentName: string, taskId: string, taskTitle?: string): { branch: string; dirName: string } {
  const agent = slugify(agentName, 64) || 'agent';
  const task = slugify(taskId, 64) || 'task';
  const slug = taskTitle ? slugify(taskTitle) : '';
  const taskPart = slug ? `${task}-${slug}` : task;
  return { branch: `agent/${agent}/${taskPart}`, dirName: `${agent}-${taskPart}` };
}
