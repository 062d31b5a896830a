/**
 * The product's screens as a person uses them, in Chromium: toasts (an overlay, coloured, leaving or
 * staying, three errors at most, cleared on navigation), errors at the fields (after a touch or a
 * submit; the server's verdict at the field, never a red bar), Enter submitting, a busy button taking
 * one click, inbox conversations and reading them, the dashboard's numbers moving live, icons drawn
 * as SVG (no emoji anywhere), the focus after a move, the compact shell on a phone, and the sign-in page.
 */
import type { Page } from 'playwright-core';
import { api, waitForStatus } from '../control/helpers';
import { bearer } from '../helpers/server';
import { browserSuite, signedInPage } from './browser';
import { startScreensServer } from './screen-routes';

jest.setTimeout(90_000);

const suite = browserSuite(startScreensServer);

async function open(path = '/', width = 1366): Promise<Page> {
  const page = await signedInPage(suite.browser, suite.server);
  suite.contexts.push(page.context());
  await page.setViewportSize({ width, height: 900 });
  if (path !== '/') {
    await page.goto(`${suite.server.url}${path}`);
    await page.waitForFunction((p) => location.pathname === p, path);
  }
  await page.waitForSelector('body[data-connection="socket"] [data-id="app-content"] > *');
  return page;
}

const toastTexts = (page: Page) => page.locator('[data-id="app-toasts"] [data-id$="-text"]').allTextContents();
const EMOJI = /\p{Extended_Pictographic}/u;

describe('toasts', () => {
  test('an overlay that never moves the page; coloured by variant; a success leaves by itself, an error stays until dismissed', async () => {
    const page = await open('/lab');
    const contentTop = async () => (await page.locator('[data-id="app-content"]').boundingBox())!.y;
    const before = await contentTop();
    await page.fill('[data-id="lab-draft"] input', 'pear');
    await page.click('[data-id="lab-add"]');
    await page.waitForFunction(() => document.querySelector('[data-id="app-toasts"]')?.textContent?.includes('Added pear'));
    expect(await contentTop()).toBe(before);
    expect(await page.getAttribute('[data-id="app-toasts"]', 'aria-live')).toBe('polite');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('[data-id="app-toasts"]')!).position)).toBe('fixed');

    await page.click('[data-id="lab-boom"]');
    const error = page.locator('[data-id^="toast-"][aria-label="error notification"]');
    await error.waitFor();
    const colours = await page.evaluate(() => {
      const tone = (label: string) => getComputedStyle(document.querySelector(`[data-id^="toast-"][aria-label="${label}"]`)!).borderLeftColor;
      return { success: tone('success notification'), error: tone('error notification') };
    });
    expect(colours.success).not.toBe(colours.error);

    // The success leaves by itself (after its lifetime); the error is still there.
    await page.waitForFunction(() => !document.querySelector('[data-id="app-toasts"]')?.textContent?.includes('Added pear'), undefined, { timeout: 20_000 });
    expect(await error.count()).toBe(1);
    await error.getByRole('button', { name: 'Dismiss' }).click();
    await error.waitFor({ state: 'detached' });
  });

  test('three errors at most; leaving the page clears them', async () => {
    const page = await open('/lab');
    for (let i = 0; i < 4; i++) await page.click('[data-id="lab-boom"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-id^="toast-"][aria-label="error notification"]').length === 3);
    await page.click('[data-id="nav-dashboard"]');
    await page.waitForFunction(() => location.pathname === '/');
    await page.waitForFunction(() => document.querySelectorAll('[data-id^="toast-"][data-component="Row"]').length === 0);
  });

  test('a busy button takes one click: a double click on a slow action sends it once', async () => {
    const page = await open('/lab');
    await page.dblclick('[data-id="lab-hang"]');
    expect(await page.getAttribute('[data-id="lab-hang"]', 'aria-busy')).toBe('true');
    await page.waitForFunction(() => document.querySelector('[data-id="lab-hang"]')?.getAttribute('aria-busy') === null, undefined, { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelector('[data-id="app-toasts"]')?.textContent?.includes('timed out'));
    expect((await toastTexts(page)).filter((t) => t.includes('timed out'))).toHaveLength(1);
  });
});

describe('forms', () => {
  test('the new-worktree form is not red before anything is typed; a field shows its error once touched', async () => {
    const page = await open('/worktrees/new');
    expect(await page.locator('.a2-field-error:visible').count()).toBe(0);
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(0);
    const agent = page.locator('[data-id="worktree-new-agent"] input');
    await agent.fill('no spaces allowed');
    await agent.blur();
    await page.locator('[data-id="worktree-new-agent"] .a2-field-error:visible').waitFor();
    expect(await agent.getAttribute('aria-invalid')).toBe('true');
  });

  test('an empty Send shows the error at the field and moves the focus there; a refused address gets the server words at the field, never a red bar', async () => {
    const page = await open('/email/compose');
    await page.click('[data-id="email-send"]');
    const to = page.locator('[data-id="email-compose-to"]');
    await to.locator('.a2-field-error:visible').waitFor();
    expect(await to.locator('.a2-field-error').textContent()).toBe('Enter at least one address.');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-id]')?.getAttribute('data-id'))).toBe('email-compose-to');

    await to.locator('input').fill('not an address');
    await page.click('[data-id="email-send"]');
    await page.waitForFunction(() => /email addresses/.test(document.querySelector('[data-id="email-compose-to"] .a2-field-error')?.textContent ?? ''));
    expect(await page.locator('#client-notice').isHidden()).toBe(true);
    expect(await to.locator('.a2-field-error').textContent()).toMatch(/^Must be 1 to 50 email addresses/);
    // Editing the field puts the verdict away; the next send asks the server again.
    await to.locator('input').fill('ada@example.com');
    expect(await to.locator('.a2-field-error').isHidden()).toBe(true);
  });

  test('Enter in the search box searches; Enter in the agent message box sends', async () => {
    const page = await open('/email/inbox');
    await page.fill('[data-id="email-search-field"] input', 'croissants');
    await page.press('[data-id="email-search-field"] input', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-id="email-inbox-list"] > [data-component="Card"]').length === 1);
    expect(await page.locator('[data-id="email-inbox-list"]').textContent()).toContain('Zoë Martin');
    // An empty search (Enter again) shows the whole inbox (the search is the user's, kept across pages).
    await page.fill('[data-id="email-search-field"] input', '');
    await page.press('[data-id="email-search-field"] input', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-id="email-inbox-list"] > [data-component="Card"]').length > 1);

    await api(suite.server).post('/api/agents/echo/start', {});
    await waitForStatus(suite.server, 'echo', 'running');
    await page.goto(`${suite.server.url}/agents/echo`);
    await page.waitForSelector('[data-id="control-input"] input');
    await page.fill('[data-id="control-input"] input', 'Tell me more');
    await page.press('[data-id="control-input"] input', 'Enter');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-id="control-line-text"]')].some((e) => e.textContent === 'got: Tell me more'));
    await api(suite.server).post('/api/agents/echo/stop');
  });
});

describe('email', () => {
  test('one row per conversation, with its count; opening it reads it, and Reply quotes its latest message', async () => {
    const page = await open('/email/inbox');
    await page.waitForSelector('[data-id="email-row-m3"]');
    expect(await page.locator('[data-id="email-inbox-list"] > [data-component="Card"]').count()).toBe(6);
    expect(await page.locator('[data-id="email-row-m1"]').count()).toBe(0);
    expect(await page.textContent('[data-id="email-row-m3-from"]')).toBe('Priya Raman (3)');
    expect(await page.locator('[data-id="email-row-m3-unread-badge"]').count()).toBe(1);

    await page.click('[data-id="email-row-m3-open"]');
    await page.waitForFunction(() => location.pathname === '/email/thread/m3');
    await page.click('[data-id="email-thread-back"]');
    await page.waitForFunction(() => location.pathname === '/email/inbox');
    await page.waitForSelector('[data-id="email-row-m3"]');
    expect(await page.locator('[data-id="email-row-m3-unread-badge"]').count()).toBe(0);

    await page.goto(`${suite.server.url}/email/thread/m1`);
    await page.waitForSelector('[data-id="email-reply"]');
    await page.click('[data-id="email-reply"]');
    await page.waitForFunction(() => location.pathname === '/email/compose');
    const body = await page.locator('[data-id="email-compose-body"] textarea').inputValue();
    expect(body).toContain('add a slide on the mobile launch');
  });
});

describe('dashboard', () => {
  test('its numbers move live: mail arriving and an agent starting change the cards without a reload', async () => {
    const page = await open('/');
    await page.waitForFunction(() => /unread/.test(document.querySelector('[data-id="dashboard-card-email-count"]')?.textContent ?? ''));
    const unread = Number(/\d+/.exec((await page.textContent('[data-id="dashboard-card-email-count"]'))!)?.[0] ?? 0);
    const running = await page.textContent('[data-id="dashboard-card-control-count"]');

    // Mail to yourself lands in your inbox (sent from the token's own view, not this tab).
    const sent = await fetch(`${suite.server.url}/api/a2ui/action`, {
      method: 'POST',
      headers: { ...bearer(suite.server.token), 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'send', payload: { to: 'you@example.com', subject: 'Dashboard check', body: 'Hello' }, context: { route: '/email/compose' } }),
    });
    expect(sent.status).toBe(200);
    await page.waitForFunction((n) => document.querySelector('[data-id="dashboard-card-email-count"]')?.textContent === `${n + 1} unread`, unread);
    await page.waitForFunction(() => document.querySelector('[data-id="dashboard-card-email"]')?.textContent?.includes('Dashboard check'));

    await api(suite.server).post('/api/agents/slow/start', { prompt: 'Count me' });
    await page.waitForFunction((before) => {
      const now = document.querySelector('[data-id="dashboard-card-control-count"]')?.textContent;
      return now !== before && /running/.test(now ?? '') && !!document.querySelector('[data-id="dashboard-card-control-agent-slow"]');
    }, running);
    await api(suite.server).post('/api/agents/slow/stop');
  });
});

describe('focus', () => {
  test('after a move the focus is on the new page (its heading), or stays on the header section that moved it; it is visible', async () => {
    const page = await open('/email/inbox');
    await page.waitForSelector('[data-id="email-row-m4-open"]');
    // From the keyboard: the row's Open button, then Enter. The button goes with the inbox.
    await page.focus('[data-id="email-row-m4-open"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.pathname === '/email/thread/m4');
    await page.waitForFunction(() => {
      const active = document.activeElement;
      return !!active && /^H[12]$/.test(active.tagName) && !!active.closest('[data-id="app-content"]');
    });
    expect(await page.evaluate(() => document.activeElement!.closest('[data-id="email-thread"]') !== null)).toBe(true);

    // A header section keeps the focus (the user may go on along the header), drawn with an outline.
    await page.focus('[data-id="nav-control"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.pathname === '/agents');
    await page.waitForSelector('[data-id="app-content"] [data-id="control-agents"]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe('nav-control');
    const ring = await page.evaluate(() => {
      const active = document.activeElement!;
      return { visible: active.matches(':focus-visible'), outline: getComputedStyle(active).outlineStyle };
    });
    expect(ring).toEqual({ visible: true, outline: 'solid' });
  });
});

describe('icons and the shell', () => {
  test('icons are SVG drawn from the catalog names: no emoji and no icon name as text, on any route', async () => {
    const page = await open('/');
    // Each route with a component only its page shows (the previous page's content does not count).
    const pages: Array<[string, string]> = [
      ['/', 'dashboard'],
      ['/email/inbox', 'email-inbox'],
      ['/agents', 'control-agents'],
      ['/agents/demo', 'agent-demo-status-badge'],
      ['/worktrees', 'worktree-page'],
      ['/models', 'gateway'],
    ];
    for (const [path, marker] of pages) {
      await page.goto(`${suite.server.url}${path}`);
      await page.waitForSelector(`body[data-connection="socket"] [data-id="app-content"] [data-id="${marker}"]`);
      const icons = await page.$$eval('[data-component="Icon"]', (els) => els.map((e) => ({ text: e.textContent ?? '', svg: !!e.querySelector('svg path[d]') })));
      expect(icons.length).toBeGreaterThan(0);
      expect(icons.filter((i) => i.text.trim() !== '' || !i.svg)).toEqual([]);
      // (Mail may hold emoji: that is content. The product's own words, buttons and headings do not.)
      const chrome = await page.$$eval('button, h1, h2, h3, h4, h5, [data-component="Icon"]', (els) =>
        els.filter((e) => e.tagName === 'BUTTON' || e.matches('[data-component="Icon"]') || !e.closest('[data-id^="email-row-"], [data-id^="email-thread"]')).map((e) => e.textContent ?? ''),
      );
      expect(chrome.filter((t) => EMOJI.test(t))).toEqual([]);
    }
  });

  test('on a phone the header is compact and the assistant is behind a button; a resize to a desktop puts it beside the content', async () => {
    const page = await open('/', 390);
    await page.waitForSelector('[data-id="app-panels-open"]');
    expect(await page.locator('[data-id="app-panels"]').isVisible()).toBe(false);
    await page.click('[data-id="app-panels-open"]');
    await page.locator('[data-id="assistant-panel"]').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.waitForSelector('[data-id="app-body"] [data-id="app-panels"] [data-id="assistant-panel"]');
    expect(await page.locator('[data-id="app-panels-open"]').count()).toBe(0);
  });

  test('a wrong token in the start-up link shows a page that says what to do; without a cookie the client shows a sign-in panel', async () => {
    const context = await suite.browser.newContext();
    suite.contexts.push(context);
    const page = await context.newPage();
    const res = await page.goto(`${suite.server.url}/?token=not-the-token`);
    expect(res!.status()).toBe(401);
    expect(await page.textContent('h1')).toBe('Sign in needed');
    expect(await page.locator('body').innerText()).not.toMatch(/UNAUTHORIZED|"error"/);
    await page.goto(suite.server.url);
    await page.waitForSelector('.a2-signin input[type="password"]');
    expect(await page.textContent('.a2-signin h1')).toBe('Sign in needed');
  });
});
