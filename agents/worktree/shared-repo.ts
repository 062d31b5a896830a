/**
 * Worktrees with several server processes: an agent may be started by any process and reviewed or
 * removed through another, so every process must see the same repository, on a disk they all mount.
 * Checked at start: a process leaves a random id in the repository's `.git` folder (git ignores
 * unknown files there), or reads the one there, and publishes it in the shared store; when a living
 * process published another id, this one sees another repository and refuses to start (a separate
 * checkout at the same path on another machine would silently split the worktrees).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ClusterPort } from '../module';

const MARKER = 'a2ui-cluster-repo-id';

export async function checkSharedRepo(repo: string, cluster: ClusterPort): Promise<void> {
  const gitDir = path.join(repo, '.git');
  // A repository whose .git is a file (itself a worktree) or absent has no folder of its own to mark.
  if (!fs.statSync(gitDir, { throwIfNoEntry: false })?.isDirectory()) return;
  const marker = path.join(gitDir, MARKER);
  let id = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '';
  if (!id) {
    id = crypto.randomBytes(16).toString('hex');
    fs.writeFileSync(marker, `${id}\n`, { mode: 0o600 });
  }
  const others = await cluster.announce('repo-id', id);
  if (others.some((other) => other !== id)) {
    throw new Error(
      `A2UI_REPO (${repo}) is not the repository the other server processes use: with several processes the repository (and its worktrees) must be on a disk every process sees (README, "Running several processes")`,
    );
  }
}
