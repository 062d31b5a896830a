/**
 * One live view per tab, in Chromium against the real server: two tabs of one user on different routes
 * stay on them while each acts; Back in one moves only it; a new tab at `/` shows the dashboard; a
 * domain change (an agent's output) reaches every tab that shows it; a REST call from a script moves
 * and toasts into no tab; a reload keeps the tab's route and catches up by version; the user's
 * `theme: dark` preference renders dark (measured on a screenshot, by luminance).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { bearer } from '../helpers/client';
import { startAgentServer } from '../control/helpers';
import { browserSuite, signedInPage } from './browser';

jest.setTimeout(60_000);

const suite = browserSuite(() => startAgentServer());
const contexts = suite.contexts;

/** A signed-in context and its first tab. */
async function firstTab(): Promise<{ context: BrowserContext; page: Page }> {
  const page = await signedInPage(suite.browser, suite.server);
  contexts.push(page.context());
  return { context: page.context(), page };
}

/** Another tab of the same browser (same cookie), opened at `path`. */
async function newTab(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${suite.server.url}${path}`);
  await page.waitForSelector('body[data-connection="socket"] [data-id="root"]');
  return page;
}

const route = (page: Page) => new URL(page.url()).pathname;
const waitForRoute = (page: Page, path: string) => page.waitForFunction((p) => location.pathname === p, path);
const toastTexts = (page: Page) => page.locator('[data-id="app-toasts"] [data-id$="-text"]').allTextContents();
const lineTexts = (page: Page) => page.locator('[data-id="control-output"] [data-id="control-line-text"]').allTextContents();

test('two tabs on different routes stay on them while each acts; Back moves only its own tab', async () => {
  const { context, page: one } = await firstTab();
  await one.click('[data-id="nav-control"]');
  await waitForRoute(one, '/agents');
  const two = await newTab(context, '/lab');
  await two.waitForSelector('[data-id="lab-count"]');
  await two.click('[data-id="lab-bump"]');
  await two.click('[data-id="nav-email"]');
  await waitForRoute(two, '/email/inbox');
  await one.click('[data-id="agent-demo-open"]');
  await waitForRoute(one, '/agents/demo');
  // Each tab is where it went, and its screen is its route's.
  expect(route(two)).toBe('/email/inbox');
  await two.waitForSelector('[data-id="email-inbox"]');
  await one.waitForSelector('[data-id="control-output"]', { state: 'attached' });
  // Back in the second tab takes it to /lab; the first tab stays on the agent page.
  await two.goBack();
  await waitForRoute(two, '/lab');
  await two.waitForSelector('[data-id="lab-count"]');
  await new Promise((r) => setTimeout(r, 300));
  expect(route(one)).toBe('/agents/demo');
  expect(await one.locator('[data-id="control-output"]').count()).toBe(1);
});

test('a tab opened at / shows the dashboard, whatever the other tabs show', async () => {
  const { context, page: one } = await firstTab();
  await one.click('[data-id="nav-email"]');
  await waitForRoute(one, '/email/inbox');
  const third = await newTab(context, '/');
  await third.waitForSelector('[data-id="dashboard-title"]');
  expect(route(third)).toBe('/');
  expect(route(one)).toBe('/email/inbox');
});

test("an agent's output streams into both tabs that show it; the toast of the start stays in the tab that started it", async () => {
  const { context, page: one } = await firstTab();
  await one.goto(`${suite.server.url}/agents/demo`);
  await one.waitForSelector('body[data-connection="socket"] [data-id="control-start-button"]');
  const two = await newTab(context, '/agents/demo');
  await one.fill('[data-id="control-prompt"] textarea', 'Both tabs watch this');
  await one.click('[data-id="control-start-button"]');
  for (const page of [one, two]) {
    await page.waitForFunction(() => [...document.querySelectorAll('[data-id="control-line-text"]')].some((e) => (e.textContent ?? '').startsWith('Turn done')));
  }
  expect(await lineTexts(two)).toContain('> Both tabs watch this');
  expect(await lineTexts(two)).toEqual(await lineTexts(one));
  expect(await toastTexts(one)).toContain('Started Demo agent.');
  expect(await toastTexts(two)).not.toContain('Started Demo agent.');
});

test("a REST action from a script changes no tab's route and toasts into none", async () => {
  const { page } = await firstTab();
  await page.click('[data-id="nav-control"]');
  await waitForRoute(page, '/agents');
  const version = Number(await page.getAttribute('body', 'data-version'));
  const post = (body: object) =>
    fetch(`${suite.server.url}/api/a2ui/action`, { method: 'POST', headers: { ...bearer(suite.server.token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // An error (an unknown action) and a navigation, as a curl call would send them.
  expect((await (await post({ action: 'no_such_action' })).json()).status).toBe('error');
  expect((await (await post({ action: 'navigate', payload: { to: '/email/inbox' } })).json()).side_effects).toEqual([{ type: 'navigate', to: '/email/inbox' }]);
  await new Promise((r) => setTimeout(r, 500));
  expect(route(page)).toBe('/agents');
  expect(await toastTexts(page)).toEqual([]);
  expect(Number(await page.getAttribute('body', 'data-version'))).toBe(version);
});

test("a reload keeps the tab's route and view, and catches up by version", async () => {
  const { page } = await firstTab();
  await page.goto(`${suite.server.url}/lab`);
  await page.waitForSelector('body[data-connection="socket"] [data-id="lab-count"]');
  const viewId = await page.evaluate(() => sessionStorage.getItem('a2ui.view'));
  await page.click('[data-id="lab-bump"]');
  await page.waitForFunction(() => document.querySelector('[data-id="lab-count"]')?.textContent !== 'Count: 0');
  const before = Number(await page.getAttribute('body', 'data-version'));
  await page.reload();
  await page.waitForSelector('body[data-connection="socket"] [data-id="lab-count"]');
  expect(route(page)).toBe('/lab');
  expect(await page.evaluate(() => sessionStorage.getItem('a2ui.view'))).toBe(viewId);
  // The same view: its version goes on from where it was (no new view would hold this one).
  expect(Number(await page.getAttribute('body', 'data-version'))).toBeGreaterThanOrEqual(before);
});

/**
 * The mean luminance (0 dark … 1 light) of a screenshot, decoded by the browser itself (on a blank
 * page: the product's CSP rightly refuses data: images).
 */
async function luminance(page: Page): Promise<number> {
  const png = (await page.screenshot()).toString('base64');
  const blank = await page.context().newPage();
  return blank.evaluate(async (data) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const g = canvas.getContext('2d')!;
    g.drawImage(image, 0, 0);
    const pixels = g.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < pixels.length; i += 4) sum += (0.2126 * pixels[i]! + 0.7152 * pixels[i + 1]! + 0.0722 * pixels[i + 2]!) / 255;
    return sum / (pixels.length / 4);
  }, png).finally(() => blank.close());
}

test("the user's theme preference renders: dark after `user_prefs.theme: dark`, light again after `light`", async () => {
  const context = await suite.browser.newContext({ colorScheme: 'light' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${suite.server.url}/?token=${suite.server.token}`);
  await page.waitForSelector('body[data-connection="socket"] [data-id="dashboard-title"]');
  const setTheme = (theme: string) =>
    fetch(`${suite.server.url}/api/a2ui/action`, {
      method: 'POST',
      headers: { ...bearer(suite.server.token), 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'select', payload: { ids: [] }, context: { user_prefs: { theme } } }),
    });
  await setTheme('light');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  const light = await luminance(page);
  await setTheme('dark');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  const dark = await luminance(page);
  expect(light).toBeGreaterThan(0.7);
  expect(dark).toBeLessThan(0.3);
  await setTheme('light');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
});
