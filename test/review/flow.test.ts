/**
 * From agent output to merged code, through the screens as a user would: the demo agent changes
 * files in a new worktree, the review screen shows the right files and hunks, a comment on picked
 * lines goes back to the agent (which acts on it), the change is committed with the agent's result as
 * message and squash-merged into main of a real repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorktreeService } from '../../agents/worktree/service';
import type { Doc } from '../helpers/client';
import { gitIn } from '../helpers/git-repo';
import { api, readLog, waitFor } from '../control/helpers';
import { agentServerWithClient } from './helpers';

const opened = agentServerWithClient();

type Line = { id: string; old: string; new: string; icon: string; text: string; mark: string; line: number };
const lines = (doc: Doc = opened.client.doc!) => ((doc.dataModel.review as { lines?: Line[] } | undefined)?.lines ?? []).map((l) => [l.old, l.new, l.icon, l.text, l.mark]);
const fileRows = () =>
  ((opened.client.doc!.components['review-file-list'] as { children?: string[] } | undefined)?.children ?? []).map((id) => [opened.client.text(`${id}-open.label`), opened.client.text(`${id}-status`), opened.client.text(`${id}-counts`)]);
const session = async () => (await api(opened.server).get('/api/agents/demo/status')).body.session;
const turnDone = (what: string) => waitFor(async () => ((await session())?.busy === false && (await session())?.status === 'running' ? session() : undefined), what);

test('demo agent → review screen → comment back → commit → squash-merge into main', async () => {
  const created = await api(opened.server).post('/api/worktrees', { agentName: 'demo', taskId: '18', taskTitle: 'review flow' });
  expect(created.status).toBe(201);
  const wt = created.body.path as string;
  const key = WorktreeService.keyOf(wt);

  await opened.client.action('navigate', { to: '/agents/demo' });
  await opened.client.action('start_agent', { agent_id: 'demo', worktree: wt, prompt: 'write src/feature.txt\nline one\nline two\nwrite README.md\n# test repo\nedited by the agent' });
  await turnDone('the first turn');
  expect(fs.readFileSync(path.join(wt, 'src/feature.txt'), 'utf8')).toBe('line one\nline two\n');

  // The review screen, reached by a link (the Review button of the worktree list navigates there).
  await opened.client.action('navigate', { to: `/worktrees/review/${key}` });
  await opened.client.waitFor(() => opened.client.text('review-title') === `Review ${created.body.branch}`);
  expect(opened.client.text('review-against-text')).toBe('Uncommitted changes (against the last commit)');
  expect(fileRows()).toEqual([
    ['▸ README.md', 'modified', '+1 −0'],
    ['src/feature.txt', 'new, untracked', '+2 −0'],
  ]);
  expect(lines()).toEqual([
    ['', '', 'info', '@@ -1,1 +1,2 @@', '·'],
    ['1', '1', 'moreHoriz', '# test repo', '○'],
    ['', '2', 'add', 'edited by the agent', '○'],
  ]);

  await opened.client.action('review_open_file', { file: 'src/feature.txt' });
  await opened.client.waitFor(() => opened.client.text('review-diff-title') === 'src/feature.txt (new, untracked, +2 −0)');
  expect(lines()).toEqual([
    ['', '', 'info', '@@ -0,0 +1,2 @@', '·'],
    ['', '1', 'add', 'line one', '○'],
    ['', '2', 'add', 'line two', '○'],
  ]);

  // Pick lines 1 and 2, comment: the comment is the agent's next turn, with the file and lines quoted.
  await opened.client.action('review_pick_line', { line: 1 });
  await opened.client.action('review_pick_line', { line: 2 });
  await opened.client.waitFor(() => opened.client.text('review-comment-title') === 'Comment on src/feature.txt, lines 1–2');
  expect(lines().map((l) => l[4])).toEqual(['·', '●', '●']);
  const ack = await opened.client.action('review_comment', { comment: 'Add a third line, please:\nwrite src/feature.txt\nline one\nline two\nline three' });
  expect(ack.status).toBe('success');
  await opened.client.waitFor(() => opened.client.toasts().includes('Sent your comment to Demo agent.'));
  const inputs = (await readLog(opened.server, (await session()).id)).filter((e) => e.type === 'input');
  expect(inputs.at(-1).text).toBe(
    'Review comment on src/feature.txt, lines 1-2:\n> +line one\n> +line two\n\nAdd a third line, please:\nwrite src/feature.txt\nline one\nline two\nline three',
  );
  await turnDone('the comment turn');
  // The agent acted on it, and the screen followed by itself (the turn's end refreshes the review).
  expect(fs.readFileSync(path.join(wt, 'src/feature.txt'), 'utf8')).toBe('line one\nline two\nline three\n');
  await opened.client.waitFor(() => fileRows()[1]?.[2] === '+3 −0');
  expect(lines().at(-1)).toEqual(['', '3', 'add', 'line three', '○']);

  // Commit with the agent's last result as message (the field left empty).
  await opened.client.action('review_commit', { message: '' });
  expect(gitIn(wt, 'log', '-1', '--format=%s').trim()).toBe('Wrote src/feature.txt.');
  expect(gitIn(wt, 'status', '--porcelain')).toBe('');
  await opened.client.waitFor(() => opened.client.text('review-files-summary') === 'No changes.');

  // The branch's commits, then the squash merge into main.
  const switched = await opened.client.action('review_against', { against: 'base' });
  expect(switched.error).toBeUndefined();
  await opened.client.waitFor(() => fileRows().length === 2 && opened.client.text('review-against-text') === "The branch's commits (against main)");
  const before = gitIn(opened.repo, 'rev-parse', 'main').trim();
  const merged = await opened.client.action('review_merge', { strategy: ['squash'], message: 'Feature from the demo agent' });
  expect(merged.status).toBe('success');
  await opened.client.waitFor(() => opened.client.toasts().some((t) => new RegExp(`^Squash-merged ${created.body.branch} into main \\([0-9a-f]{7}\\)\\.$`).test(t)));
  expect(gitIn(opened.repo, 'rev-list', '--parents', '-1', 'main').trim().split(' ')).toEqual([gitIn(opened.repo, 'rev-parse', 'main').trim(), before]);
  expect(gitIn(opened.repo, 'log', '-1', '--format=%s', 'main').trim()).toBe('Feature from the demo agent');
  expect(fs.readFileSync(path.join(opened.repo, 'src/feature.txt'), 'utf8')).toBe('line one\nline two\nline three\n');
  expect(fs.readFileSync(path.join(opened.repo, 'README.md'), 'utf8')).toBe('# test repo\nedited by the agent\n');
  expect(gitIn(opened.repo, 'status', '--porcelain')).toBe('');
});
