/**
 * Shared by the client's browser tests: real Chromium through playwright-core, and a tiny static file
 * server on 127.0.0.1 for the bundles they build.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestServer } from '../helpers/server';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new browser context signed in through the server's start-up URL, and its page once the thin client is live. */
export async function signedInPage(browser: Browser, server: { url: string; token: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/?token=${server.token}`);
  await page.waitForSelector('body[data-connection="socket"] [data-id="root"]');
  return page;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/**
 * Serves the files of `dir`; any path without a file extension gets index.html (deep links).
 * `handle` sees each request first and returns true when it answered it.
 */
export function staticHandler(dir: string, handle?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (handle?.(req, res)) return;
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.join(dir, path.normalize(pathname));
    if (!file.startsWith(dir) || !path.extname(file) || !existsSync(file) || !statSync(file).isFile()) {
      file = path.extname(pathname) ? '' : path.join(dir, 'index.html');
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  };
}

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function close(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The set-up a browser test file shares: Chromium and a server started before its tests, the
 * contexts a test opened closed after it, both stopped at the end. Read the fields inside tests.
 */
export function browserSuite(start: () => Promise<TestServer>): { browser: Browser; server: TestServer; contexts: BrowserContext[] } {
  const suite = { browser: undefined as unknown as Browser, server: undefined as unknown as TestServer, contexts: [] as BrowserContext[] };
  beforeAll(async () => {
    suite.browser = await launchBrowser();
    suite.server = await start();
  });
  afterEach(async () => {
    for (const context of suite.contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
