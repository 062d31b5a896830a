/**
 * Several agents at once: one prompt started on two agents in two new worktrees in one action, the
 * Agents list showing each one's status, worktree, files changed, cost and last line as they work,
 * and the two worktrees' changes compared side by side.
 */
import { WorktreeService } from '../../agents/worktree/service';
import { gitWorktreePaths } from '../helpers/git-repo';
import { api, waitFor } from '../control/helpers';
import { agentServerWithClient } from './helpers';

const opened = agentServerWithClient();

const sessionOf = async (agentId: string) => (await api(opened.server).get(`/api/agents/${agentId}/status`)).body.session;

test('start_parallel: one worktree and one session per agent; the list shows each at a glance; the two diffs compare', async () => {
  await opened.client.action('navigate', { to: '/agents' });
  const ack = await opened.client.action('start_parallel', { prompt: 'write shared.txt\nsame file\nwrite note.txt\nnote', agent_ids: ['demo', 'slow'] });
  expect(ack.status).toBe('success');
  await opened.client.waitFor(() => opened.client.toasts().some((t) => /^Started 2 agents in new worktrees \(task run-[0-9a-z]+\)\.$/.test(t)));
  expect(gitWorktreePaths(opened.repo)).toHaveLength(3);

  const demo = await waitFor(async () => ((await sessionOf('demo'))?.last_result ? sessionOf('demo') : undefined), 'demo to finish its turn');
  const slow = await waitFor(async () => ((await sessionOf('slow'))?.last_result ? sessionOf('slow') : undefined), 'slow to finish its turn');
  expect(demo.worktree).not.toBe(slow.worktree);
  expect(demo.worktree).toMatch(/\.worktrees\/demo-run-/);

  // At a glance, live: the worktree's branch, the files it changed, the cost, the last line.
  await opened.client.waitFor(() => /^agent\/demo\/run-[0-9a-z]+-write-shared-txt · 2 files changed · \$0\.0042$/.test(opened.client.text('agent-demo-glance') ?? ''));
  await opened.client.waitFor(() => /^agent\/slow\/run-[0-9a-z]+-write-shared-txt · 2 files changed · \$0\.0042$/.test(opened.client.text('agent-slow-glance') ?? ''));
  expect(opened.client.text('agent-demo-last')).toMatch(/^Turn done · \d+\.\d s · \$0\.0042 · 1 turn: Wrote shared\.txt; Wrote note\.txt\.$/);
  expect(opened.client.text('agent-demo-status')).toBe('running · waiting for input');
  expect(opened.client.doc!.components['agent-demo-review']).toMatchObject({ action: { event: { name: 'navigate', context: { to: `/worktrees/review/${WorktreeService.keyOf(demo.worktree)}` } } } });

  // A second start while they have sessions is refused whole: no worktree is made.
  const again = await opened.client.action('start_parallel', { prompt: 'again', agent_ids: ['demo', 'crash'] });
  expect(again.error).toEqual({ code: 'SESSION_EXISTS', message: 'Demo agent already has a session: stop it first.' });
  expect(gitWorktreePaths(opened.repo)).toHaveLength(3);

  // Compare the two worktrees' changes (each branch against main; uncommitted work is not a branch change yet).
  await api(opened.server).post(`/api/worktrees/${encodeURIComponent(demo.worktree)}/commit`, { message: 'demo' }).expect(201);
  await api(opened.server).post(`/api/worktrees/${encodeURIComponent(slow.worktree)}/commit`, { message: 'slow', files: ['shared.txt'] }).expect(201);
  await opened.client.action('navigate', { to: `/worktrees/compare/${WorktreeService.keyOf(demo.worktree)}/${WorktreeService.keyOf(slow.worktree)}` });
  await opened.client.waitFor(() => (opened.client.text('review-compare-left-title') ?? '').endsWith(': 2 files, +2 −0'));
  expect(opened.client.text('review-compare-right-title')).toMatch(/^agent\/slow\/run-[0-9a-z]+-write-shared-txt: 1 files, \+1 −0$/);
  expect(opened.client.text('review-compare-hint')).toBe('Each branch against its base. ◆ marks the 1 file both change.');
  const left = (opened.client.doc!.components['review-compare-left'] as { children: string[] }).children.slice(1).map((id) => opened.client.text(id));
  expect(left).toEqual(['note.txt (added, +1 −0)', '◆ shared.txt (added, +1 −0)']);
});
