/**
 * `/lit.html` in Chromium: the product rendered by the official `@a2ui/lit` renderer, fed by the v0.9
 * SSE stream, acting with v0.9 actions. Covers the dashboard, navigation by header buttons, cards and
 * Back/Forward with the address bar in step, a deep link and a reload, two-way binding into an action,
 * toasts (errors stay until dismissed), hostile text, another tab's change, a worktree created and
 * removed, and an email archived.
 * Every page must end without a refused message or a console error (CSP violations included).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalMailboxFile } from '../../agents/email/local-provider';
import { WorktreeService } from '../../agents/worktree/service';
import { gitBranches, gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { labCount } from '../helpers/lab-plugin';
import { startTestServer, type TestServer } from '../helpers/server';
import { closeTestModules, openTestModules } from '../helpers/services';
import { launchBrowser } from './browser';
import { clickButton, hashRoute, openLitPage, registerA2uiSelector, textOf, waitForHashRoute } from './lit-page';

jest.setTimeout(60_000);

let browser: Browser;
let server: TestServer;
let repo: string;
const contexts: BrowserContext[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  await registerA2uiSelector();
  browser = await launchBrowser();
  repo = makeRepo();
  // Success toasts stay a minute: the official renderer on a loaded machine can take longer than
  // their usual six seconds to draw one after the click that raised it.
  server = await startTestServer({ env: { A2UI_REPO: repo, A2UI_TOAST_LIFETIME_MS: '60000' } });
});
afterEach(async () => {
  for (const context of contexts.splice(0)) {
    for (const page of context.pages()) expect(await page.getAttribute('body', 'data-refused')).toBeNull();
    await context.close();
  }
  expect(consoleErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser.close();
  await server.close();
  await closeTestModules();
});

async function newPage(context?: BrowserContext): Promise<Page> {
  if (!context) {
    context = await browser.newContext();
    contexts.push(context);
  }
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return page;
}

/** A signed-in page on `/lit.html`, on `route` when given. */
async function litPage(route?: string): Promise<Page> {
  const page = await newPage();
  await openLitPage(page, server, route);
  return page;
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

test('the dashboard renders with the official renderer', async () => {
  const page = await litPage();
  // Opened without a route, the page follows the server's: a fresh session is on the dashboard.
  await page.locator('a2ui=dashboard').waitFor();
  expect(await hashRoute(page)).toBe('/');
  expect((await textOf(page, 'dashboard-title'))?.trim()).toBe('Dashboard');
  expect((await page.locator('a2ui=app-nav').getByRole('button').allTextContents()).map((t) => t.trim())).toEqual(['Dashboard', 'Email', 'Agents', 'Worktrees', 'Models']);
  expect(await page.locator('a2ui-surface').count()).toBe(1);
  // Rendered by the official catalog's elements, not by the thin client.
  expect(await page.locator('a2ui=dashboard-title').evaluate((e) => e.tagName.toLowerCase())).toMatch(/^a2ui-/);
  // (The page copies component ids onto the renderer's elements as data-id; the thin client's own
  // elements, which carry data-component, are not on this page.)
  expect(await page.locator('[data-component]').count()).toBe(0);
});

test('every route of every plugin opens as a deep link and renders without a refused message', async () => {
  const routes = (await openTestModules()).plugins.flatMap((p) => p.routes.map((r) => r.path.replace(/:(\w+)/g, 'sample-$1')));
  expect(routes).toEqual(expect.arrayContaining(['/', '/email/inbox', '/agents', '/worktrees', '/worktrees/new']));
  const page = await newPage();
  for (const route of routes) {
    await openLitPage(page, server, route);
    await page.locator('a2ui=app-content').waitFor();
    expect(await page.locator('a2ui=app-content').innerText()).not.toBe('');
  }
});

test('header buttons and cards navigate, the address bar follows, Back and Forward go back and forth', async () => {
  const page = await litPage('/');
  await button(page, 'Agents').click();
  await waitForHashRoute(page, '/agents');
  await page.locator('a2ui=app-content').getByText('Agents', { exact: true }).first().waitFor();
  await page.locator('a2ui=dashboard').waitFor({ state: 'detached' });

  await button(page, 'Dashboard').click();
  await waitForHashRoute(page, '/');
  await button(page, 'Open Worktrees').click();
  await waitForHashRoute(page, '/worktrees');
  await page.locator('a2ui=worktree-page').waitFor();

  // History: / → /agents → / → /worktrees.
  await page.goBack();
  await waitForHashRoute(page, '/');
  await page.locator('a2ui=dashboard').waitFor();
  await page.goBack();
  await waitForHashRoute(page, '/agents');
  await page.locator('a2ui=dashboard').waitFor({ state: 'detached' });
  await page.goForward();
  await waitForHashRoute(page, '/');
  await page.locator('a2ui=dashboard').waitFor();
});

test('a deep link opens its page, and a reload stays there', async () => {
  const page = await litPage('/lab');
  const before = (await textOf(page, 'lab-count'))!.trim();
  await clickButton(page, 'lab-bump');
  await page.locator('a2ui=lab-count').getByText(before).waitFor({ state: 'detached' });
  const after = (await textOf(page, 'lab-count'))!.trim();
  await page.reload();
  await page.waitForSelector('body[data-connection="live"]');
  await page.locator('a2ui=lab-count').getByText(after).waitFor();
  expect(await hashRoute(page)).toBe('/lab');
});

test('typing into a field feeds an action; toasts show, errors stay until dismissed, text is never markup', async () => {
  const page = await litPage('/lab');
  const hostile = '<img src=x onerror="window.__pwned=1">';
  await page.locator('a2ui=lab-draft').locator('input').fill(hostile);
  await clickButton(page, 'lab-add');
  await page.locator('a2ui=app-toasts').getByText(`Added ${hostile}`).waitFor();
  await page.locator('a2ui=lab-items').getByText(hostile, { exact: true }).waitFor();
  expect(await page.locator('a2ui-surface img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  await clickButton(page, 'lab-boom');
  const error = page.locator('a2ui=app-toasts').getByText('Lab Agent failed: the lab exploded');
  await error.waitFor();
  await page.locator('a2ui=app-toasts').getByRole('button', { name: 'Dismiss' }).last().click();
  await error.waitFor({ state: 'detached' });
});

test('a change made in another tab (here the native client) appears', async () => {
  const page = await litPage('/lab');
  const count = async () => labCount((await textOf(page, 'lab-count')) ?? undefined);
  const before = await count();
  const native = await newPage(page.context());
  await native.goto(`${server.url}/lab`);
  await native.click('body[data-connection="socket"] [data-id="lab-bump"]');
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('a2ui-surface')].some((s) => s.shadowRoot?.textContent?.includes(`Count: ${n}`)),
    before + 1,
  );
  expect(await count()).toBe(before + 1);
});

test('a worktree is created through the form and removed through its dialog', async () => {
  const page = await litPage('/worktrees');
  await button(page, 'New worktree').click();
  await waitForHashRoute(page, '/worktrees/new');
  await page.locator('a2ui=worktree-new-agent').locator('input').fill('lit');
  await page.locator('a2ui=worktree-new-task').locator('input').fill('9');
  await page.locator('a2ui=worktree-new-title-field').locator('input').fill('Official renderer');
  await clickButton(page, 'worktree-new-create');

  await waitForHashRoute(page, '/worktrees');
  const wtPath = `${repo}/.worktrees/lit-9-official-renderer`;
  const key = WorktreeService.keyOf(wtPath);
  await page.locator(`a2ui=worktree-row-${key}`).waitFor();
  expect((await textOf(page, `worktree-row-${key}-branch`))?.trim()).toBe('agent/lit/9-official-renderer');
  await page.locator('a2ui=app-toasts').getByText('Created worktree agent/lit/9-official-renderer.').waitFor();
  expect(gitWorktreePaths(repo)).toEqual([repo, wtPath]);

  await clickButton(page, `worktree-remove-${key}-open`);
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await page.locator(`a2ui=worktree-remove-${key}-delete-branch`).locator('input').check();
  await clickButton(page, `worktree-remove-${key}-confirm`);
  await page.locator(`a2ui=worktree-row-${key}`).waitFor({ state: 'detached' });
  await page.locator('a2ui=app-toasts').getByText(/Removed worktree agent\/lit\/9-official-renderer/).waitFor();
  expect(gitWorktreePaths(repo)).toEqual([repo]);
  expect(gitBranches(repo)).toEqual(['main']);
});

test('an email is archived: from its row in the inbox, and from its thread', async () => {
  const mailbox = () => JSON.parse(fs.readFileSync(path.join(server.dataDir, 'mail', 'mailbox-local.json'), 'utf8')) as LocalMailboxFile;
  const inInbox = (id: string) => mailbox().messages.find((m) => m.id === id)!.labels.includes('INBOX');
  const page = await litPage('/');
  await button(page, 'Email').click();
  await waitForHashRoute(page, '/email/inbox');
  await page.locator('a2ui=email-row-m5').waitFor();
  expect(inInbox('m5')).toBe(true);
  await clickButton(page, 'email-row-m5-archive');
  await page.locator('a2ui=email-row-m5').waitFor({ state: 'detached' });
  await page.locator('a2ui=app-toasts').getByText('Archived “[a2ui-orchestrator] Build passed on main”.').waitFor();
  expect(inInbox('m5')).toBe(false);

  await clickButton(page, 'email-row-m7-open');
  await waitForHashRoute(page, '/email/thread/m7');
  await page.locator('a2ui=email-msg-m7').waitFor();
  await clickButton(page, 'email-archive');
  await page.locator('a2ui=app-toasts').getByText(/^Archived “Lunch next week\?”/).waitFor();
  expect(inInbox('m7')).toBe(false);
  await button(page, 'Email').click();
  await waitForHashRoute(page, '/email/inbox');
  await page.locator('a2ui=email-inbox-list').waitFor();
  expect(await page.locator('a2ui=email-row-m7').count()).toBe(0);
});
