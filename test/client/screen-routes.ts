/**
 * Every route of the product, on a server with something to show on each: two worktrees (one with an
 * uncommitted file, for the review and the comparison), an agent that printed 600 lines (`lines`),
 * one that runs (`demo`), the sample mailbox. Shared by the layout, accessibility and screenshot runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorktreeService } from '../../agents/worktree/service';
import { api, startAgentServer, waitForStatus } from '../control/helpers';
import { makeRepo } from '../helpers/git-repo';
import type { TestServer } from '../helpers/server';

export interface ScreenRoute {
  /** A short name for files and test titles. */
  name: string;
  path: string;
}

/** A server whose A2UI_REPO is a throwaway git repository (worktrees need one). */
export async function startScreensServer(): Promise<TestServer> {
  return startAgentServer({ repo: makeRepo() });
}

/** Prepares the server's state and answers every route with content. */
export async function prepareRoutes(server: TestServer): Promise<ScreenRoute[]> {
  const client = api(server);
  const made = [];
  for (const task of ['7', '8']) {
    const res = await client.post('/api/worktrees', { agentName: 'demo', taskId: task, taskTitle: `Screens ${task}` });
    if (res.status !== 201) throw new Error(`creating a worktree failed: ${res.status} ${JSON.stringify(res.body)}`);
    made.push(res.body.path as string);
  }
  fs.writeFileSync(path.join(made[0]!, 'NOTES.md'), '# Notes\n\nWritten for the review screen.\n');
  await client.post('/api/agents/lines/start', {});
  await waitForStatus(server, 'lines', 'terminated');
  await client.post('/api/agents/demo/start', { prompt: 'Look around' });
  await waitForStatus(server, 'demo', 'running');
  const [left, right] = made.map((p) => WorktreeService.keyOf(p));
  return [
    { name: 'dashboard', path: '/' },
    { name: 'email-inbox', path: '/email/inbox' },
    { name: 'email-thread', path: '/email/thread/m3' },
    { name: 'email-compose', path: '/email/compose' },
    { name: 'agents', path: '/agents' },
    { name: 'agent-running', path: '/agents/demo' },
    { name: 'agent-transcript', path: '/agents/lines' },
    { name: 'worktrees', path: '/worktrees' },
    { name: 'worktree-new', path: '/worktrees/new' },
    { name: 'worktree-review', path: `/worktrees/review/${left}` },
    { name: 'worktree-compare', path: `/worktrees/compare/${left}/${right}` },
    { name: 'models', path: '/models' },
  ];
}
