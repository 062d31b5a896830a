/**
 * Pull requests with a fake `gh` first on PATH (it records its argument vectors and answers like gh)
 * and a local bare repository as `origin`: the push really happens, the pull request is created once
 * with the agent session's title and body, and without gh (or signed out) the refusal says what is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GH_MISSING, GH_SIGNED_OUT } from '../../agents/worktree/review/gh';
import { installFakeGh, pathWithoutGh } from '../helpers/fake-gh';
import { mainUserOnly } from '../../agents/roles';
import { gitIn } from '../helpers/git-repo';
import { tempDir } from '../helpers/server';
import { commitAll, openReview, refused, writeFiles } from './helpers';

async function branchReadyForPr(env: NodeJS.ProcessEnv) {
  const opened = await openReview({ env, session: { lastResult: 'Parser added; tests pass.\n\n- parses\n- tested', prompt: 'Add a parser for the config file' } });
  const origin = path.join(tempDir('a2ui-origin-'), 'origin.git');
  gitIn(path.dirname(origin), 'init', '-q', '--bare', origin);
  gitIn(opened.repo, 'remote', 'add', 'origin', origin);
  const created = await opened.worktrees.create(mainUserOnly.actor('local'), { agentName: 'demo', taskId: '7', taskTitle: 'parser' });
  writeFiles(created.path, { 'parser.txt': 'parse\n' });
  const head = commitAll(created.path, 'parser');
  return { ...opened, origin, wt: created.path, branch: created.branch, head };
}

test('pushes the branch to origin, opens the pull request with the session title and body, and shows its URL and state', async () => {
  const gh = installFakeGh();
  const { review, wt, branch, origin, head } = await branchReadyForPr({ ...process.env, PATH: gh.path });
  expect(await review.pullRequest('local', wt)).toEqual({ gh: { available: true }, pullRequest: null });

  const opened = await review.openPullRequest('local', wt, {});
  expect(opened).toEqual({ url: 'https://github.com/owner/repo/pull/1', state: 'OPEN', created: true });
  expect(gitIn(path.dirname(origin), '--git-dir', origin, 'rev-parse', `refs/heads/${branch}`).trim()).toBe(head);
  expect(gh.calls()).toContainEqual(['pr', 'create', `--head=${branch}`, '--base=main', '--title=Add a parser for the config file', '--body=Parser added; tests pass.\n\n- parses\n- tested']);
  expect(gh.calls()).toContainEqual(['pr', 'view', branch, '--json', 'url,state']);

  // A second press finds the open pull request instead of opening another.
  expect(await review.openPullRequest('local', wt, { title: 'Another' })).toEqual({ url: 'https://github.com/owner/repo/pull/1', state: 'OPEN', created: false });
  expect(gh.calls().filter((args) => args[1] === 'create')).toHaveLength(1);
  expect(await review.pullRequest('local', wt)).toEqual({ gh: { available: true }, pullRequest: { url: 'https://github.com/owner/repo/pull/1', state: 'OPEN' } });
});

test('a title that looks like an option stays a title', async () => {
  const gh = installFakeGh();
  const { review, wt } = await branchReadyForPr({ ...process.env, PATH: gh.path });
  await review.openPullRequest('local', wt, { title: '--repo=evil/repo', body: '--help' });
  expect(Object.values(gh.pullRequests())[0]).toMatchObject({ title: '--repo=evil/repo', body: '--help' });
});

test('without gh, or signed out, nothing is pushed and the answer says what is missing', async () => {
  const { review, repo, wt, origin, branch } = await branchReadyForPr({ ...process.env, PATH: pathWithoutGh() });
  expect(await review.pullRequest('local', wt)).toEqual({ gh: { available: false, reason: GH_MISSING }, pullRequest: null });
  expect((await refused(review.openPullRequest('local', wt, {}), 'CONFLICT')).message).toBe(GH_MISSING);

  const gh = installFakeGh();
  gh.signOut();
  const signedOut = await openReview({ repo, env: { ...process.env, PATH: gh.path } });
  expect((await refused(signedOut.review.openPullRequest('local', wt, {}), 'CONFLICT')).message).toBe(GH_SIGNED_OUT);
  expect(gh.calls().some((args) => args[0] === 'pr')).toBe(false);
  expect(fs.existsSync(origin)).toBe(true);
  expect(() => gitIn(path.dirname(origin), '--git-dir', origin, 'rev-parse', '--verify', `refs/heads/${branch}`)).toThrow();
});

test('a repository without an origin remote is refused before gh is asked to create anything', async () => {
  const gh = installFakeGh();
  const { review, repo, wt } = await branchReadyForPr({ ...process.env, PATH: gh.path });
  gitIn(repo, 'remote', 'remove', 'origin');
  expect((await refused(review.openPullRequest('local', wt, {}), 'CONFLICT')).message).toMatch(/no remote "origin"/);
  expect(gh.calls().filter((args) => args[0] === 'pr')).toEqual([]);
});
