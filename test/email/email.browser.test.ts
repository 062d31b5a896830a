/**
 * The Email plugin in a real browser (Chromium, the thin client, the real server with the local
 * mailbox, Claude played by the fake Messages API): open a thread, reply, draft with AI and watch it
 * stream into the message, edit it, send it, and find it in the thread and the mailbox file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalMailboxFile } from '../../agents/email/local-provider';
import { launchBrowser, signedInPage } from '../client/browser';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { startTestServer, type TestServer } from '../helpers/server';

jest.setTimeout(60_000);

let browser: Browser;
let server: TestServer;
let claude: FakeAnthropic;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
  claude = await FakeAnthropic.start();
  server = await startTestServer({ env: claude.env() });
});
afterAll(async () => {
  await context?.close();
  await browser.close();
  await server.close();
  await claude.close();
});

const waitForRoute = (page: Page, route: string) => page.waitForFunction((p) => location.pathname === p, route);

test('open a thread, reply, draft with AI (streamed), edit and send', async () => {
  const page = await signedInPage(browser, server);
  context = page.context();

  await page.click('[data-id="nav-email"]');
  await waitForRoute(page, '/email/inbox');
  await page.waitForSelector('[data-id="email-row-m7"]');
  expect(await page.textContent('[data-id="email-row-m7-from"]')).toBe('Tomás Álvarez');
  expect(await page.locator('[data-id="email-row-m3-unread"]').count()).toBe(1);

  await page.click('[data-id="email-row-m7-open"]');
  await waitForRoute(page, '/email/thread/m7');
  await page.waitForSelector('[data-id="email-msg-m7"]');
  expect(await page.textContent('[data-id="email-msg-m7-text"]')).toContain('Lunch at the usual place?');

  await page.click('[data-id="email-reply"]');
  await waitForRoute(page, '/email/compose');
  const to = page.locator('[data-id="email-compose-to"] input');
  const subject = page.locator('[data-id="email-compose-subject"] input');
  const body = page.locator('[data-id="email-compose-body"] textarea');
  await body.waitFor();
  expect(await to.inputValue()).toBe('Tomás Álvarez <tomas@alvarez.example>');
  expect(await subject.inputValue()).toBe('Re: Lunch next week?');
  expect(await body.inputValue()).toMatch(/^\n\nOn .+ wrote:\n> Hey! I am in town/);

  // Watch the textarea while Claude writes: every distinct value it shows is recorded.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __seen: string[] }).__seen = seen;
    const area = document.querySelector<HTMLTextAreaElement>('[data-id="email-compose-body"] textarea')!;
    const timer = setInterval(() => {
      if (seen.at(-1) !== area.value) seen.push(area.value);
    }, 5);
    (window as unknown as { __stop: () => void }).__stop = () => clearInterval(timer);
  });
  claude.enqueue({ content: [{ type: 'text', text: 'Tuesday works for me. See you at noon at the usual place!' }], eventDelayMs: 40 });
  await page.click('[data-id="email-draft-ai"]');
  await page.waitForSelector('[data-id="email-draft-ai"][disabled]');
  await page.waitForFunction(() => document.querySelector('[data-id="app-toasts"]')?.textContent?.includes("Claude's draft is in the message"));
  await page.waitForSelector('[data-id="email-draft-ai"]:not([disabled])');
  const seen = await page.evaluate(() => {
    (window as unknown as { __stop: () => void }).__stop();
    return (window as unknown as { __seen: string[] }).__seen;
  });
  const drafted = seen.filter((v) => v.startsWith('Tuesday'));
  expect(drafted.length).toBeGreaterThanOrEqual(3); // it streamed in, not all at once
  expect(await body.inputValue()).toMatch(/^Tuesday works for me\. See you at noon at the usual place!\n\nOn .+ wrote:\n> Hey!/);

  // The user edits the draft, then sends: the bound values travel in the send action.
  await body.fill((await body.inputValue()).replace('at noon', 'at 12:30'));
  await page.click('[data-id="email-send"]');
  await waitForRoute(page, '/email/thread/m7');
  await page.waitForFunction(() => document.querySelector('[data-id="app-toasts"]')?.textContent?.includes('Sent to Tomás Álvarez'));
  await page.waitForSelector('[data-id="email-msg-m9-text"]');
  expect(await page.textContent('[data-id="email-msg-m9-text"]')).toMatch(/^Tuesday works for me\. See you at 12:30 at the usual place!/);

  const mailbox = JSON.parse(fs.readFileSync(path.join(server.dataDir, 'mail', 'mailbox-local.json'), 'utf8')) as LocalMailboxFile;
  expect(mailbox.messages.find((m) => m.id === 'm9')).toMatchObject({ threadId: 't5', labels: ['SENT'], to: 'Tomás Álvarez <tomas@alvarez.example>', subject: 'Re: Lunch next week?' });
  expect(claude.requests).toHaveLength(1);
});
