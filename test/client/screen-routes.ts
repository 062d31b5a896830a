/**
 * Every route of the product, on a server with something to show on each: two worktrees (one with an
 * uncommitted file, for the review and the comparison), an agent that printed 600 lines and ended
 * (`lines`), one that printed 600 lines and runs on (`talker`), one in a conversation (`demo`), the
 * sample mailbox. Shared by the layout, accessibility and screenshot runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorktreeService } from '../../agents/worktree/service';
import { api, FIXTURES, startAgentServer, testAgents, waitForStatus } from '../control/helpers';
import { makeRepo } from '../helpers/git-repo';
import { tempDir, type TestServer } from '../helpers/server';

export interface ScreenRoute {
  /** A short name for files and test titles. */
  name: string;
  path: string;
  /** A component only this route's page shows: the page is drawn once it is (not the previous one's). */
  marker: string;
}

/** The thin client's selector for a drawn route (inside the content region). */
export function readySelector(route: ScreenRoute): string {
  return `[data-id="app-content"] [data-id="${route.marker}"]`;
}

/** The test agents and `talker`: 600 lines, then it waits for input (a live session after a flood). */
const TALKER = { id: 'talker', name: 'Talker', role: 'worker', protocol: 'plain', command: process.execPath, args: [path.join(FIXTURES, 'lines-agent.js'), '600', '0', 'stay'] };

/** A server whose A2UI_REPO is a throwaway git repository (worktrees need one). */
export async function startScreensServer(): Promise<TestServer> {
  const dataDir = tempDir('a2ui-screens-');
  fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify({ agents: [...testAgents(), TALKER] }));
  return startAgentServer({ dataDir, repo: makeRepo() });
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
  await client.post('/api/agents/talker/start', {});
  await waitForStatus(server, 'talker', 'running');
  await client.post('/api/agents/demo/start', { prompt: 'Look around' });
  await waitForStatus(server, 'demo', 'running');
  const [left, right] = made.map((p) => WorktreeService.keyOf(p));
  return [
    { name: 'dashboard', path: '/', marker: 'dashboard' },
    { name: 'email-inbox', path: '/email/inbox', marker: 'email-inbox' },
    { name: 'email-thread', path: '/email/thread/m3', marker: 'email-thread' },
    { name: 'email-compose', path: '/email/compose', marker: 'email-compose' },
    { name: 'agents', path: '/agents', marker: 'control-agents' },
    { name: 'agent-running', path: '/agents/demo', marker: 'agent-demo-status-badge' },
    { name: 'agent-transcript', path: '/agents/talker', marker: 'agent-talker-status-badge' },
    { name: 'agent-ended', path: '/agents/lines', marker: 'agent-lines-status-badge' },
    { name: 'worktrees', path: '/worktrees', marker: 'worktree-page' },
    { name: 'worktree-new', path: '/worktrees/new', marker: 'worktree-new-page' },
    { name: 'worktree-review', path: `/worktrees/review/${left}`, marker: 'review-page' },
    { name: 'worktree-compare', path: `/worktrees/compare/${left}/${right}`, marker: 'review-compare' },
    { name: 'models', path: '/models', marker: 'gateway' },
  ];
}
