/**
 * One whole assistant command in Chromium: "start the demo agent on task 42 in a new worktree".
 * Claude (a local Messages API server) creates the worktree, asks to start the agent, the user
 * approves in the dialog, the agent really starts in that worktree, and the reply streams in.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { DEMO_AGENT_SCRIPT } from '../../agents/control/definitions';
import { launchBrowser } from '../client/browser';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { bearer, startTestServer, tempDir, type TestServer } from '../helpers/server';

jest.setTimeout(60_000);

let browser: Browser;
let ai: FakeAnthropic;
let server: TestServer;
let repo: string;

beforeAll(async () => {
  browser = await launchBrowser();
  ai = await FakeAnthropic.start();
  repo = makeRepo();
  const dataDir = tempDir();
  fs.writeFileSync(
    path.join(dataDir, 'agents.json'),
    JSON.stringify({ agents: [{ id: 'demo', name: 'Demo agent', role: 'worker', protocol: 'stream-json', command: '{node}', args: [DEMO_AGENT_SCRIPT, '--delay-ms', '20'] }] }),
  );
  server = await startTestServer({ dataDir, env: { ...ai.env(), A2UI_REPO: repo, A2UI_AGENT_STOP_GRACE_MS: '300' } });
});
afterAll(async () => {
  await browser.close();
  await server.close();
  await ai.close();
});

test('a command that creates a worktree and, after the user approves, starts the demo agent in it', async () => {
  const worktree = path.join(repo, '.worktrees', 'demo-42');
  ai.enqueue(
    { content: [{ type: 'text', text: 'First a worktree.' }, { type: 'tool_use', id: 'toolu_wt', name: 'worktree_create', input: { agent_name: 'demo', task_id: '42' } }], stop_reason: 'tool_use' },
    { content: [{ type: 'tool_use', id: 'toolu_start', name: 'agent_start', input: { agent_id: 'demo', prompt: 'Work on task 42', worktree } }], stop_reason: 'tool_use' },
    { content: [{ type: 'text', text: 'The demo agent is running on task 42 in its own worktree.', chunks: ['The demo agent ', 'is running ', 'on task 42 ', 'in its own worktree.'] }], eventDelayMs: 40 },
  );

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/?token=${server.token}`);
  await page.waitForSelector('body[data-connection="socket"] [data-id="assistant-panel"]');
  await page.fill('[data-id="assistant-input"] textarea', 'start the demo agent on task 42 in a new worktree');
  await page.click('[data-id="assistant-send"]');

  // The worktree needs no approval; starting the agent does, and nothing starts before it.
  const trigger = page.locator('[data-id^="assistant-approval-"][data-id$="-open"]');
  await trigger.waitFor();
  expect(gitWorktreePaths(repo)).toContain(worktree);
  expect(await page.locator('[data-id="assistant-history"]').textContent()).toContain('Running worktree_create');
  const before = await (await fetch(`${server.url}/api/agents/demo/status`, { headers: bearer(server.token) })).json();
  expect(before.status).toBe('idle');

  await trigger.click();
  const dialog = page.locator('[data-id^="assistant-approval-"] dialog[open]');
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain('The assistant wants to run agent_start');
  expect(await dialog.textContent()).toContain(worktree);
  await dialog.locator('[data-id$="-approve"]').click();

  await page.waitForFunction(() => document.querySelector('[data-id="assistant-history"]')?.textContent?.includes('The demo agent is running on task 42 in its own worktree.'));
  const status = await (await fetch(`${server.url}/api/agents/demo/status`, { headers: bearer(server.token) })).json();
  expect(['starting', 'running']).toContain(status.status);
  expect(status.session.cwd).toBe(worktree);
  expect(await page.locator('[data-id="app-toasts"]').textContent()).toContain('Approved: agent_start');

  // The Agents screen shows the session the assistant started.
  await page.click('[data-id="nav-control"]');
  await page.waitForFunction(() => location.pathname === '/agents');
  await page.waitForFunction(() => /running/.test(document.querySelector('[data-id="agent-demo-status"]')?.textContent ?? ''));

  // The panel stays beside the content on a wide screen, whatever the screen holds (a wide inbox).
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.click('[data-id="nav-email"]');
  await page.waitForSelector('[data-id^="email-row-"]');
  const content = (await page.locator('[data-id="app-content"]').boundingBox())!;
  const panel = (await page.locator('[data-id="assistant-panel"]').boundingBox())!;
  expect(panel.x).toBeGreaterThanOrEqual(content.x + content.width);
  expect(panel.y).toBeLessThan(content.y + 50);
  await context.close();
});
