/**
 * From agent output to merged code, through the screens as a user would: the demo agent changes
 * files in a new worktree, the review screen shows the right files and hunks, a comment on picked
 * lines goes back to the agent (which acts on it), the change is committed with the agent's result as
 * message and squash-merged into main of a real repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorktreeService } from '../../agents/worktree/service';
import { LiveClient, type Doc } from '../helpers/client';
import { gitIn, makeRepo } from '../helpers/git-repo';
import type { TestServer } from '../helpers/server';
import { api, readLog, startAgentServer, waitFor } from '../control/helpers';

let server: TestServer;
let repo: string;
let c: LiveClient;

beforeAll(async () => {
  repo = makeRepo();
  server = await startAgentServer({ repo });
  c = await LiveClient.open(server.url, server.token);
});
afterAll(async () => {
  c.close();
  await server.close();
});

type Line = { id: string; old: string; new: string; icon: string; text: string; mark: string; line: number };
const lines = (doc: Doc = c.doc!) => ((doc.dataModel.review as { lines?: Line[] } | undefined)?.lines ?? []).map((l) => [l.old, l.new, l.icon, l.text, l.mark]);
const fileRows = () =>
  ((c.doc!.components['review-file-list'] as { children?: string[] } | undefined)?.children ?? []).map((id) => [c.text(`${id}-open.label`), c.text(`${id}-status`), c.text(`${id}-counts`)]);
const session = async () => (await api(server).get('/api/agents/demo/status')).body.session;
const turnDone = (what: string) => waitFor(async () => ((await session())?.busy === false && (await session())?.status === 'running' ? session() : undefined), what);

test('demo agent → review screen → comment back → commit → squash-merge into main', async () => {
  const created = await api(server).post('/api/worktrees', { agentName: 'demo', taskId: '18', taskTitle: 'review flow' });
  expect(created.status).toBe(201);
  const wt = created.body.path as string;
  const key = WorktreeService.keyOf(wt);

  await c.action('navigate', { to: '/agents/demo' });
  await c.action('start_agent', { agent_id: 'demo', worktree: wt, prompt: 'write src/feature.txt\nline one\nline two\nwrite README.md\n# test repo\nedited by the agent' });
  await turnDone('the first turn');
  expect(fs.readFileSync(path.join(wt, 'src/feature.txt'), 'utf8')).toBe('line one\nline two\n');

  // The review screen, reached by a link (the Review button of the worktree list navigates there).
  await c.action('navigate', { to: `/worktrees/review/${key}` });
  await c.waitFor(() => c.text('review-title') === `Review ${created.body.branch}`);
  expect(c.text('review-against-text')).toBe('Uncommitted changes (against the last commit)');
  expect(fileRows()).toEqual([
    ['▸ README.md', 'modified', '+1 −0'],
    ['src/feature.txt', 'new, untracked', '+2 −0'],
  ]);
  expect(lines()).toEqual([
    ['', '', 'info', '@@ -1,1 +1,2 @@', ''],
    ['1', '1', 'moreHoriz', '# test repo', ''],
    ['', '2', 'add', 'edited by the agent', ''],
  ]);

  await c.action('review_open_file', { file: 'src/feature.txt' });
  await c.waitFor(() => c.text('review-diff-title') === 'src/feature.txt (new, untracked, +2 −0)');
  expect(lines()).toEqual([
    ['', '', 'info', '@@ -0,0 +1,2 @@', ''],
    ['', '1', 'add', 'line one', ''],
    ['', '2', 'add', 'line two', ''],
  ]);

  // Pick lines 1 and 2, comment: the comment is the agent's next turn, with the file and lines quoted.
  await c.action('review_pick_line', { line: 1 });
  await c.action('review_pick_line', { line: 2 });
  await c.waitFor(() => c.text('review-comment-title') === 'Comment on src/feature.txt, lines 1–2');
  expect(lines().map((l) => l[4])).toEqual(['', '▶', '▶']);
  const ack = await c.action('review_comment', { comment: 'Add a third line, please:\nwrite src/feature.txt\nline one\nline two\nline three' });
  expect(ack.status).toBe('success');
  await c.waitFor(() => c.toasts().includes('Sent your comment to Demo agent.'));
  const inputs = readLog(server, (await session()).id).filter((e) => e.type === 'input');
  expect(inputs.at(-1).text).toBe(
    'Review comment on src/feature.txt, lines 1-2:\n> +line one\n> +line two\n\nAdd a third line, please:\nwrite src/feature.txt\nline one\nline two\nline three',
  );
  await turnDone('the comment turn');
  // The agent acted on it, and the screen followed by itself (the turn's end refreshes the review).
  expect(fs.readFileSync(path.join(wt, 'src/feature.txt'), 'utf8')).toBe('line one\nline two\nline three\n');
  await c.waitFor(() => fileRows()[1]?.[2] === '+3 −0');
  expect(lines().at(-1)).toEqual(['', '3', 'add', 'line three', '']);

  // Commit with the agent's last result as message (the field left empty).
  await c.action('review_commit', { message: '' });
  expect(gitIn(wt, 'log', '-1', '--format=%s').trim()).toBe('Wrote src/feature.txt.');
  expect(gitIn(wt, 'status', '--porcelain')).toBe('');
  await c.waitFor(() => c.text('review-files-summary') === 'No changes.');

  // The branch's commits, then the squash merge into main.
  const switched = await c.action('review_against', { against: 'base' });
  expect(switched.error).toBeUndefined();
  await c.waitFor(() => fileRows().length === 2 && c.text('review-against-text') === "The branch's commits (against main)");
  const before = gitIn(repo, 'rev-parse', 'main').trim();
  const merged = await c.action('review_merge', { strategy: ['squash'], message: 'Feature from the demo agent' });
  expect(merged.status).toBe('success');
  await c.waitFor(() => c.toasts().some((t) => new RegExp(`^Squash-merged ${created.body.branch} into main \\([0-9a-f]{7}\\)\\.$`).test(t)));
  expect(gitIn(repo, 'rev-list', '--parents', '-1', 'main').trim().split(' ')).toEqual([gitIn(repo, 'rev-parse', 'main').trim(), before]);
  expect(gitIn(repo, 'log', '-1', '--format=%s', 'main').trim()).toBe('Feature from the demo agent');
  expect(fs.readFileSync(path.join(repo, 'src/feature.txt'), 'utf8')).toBe('line one\nline two\nline three\n');
  expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toBe('# test repo\nedited by the agent\n');
  expect(gitIn(repo, 'status', '--porcelain')).toBe('');
});
