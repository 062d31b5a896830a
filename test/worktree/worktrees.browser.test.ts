/**
 * The worktree screens in Chromium against the real server and a real repository: create a
 * worktree through the form, see it listed, remove it through the confirmation dialog.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { WorktreeService } from '../../agents/worktree/service';
import { launchBrowser, signedInPage } from '../client/browser';
import { gitBranches, gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { startTestServer, type TestServer } from '../helpers/server';

jest.setTimeout(60_000);

let browser: Browser;
let server: TestServer;
let repo: string;

beforeAll(async () => {
  browser = await launchBrowser();
  repo = makeRepo();
  server = await startTestServer({ env: { A2UI_REPO: repo } });
});
afterAll(async () => {
  await browser.close();
  await server.close();
});

test('create a worktree through the form, then remove it (with its branch) through the dialog', async () => {
  const page = await signedInPage(browser, server);
  await page.click('[data-id="nav-worktree"]');
  await page.waitForSelector('[data-id="worktree-page"]');
  await page.click('[data-id="worktree-new"]');
  await page.waitForFunction(() => location.pathname === '/worktrees/new');

  // The client-side checks keep Create disabled until the required fields are filled.
  expect(await page.locator('[data-id="worktree-new-create"]').isDisabled()).toBe(true);
  await page.fill('[data-id="worktree-new-agent"] input', 'browser');
  await page.fill('[data-id="worktree-new-task"] input', '12');
  await page.fill('[data-id="worktree-new-title-field"] input', 'Click through it');
  await page.click('[data-id="worktree-new-create"]');

  await page.waitForFunction(() => location.pathname === '/worktrees');
  const wtPath = path.join(repo, '.worktrees', 'browser-12-click-through-it');
  const key = WorktreeService.keyOf(wtPath);
  await page.waitForSelector(`[data-id="worktree-row-${key}"]`);
  expect(await page.locator(`[data-id="worktree-row-${key}-branch"]`).textContent()).toBe('agent/browser/12-click-through-it');
  expect(await page.locator('[data-id="app-toasts"]').textContent()).toContain('Created worktree agent/browser/12-click-through-it.');
  expect(gitWorktreePaths(repo)).toEqual([repo, wtPath]);

  // A dirty worktree: the first attempt without force is refused inside the dialog.
  fs.writeFileSync(path.join(wtPath, 'scratch.txt'), 'x');
  await page.click('[data-id="worktree-refresh"]');
  await page.waitForSelector(`[data-id="worktree-row-${key}-dirty"]`);
  await page.click(`[data-id="worktree-remove-${key}-open"]`);
  const dialog = page.locator(`[data-id="worktree-remove-${key}"] dialog`);
  await dialog.waitFor({ state: 'visible' });
  await page.check(`[data-id="worktree-remove-${key}-delete-branch"] input`);
  await page.click(`[data-id="worktree-remove-${key}-confirm"]`);
  await page.waitForSelector(`[data-id="worktree-remove-${key}-error"]`);
  expect(await page.locator(`[data-id="worktree-remove-${key}-error"]`).textContent()).toMatch(/uncommitted changes/);
  expect(gitWorktreePaths(repo)).toContain(wtPath);

  await page.check(`[data-id="worktree-remove-${key}-force"] input`);
  await page.click(`[data-id="worktree-remove-${key}-confirm"]`);
  await page.waitForSelector(`[data-id="worktree-row-${key}"]`, { state: 'detached' });
  expect(await page.locator('[data-id="app-toasts"]').textContent()).toContain('Removed worktree agent/browser/12-click-through-it and deleted branch');
  expect(gitWorktreePaths(repo)).toEqual([repo]);
  expect(gitBranches(repo)).toEqual(['main']);
  await page.context().close();
});
