/**
 * Pull requests through the GitHub CLI: push the worktree's branch to `origin`, open the pull request
 * (`gh pr create`), and read its URL and state (`gh pr view --json url,state`). A branch that already
 * has an open pull request gets it back instead of a second one.
 */
import { z } from 'zod';
import { PluginError } from '../../errors';
import { git, gitSucceeds } from '../git';
import { GhError, type GhCli } from './gh';
import { stepFailed } from './git-steps';

export interface PullRequest {
  url: string;
  /** gh's word: OPEN, CLOSED or MERGED. */
  state: string;
}

const prView = z.object({ url: z.string().regex(/^https?:\/\//).max(2000), state: z.string().max(40) });

/** The branch's pull request, or null when it has none. */
export async function pullRequestOf(gh: GhCli, cwd: string, branch: string): Promise<PullRequest | null> {
  let out: string;
  try {
    out = await gh.run(cwd, ['pr', 'view', branch, '--json', 'url,state']);
  } catch (error) {
    if (error instanceof GhError && /no (open )?pull requests? found/i.test(error.stderr)) return null;
    if (error instanceof GhError) throw new PluginError('UPSTREAM_ERROR', `gh pr view failed: ${error.stderr.trim().split('\n')[0] ?? ''}`);
    throw error;
  }
  let json: unknown = null;
  try {
    json = JSON.parse(out);
  } catch {
    // not JSON: refused just below
  }
  const parsed = prView.safeParse(json);
  if (!parsed.success) throw new PluginError('UPSTREAM_ERROR', 'gh pr view answered something that is not a pull request.');
  return parsed.data;
}

export interface OpenPullRequest {
  branch: string;
  base: string;
  title: string;
  body: string;
}

export async function openPullRequest(gh: GhCli, cwd: string, request: OpenPullRequest): Promise<PullRequest & { created: boolean }> {
  const { branch, base, title, body } = request;
  if (!(await gitSucceeds(cwd, ['remote', 'get-url', 'origin']))) {
    throw new PluginError('CONFLICT', 'The repository has no remote "origin" to push the branch to.');
  }
  try {
    await git(cwd, ['push', '--quiet', '--set-upstream', 'origin', `refs/heads/${branch}:refs/heads/${branch}`]);
  } catch (error) {
    stepFailed(error, `Pushing ${branch} to origin`, [cwd]);
  }
  const existing = await pullRequestOf(gh, cwd, branch);
  if (existing && existing.state === 'OPEN') return { ...existing, created: false };
  try {
    // `--flag=value`: a title that starts with `-` stays a title.
    await gh.run(cwd, ['pr', 'create', `--head=${branch}`, `--base=${base}`, `--title=${title}`, `--body=${body}`]);
  } catch (error) {
    if (error instanceof GhError) throw new PluginError('UPSTREAM_ERROR', `gh pr create failed: ${error.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
    throw error;
  }
  const created = await pullRequestOf(gh, cwd, branch);
  if (!created) throw new PluginError('UPSTREAM_ERROR', 'gh pr create succeeded but gh pr view finds no pull request.');
  return { ...created, created: true };
}
