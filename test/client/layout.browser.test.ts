/**
 * Every route of the thin client at a phone's, a tablet's and a desktop's width: nothing overflows
 * the page sideways, no element is wider than the viewport (unless a scroller of its own clips it),
 * no text is broken in the middle of a word that would fit on a line, the agent page keeps its input
 * on screen after hundreds of output lines, and axe-core finds no serious or critical violation.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { api } from '../control/helpers';
import { browserSuite, signedInPage } from './browser';
import { prepareRoutes, readySelector, startScreensServer, type ScreenRoute } from './screen-routes';

jest.setTimeout(240_000);

const suite = browserSuite(startScreensServer);
let routes: ScreenRoute[] = [];
beforeAll(async () => {
  routes = await prepareRoutes(suite.server);
});

const WIDTHS = [390, 768, 1366] as const;

async function openAt(width: number): Promise<Page> {
  const page = await signedInPage(suite.browser, suite.server);
  suite.contexts.push(page.context());
  await page.setViewportSize({ width, height: width < 640 ? 844 : 900 });
  return page;
}

/** Goes to the route and waits for its page (the previous page's content does not count). */
async function visit(page: Page, route: ScreenRoute): Promise<void> {
  await page.goto(`${suite.server.url}${route.path}`);
  await page.waitForSelector(`body[data-connection="socket"] ${readySelector(route)}`, { timeout: 60_000 });
}

const routeNamed = (name: string) => routes.find((r) => r.name === name)!;

/** What is wrong with the layout, as readable lines (empty when nothing is). */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth > width) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    /** An ancestor that clips its content (a scroller): what overflows inside it is its business. */
    const clipped = (el: Element): boolean => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (style.overflowX !== 'visible' || style.display === 'none') return true;
      }
      return false;
    };
    const name = (el: Element) => el.closest('[data-id]')?.getAttribute('data-id') ?? el.tagName;
    for (const el of Array.from(document.querySelectorAll('#surface *'))) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || el.closest('dialog:not([open])')) continue;
      if ((rect.right > width + 1 || rect.left < -1) && !clipped(el)) problems.push(`${name(el)} spans ${Math.round(rect.left)}..${Math.round(rect.right)} of ${width}`);
    }
    // A word broken in the middle: the text's box is narrower than its longest word, though that word
    // would fit in the room its parent has.
    const canvas = document.createElement('canvas').getContext('2d')!;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('#surface .a2-text'))) {
      const text = el.textContent ?? '';
      if (!text.trim() || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const longest = Math.max(...text.split(/\s+/).map((word) => canvas.measureText(word).width));
      const room = el.parentElement?.clientWidth ?? width;
      if (longest <= room - 16 && el.clientWidth + 1 < longest) problems.push(`${name(el)} breaks a word: ${Math.round(el.clientWidth)} px for a ${Math.round(longest)} px word`);
    }
    return problems;
  });
}

// The narrowest phones still sold: the layout holds there too (axe is run at the widths above; what
// it checks does not change below the compact breakpoint).
test('every route at 320 px: no sideways overflow, nothing wider than the screen, no word broken', async () => {
  const page = await openAt(320);
  const report: string[] = [];
  for (const route of routes) {
    await visit(page, route);
    for (const problem of await layoutProblems(page)) report.push(`${route.path}: ${problem}`);
  }
  expect(report).toEqual([]);
});

describe.each(WIDTHS)('at %i px', (width) => {
  test('every route: no sideways overflow, nothing wider than the screen, no word broken, no serious accessibility violation', async () => {
    const page = await openAt(width);
    const report: string[] = [];
    for (const route of routes) {
      await visit(page, route);
      for (const problem of await layoutProblems(page)) report.push(`${route.path}: ${problem}`);
      const axe = await new AxeBuilder({ page }).include('#surface').analyze();
      for (const violation of axe.violations) {
        if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
        report.push(`${route.path}: axe ${violation.id} (${violation.impact}) on ${violation.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }
    }
    expect(report).toEqual([]);
  });

  test('the agent page keeps the message input on screen after 600 output lines; the transcript scrolls inside, at its end', async () => {
    const page = await openAt(width);
    await visit(page, routeNamed('agent-transcript'));
    await page.waitForFunction(() => document.querySelectorAll('[data-id="control-output"] [data-id="control-line"]').length >= 50, undefined, { timeout: 60_000 });
    const input = await page.locator('[data-id="control-input"] input').boundingBox();
    const viewport = page.viewportSize()!;
    expect(input).not.toBeNull();
    expect(input!.y + input!.height).toBeLessThanOrEqual(viewport.height);
    const transcript = () =>
      page.evaluate(() => {
        const items = document.querySelector('[data-id="control-output"] .a2-list-items')!;
        return { scrolls: items.scrollHeight > items.clientHeight, atEnd: items.scrollHeight - items.scrollTop - items.clientHeight < 24 };
      });
    await page.waitForFunction(() => {
      const items = document.querySelector('[data-id="control-output"] .a2-list-items')!;
      return items.scrollHeight - items.scrollTop - items.clientHeight < 24;
    }, undefined, { timeout: 30_000 });
    expect(await transcript()).toEqual({ scrolls: true, atEnd: true });
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(2 * viewport.height);
  });
});

test('the transcript stops following when the reader scrolls up, offers "Jump to latest", and follows again after it', async () => {
  const page = await openAt(1366);
  await visit(page, routeNamed('agent-transcript'));
  const items = page.locator('[data-id="control-output"] .a2-list-items').first();
  const jump = page.getByRole('button', { name: 'Jump to latest' });
  await page.waitForFunction(() => document.querySelectorAll('[data-id="control-output"] [data-id="control-line"]').length >= 50, undefined, { timeout: 60_000 });
  expect(await jump.isVisible()).toBe(false);

  await items.evaluate((el) => {
    el.scrollTop = 0;
  });
  await jump.waitFor({ state: 'visible', timeout: 30_000 });
  // New output does not pull the reader down while they read.
  await api(suite.server).post('/api/agents/talker/input', { input: 'one more line' });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-id="control-line-text"]')].some((e) => (e.textContent ?? '').includes('one more line')), undefined, { timeout: 30_000 });
  expect(await items.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeGreaterThan(200);
  expect(await jump.isVisible()).toBe(true);

  await jump.click();
  await jump.waitFor({ state: 'hidden', timeout: 30_000 });
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-id="control-output"] .a2-list-items')!;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  }, undefined, { timeout: 30_000 });
  expect(await page.evaluate(() => document.activeElement?.classList.contains('a2-list-items'))).toBe(true);
});
