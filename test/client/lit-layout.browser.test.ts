/**
 * Every route on `/lit.html` (the official `@a2ui/lit` renderer) at a phone's and a desktop's width:
 * axe-core (which reads through the renderer's open shadow roots) finds no serious or critical
 * violation, and the page never scrolls sideways.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { browserSuite } from './browser';
import { registerA2uiSelector, waitForHashRoute } from './lit-page';
import { prepareRoutes, startScreensServer, type ScreenRoute } from './screen-routes';

jest.setTimeout(300_000);

const suite = browserSuite(startScreensServer);
let routes: ScreenRoute[] = [];
beforeAll(async () => {
  await registerA2uiSelector();
  routes = await prepareRoutes(suite.server);
});

async function openAt(width: number): Promise<Page> {
  const context = await suite.browser.newContext({ viewport: { width, height: width < 640 ? 844 : 900 } });
  suite.contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${suite.server.url}/?token=${suite.server.token}`);
  await page.waitForSelector('body[data-connection="socket"] [data-id="root"]');
  return page;
}

describe.each([390, 1366])('/lit.html at %i px', (width) => {
  test('every route: no serious accessibility violation, no sideways scroll', async () => {
    const page = await openAt(width);
    const report: string[] = [];
    for (const route of routes) {
      // A page load per route (a query the page ignores): each route is checked as a deep link opens it.
      await page.goto(`${suite.server.url}/lit.html?route=${encodeURIComponent(route.name)}#${route.path}`);
      await page.waitForSelector('body[data-connection="live"]', { timeout: 60_000 });
      await waitForHashRoute(page, route.path);
      await page.locator(`a2ui=${route.marker}`).first().waitFor({ timeout: 60_000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) report.push(`${route.path}: the page scrolls sideways by ${overflow} px`);
      const axe = await new AxeBuilder({ page }).include('main').analyze();
      for (const violation of axe.violations) {
        if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
        report.push(`${route.path}: axe ${violation.id} (${violation.impact}) on ${violation.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }
    }
    expect(report).toEqual([]);
  });
});
