/**
 * The product in a real browser: the thin client bundle served by the real server (same wiring as
 * `npm start`, plus the test lab plugin on /lab), driven by Chromium through playwright-core. Covers
 * the start-up URL and its cookie, navigation by clicks and by Back, toasts, reload, tabs kept
 * showing the same domain state, two-way binding into an action, hostile text, the REST fallback, a lost frame healed by
 * resync, and a server restart.
 */
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { browserSuite, signedInPage } from './browser';

jest.setTimeout(60_000);

const suite = browserSuite(() => startTestServer());
const contexts = suite.contexts;

/** A browser context signed in through the start-up URL, and its first page on `path`. */
async function signedIn(s: TestServer = suite.server, path = '/'): Promise<{ context: BrowserContext; page: Page }> {
  const page = await signedInPage(suite.browser, s);
  const context = page.context();
  contexts.push(context);
  if (path !== '/') {
    await page.goto(`${s.url}${path}`);
    await waitForRoute(page, path);
  }
  return { context, page };
}

async function waitForRoute(page: Page, path: string): Promise<void> {
  await page.waitForFunction((p) => location.pathname === p, path);
}

const textOf = (page: Page, id: string) => page.locator(`[data-id="${id}"]`).first().textContent();
const versionOf = async (page: Page) => Number(await page.getAttribute('body', 'data-version'));

test('the start-up URL sets the cookie, leaves the address bar clean and shows the dashboard over the socket', async () => {
  const { context, page } = await signedIn();
  expect(new URL(page.url()).search).toBe('');
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'a2ui_token')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(await textOf(page, 'dashboard-title')).toBe('Dashboard');
  expect(await page.locator('[data-id="app-nav"] button').allTextContents()).toEqual(['Dashboard', 'Email', 'Agents', 'Worktrees', 'Models']);
});

test('without the token the page says how to sign in', async () => {
  const context = await suite.browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(suite.server.url);
  await page.waitForFunction(() => /start-up link/.test(document.getElementById('client-notice')?.textContent ?? ''));
  expect(await page.locator('[data-id="root"]').count()).toBe(0);
});

test('clicks navigate: the URL follows, the DOM changes, the version moves on; Back goes back', async () => {
  const { page } = await signedIn();
  const before = await versionOf(page);
  await page.click('[data-id="nav-control"]');
  await waitForRoute(page, '/agents');
  await page.waitForSelector('[data-id="control-agents"]');
  expect(await page.locator('[data-id="dashboard"]').count()).toBe(0);
  expect(await versionOf(page)).toBeGreaterThan(before);
  await page.click('[data-id="nav-dashboard"]');
  await waitForRoute(page, '/');
  await page.click('[data-id="dashboard-card-worktree-open"]');
  await waitForRoute(page, '/worktrees');
  await page.waitForSelector('[data-id="worktree-page"]');
  // History: / → /agents → / → /worktrees. Back twice: the dashboard, then the agents page.
  await page.goBack();
  await waitForRoute(page, '/');
  await page.waitForSelector('[data-id="dashboard"]');
  expect(await page.locator('[data-id="worktree-page"]').count()).toBe(0);
  await page.goBack();
  await waitForRoute(page, '/agents');
  await page.waitForSelector('[data-id="control-agents"]');
});

test('a toast appears for an action, errors stay until dismissed, and text is never markup', async () => {
  const { page } = await signedIn(suite.server, '/lab');
  const hostile = '<img src=x onerror="window.__pwned=1">';
  await page.fill('[data-id="lab-draft"] input', hostile);
  await page.click('[data-id="lab-add"]');
  await page.waitForFunction((t) => [...document.querySelectorAll('[data-id^="lab-item-"]')].some((e) => e.textContent === t), hostile);
  expect(await page.locator('[data-id="app-toasts"]').textContent()).toContain(`Added ${hostile}`);
  expect(await page.locator('#surface img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  await page.click('[data-id="lab-boom"]');
  const error = page.locator('[data-id^="toast-"][aria-label="error notification"]');
  await error.waitFor();
  expect(await error.textContent()).toContain('Lab Agent failed: the lab exploded');
  await error.locator('button').click();
  await error.waitFor({ state: 'detached' });
});

test('a reload lands on the same route', async () => {
  const { page } = await signedIn(suite.server, '/lab');
  await page.click('[data-id="lab-bump"]');
  await page.reload();
  await page.waitForSelector('body[data-connection="socket"] [data-id="lab-count"]');
  expect(new URL(page.url()).pathname).toBe('/lab');
});

test('two tabs of the same user on the same route show the same domain state', async () => {
  const { context, page: one } = await signedIn(suite.server, '/lab');
  const two = await context.newPage();
  await two.goto(`${suite.server.url}/lab`);
  await two.waitForSelector('body[data-connection="socket"] [data-id="lab-count"]');
  // The count after the bump: the first tab's text once it differs from before (the old count also
  // reads "Count: n", so waiting for the pattern alone could read the count before the bump).
  const before = await one.locator('[data-id="lab-count"]').textContent();
  await one.click('[data-id="lab-bump"]');
  await one.waitForFunction((b) => /Count: \d+/.test(document.querySelector('[data-id="lab-count"]')?.textContent ?? '') && document.querySelector('[data-id="lab-count"]')?.textContent !== b, before);
  const expected = await one.locator('[data-id="lab-count"]').textContent();
  await two.waitForFunction((t) => document.querySelector('[data-id="lab-count"]')?.textContent === t, expected);
  // Each tab is its own view (its own version line); the toast of the bump is the first tab's only.
  expect(await two.locator('[data-id="lab"]').innerText()).toBe(await one.locator('[data-id="lab"]').innerText());
});

test('without a socket the client loads and acts over REST', async () => {
  const context = await suite.browser.newContext();
  contexts.push(context);
  await context.route('**/socket.io/**', (route) => route.abort());
  await context.routeWebSocket(/\/socket\.io\//, (ws) => ws.close());
  const page = await context.newPage();
  await page.goto(`${suite.server.url}/?token=${suite.server.token}`);
  await page.waitForSelector('body[data-connection="rest"] [data-id="root"]');
  await page.click('[data-id="nav-control"]');
  await waitForRoute(page, '/agents');
  await page.waitForSelector('[data-id="control-agents"]');
});

test('a lost frame is noticed by the next one, healed by resync, and both tabs agree', async () => {
  const { context, page: one } = await signedIn(suite.server, '/lab');
  // The second tab's socket goes through a relay that can drop one frame from the server.
  let dropNext = false;
  let dropped = 0;
  let relayed: WebSocketRoute | undefined;
  const two = await context.newPage();
  await two.routeWebSocket(/\/socket\.io\//, (ws) => {
    relayed = ws;
    const upstream = ws.connectToServer();
    ws.onMessage((m) => upstream.send(m));
    upstream.onMessage((m) => {
      if (dropNext && typeof m === 'string' && m.startsWith('42["frame"')) {
        dropNext = false;
        dropped++;
        return;
      }
      ws.send(m);
    });
    ws.onClose(() => upstream.close());
    upstream.onClose(() => ws.close());
  });
  await two.goto(`${suite.server.url}/lab`);
  await two.waitForSelector('body[data-connection="socket"] [data-id="lab-count"]');
  for (let i = 0; i < 50 && !relayed; i++) await new Promise((r) => setTimeout(r, 100));
  expect(relayed).toBeDefined();
  await new Promise((r) => setTimeout(r, 500)); // let the transport settle on the relayed websocket
  const start = Number(/\d+/.exec((await textOf(one, 'lab-count')) ?? '')?.[0]);
  dropNext = true;
  await one.click('[data-id="lab-bump"]');
  for (let i = 0; i < 50 && dropped === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(dropped).toBe(1);
  await one.click('[data-id="lab-bump"]');
  const target = `Count: ${start + 2}`;
  await one.waitForFunction((t) => document.querySelector('[data-id="lab-count"]')?.textContent === t, target);
  // The second tab missed the first bump's frame: the next one shows the gap, the resync heals it.
  await two.waitForFunction((t) => document.querySelector('[data-id="lab-count"]')?.textContent === t, target);
  expect(await textOf(two, 'lab-count')).toBe(await textOf(one, 'lab-count'));
});

test('after a server restart the page reconnects by itself on the same route with a newer version', async () => {
  const first = await startTestServer();
  const { page } = await signedIn(first, '/agents');
  await page.waitForSelector('[data-id="control-agents"]');
  const before = await versionOf(page);
  await first.close();
  await page.waitForSelector('body:not([data-connection="socket"])');
  const second = await startTestServer({ dataDir: first.dataDir, env: { PORT: String(first.port) } });
  try {
    await page.waitForSelector('body[data-connection="socket"]', { timeout: 30_000 });
    await page.waitForFunction((v) => Number(document.body.dataset.version) > v, before);
    expect(new URL(page.url()).pathname).toBe('/agents');
    await page.waitForSelector('[data-id="control-agents"]');
    await page.click('[data-id="nav-dashboard"]');
    await page.waitForSelector('[data-id="dashboard"]');
  } finally {
    await second.close();
  }
});
