/**
 * `npm run screenshots`: every route of the product at a phone's width (390 px) and a desktop's
 * (1366 px), in the thin client and on `/lit.html` (the official renderer), saved as PNGs under
 * docs/screenshots/ (the README links them). The server is the one the browser tests use: the sample
 * mailbox, two worktrees (one with a change), agents that printed 600 lines and one in a conversation.
 *
 *   npm run screenshots            # needs Chromium at /usr/bin/chromium
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildClient } from '../client-demo/build';
import { launchBrowser } from '../test/client/browser';
import { registerA2uiSelector } from '../test/client/lit-page';
import { prepareRoutes, readySelector, startScreensServer } from '../test/client/screen-routes';

const OUT = path.join(__dirname, '../docs/screenshots');
const WIDTHS = [390, 1366] as const;
/** The routes shown through the official renderer too. */
const LIT_ROUTES = new Set(['dashboard', 'email-inbox', 'agent-running', 'agent-transcript']);

async function settle(page: Page): Promise<void> {
  // Fonts, icons and the last frame: the page is still once nothing moves for a moment.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(600);
}

async function main(): Promise<void> {
  await buildClient(path.join(__dirname, '../client-demo/dist'));
  await registerA2uiSelector();
  const server = await startScreensServer();
  const browser = await launchBrowser();
  try {
    const routes = await prepareRoutes(server);
    fs.mkdirSync(OUT, { recursive: true });
    for (const file of fs.readdirSync(OUT)) if (file.endsWith('.png')) fs.rmSync(path.join(OUT, file));
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: width < 640 ? 844 : 900 }, deviceScaleFactor: 1, colorScheme: 'light' });
      const page = await context.newPage();
      await page.goto(`${server.url}/?token=${server.token}`);
      await page.waitForSelector('body[data-connection="socket"] [data-id="root"]');
      for (const route of routes) {
        await page.goto(`${server.url}${route.path}`);
        await page.waitForSelector(`body[data-connection="socket"] ${readySelector(route)}`, { timeout: 60_000 });
        await settle(page);
        const file = path.join(OUT, `${route.name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(path.relative(process.cwd(), file));
      }
      for (const route of routes.filter((r) => LIT_ROUTES.has(r.name))) {
        await page.goto(`${server.url}/lit.html#${route.path}`);
        await page.waitForSelector('body[data-connection="live"]');
        await page.locator(`a2ui=${route.marker}`).first().waitFor({ timeout: 60_000 });
        await settle(page);
        const file = path.join(OUT, `lit-${route.name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(path.relative(process.cwd(), file));
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
