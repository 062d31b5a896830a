/**
 * Real temporary git repositories for the worktree tests (and as the default A2UI_REPO of test
 * servers, so no test ever adds worktrees to the project's own checkout).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false'];

/** Runs git in `cwd` and answers its stdout (throws on a non-zero exit). */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A new repository on branch `main` with one commit (a README and a .gitignore ignoring `.env`). */
export function makeRepo(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'a2ui-repo-')));
  gitIn(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'README.md'), '# test repo\n');
  fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
  gitIn(dir, 'add', '.');
  gitIn(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** The paths `git worktree list` reports, sorted. */
export function gitWorktreePaths(repo: string): string[] {
  return gitIn(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
    .sort();
}

export function gitBranches(repo: string): string[] {
  return gitIn(repo, 'branch', '--format=%(refname:short)').split('\n').filter(Boolean).sort();
}
