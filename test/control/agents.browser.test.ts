/**
 * The agent screens in Chromium against the real server: open the demo agent from the list, start it
 * from the form, watch its output stream in line by line, steer it through the input box, stop it and
 * resume it with the buttons their status enables.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEMO_AGENT_SCRIPT } from '../../agents/control/definitions';
import { launchBrowser, signedInPage } from '../client/browser';
import { tempDir, type TestServer } from '../helpers/server';
import { startAgentServer } from './helpers';

jest.setTimeout(60_000);

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await launchBrowser();
  const dataDir = tempDir('a2ui-agents-browser-');
  // The demo agent at its screen pace (150 ms between chunks): the stream is visibly gradual.
  fs.writeFileSync(
    path.join(dataDir, 'agents.json'),
    JSON.stringify({ agents: [{ id: 'demo', name: 'Demo agent', role: 'worker', description: 'The built-in demo.', protocol: 'stream-json', command: '{node}', args: [DEMO_AGENT_SCRIPT, '--delay-ms', '150'] }] }),
  );
  server = await startAgentServer({ dataDir });
});
afterAll(async () => {
  await browser.close();
  await server.close();
});

const lineTexts = (page: Page) => page.locator('[data-id="control-output"] [data-id="control-line-text"]').allTextContents();
const textOf = (page: Page, id: string) => page.locator(`[data-id="${id}"]`).first().textContent();
const disabled = (page: Page, id: string) => page.locator(`[data-id="${id}"]`).first().isDisabled();

test('start the demo agent from the screens and watch its output stream in; input, stop, resume', async () => {
  const page = await signedInPage(browser, server);
  await page.click('[data-id="nav-control"]');
  await page.waitForFunction(() => location.pathname === '/agents');
  expect(await textOf(page, 'agent-demo-status')).toBe('idle');
  await page.click('[data-id="agent-demo-open"]');
  await page.waitForFunction(() => location.pathname === '/agents/demo');
  await page.waitForSelector('[data-id="control-output"]', { state: 'attached' }); // empty: no height yet
  expect(await disabled(page, 'control-start-button')).toBe(false);
  expect(await disabled(page, 'control-stop')).toBe(true);
  expect(await disabled(page, 'control-resume')).toBe(true);
  expect(await page.locator('[data-id="control-input"]').count()).toBe(0); // no input while no session runs

  const hostile = 'Hello <img src=x onerror="window.__pwned=1">';
  await page.fill('[data-id="control-prompt"] textarea', hostile);
  await page.click('[data-id="control-start-button"]');

  // Streaming: first some of the answer without the result, later the result after it.
  await page.waitForFunction(() => {
    const texts = [...document.querySelectorAll('[data-id="control-output"] [data-id="control-line-text"]')].map((e) => e.textContent ?? '');
    return texts.some((t) => t.startsWith('You asked:')) && !texts.some((t) => t.startsWith('Turn done'));
  });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-id="control-line-text"]')].some((e) => (e.textContent ?? '').startsWith('Turn done')));
  const lines = await lineTexts(page);
  expect(lines.indexOf(`> ${hostile}`)).toBeGreaterThan(-1);
  expect(lines.findIndex((t) => t.startsWith('LS: '))).toBeGreaterThan(lines.findIndex((t) => t.startsWith('You asked:')));
  expect(lines.at(-1)).toMatch(/^Turn done · \d+\.\d s · \$0\.0042 · 1 turn: Answered/);
  expect(await page.locator('#surface img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await page.waitForFunction(() => document.querySelector('[data-id="agent-demo-status"]')?.textContent === 'running · waiting for input');
  expect(await textOf(page, 'control-summary')).toMatch(/Cost: \$0\.0042$/);
  expect(await page.locator('[data-id="control-start"]').count()).toBe(0); // no start form while a session runs
  expect(await disabled(page, 'control-stop')).toBe(false);

  // Steer it through the input box.
  await page.fill('[data-id="control-input"] input', 'Tell me more');
  await page.click('[data-id="control-send"]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-id="control-line-text"]')].filter((e) => (e.textContent ?? '').startsWith('Turn done')).length === 2);
  expect(await lineTexts(page)).toContain('> Tell me more');
  expect(await page.inputValue('[data-id="control-input"] input')).toBe('');

  // Stop, then resume: the buttons follow the status.
  await page.click('[data-id="control-stop"]');
  await page.waitForFunction(() => document.querySelector('[data-id="agent-demo-status"]')?.textContent === 'terminated · stopped');
  expect(await textOf(page, 'control-exit-summary')).toBe('Exited: stopped (interrupt), exit code 0');
  // The start form is back, cleared (its prompt bound to a fresh key).
  expect(await page.inputValue('[data-id="control-prompt"] textarea')).toBe('');
  expect(await disabled(page, 'control-stop')).toBe(true);
  expect(await disabled(page, 'control-resume')).toBe(false);
  await page.click('[data-id="control-resume"]');
  await page.waitForFunction(() => (document.querySelector('[data-id="agent-demo-status"]')?.textContent ?? '').startsWith('running'));
  expect(await disabled(page, 'control-resume')).toBe(true);
  expect(await disabled(page, 'control-send')).toBe(false);
  await page.click('[data-id="control-stop"]');
  await page.waitForFunction(() => document.querySelector('[data-id="agent-demo-status"]')?.textContent === 'terminated · stopped');

  // Back on the list, the badge says the same.
  await page.click('[data-id="control-back"]');
  await page.waitForFunction(() => location.pathname === '/agents');
  expect(await textOf(page, 'agent-demo-status')).toBe('terminated · stopped');
});
