/**
 * Helpers for browser tests of `/lit.html` (the official A2UI Lit renderer). Its elements carry no id
 * of ours in the DOM: each catalog element holds its `context` (web_core's ComponentContext), whose
 * `componentModel.id` is the component id. The `a2ui=` selector engine finds elements by that id,
 * through shadow roots, with Playwright's usual waiting: `page.locator('a2ui=lab-add')`.
 */
import { selectors, type Page } from 'playwright-core';
import type { TestServer } from '../helpers/server';

let registered: Promise<void> | undefined;

const ENGINE = `({
  all(root, id) {
    const found = [];
    const visit = (node) => {
      for (const element of Array.from(node.querySelectorAll('*'))) {
        if (element.context?.componentModel?.id === id) found.push(element);
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    visit(root);
    return found;
  },
  query(root, id) {
    return this.all(root, id)[0] ?? null;
  },
  queryAll(root, id) {
    return this.all(root, id);
  },
})`;

/** Registers the `a2ui=` engine (once per process; before the first page is created). */
export function registerA2uiSelector(): Promise<void> {
  // The engine as source text: a function would be serialised as compiled, and a compiler that keeps
  // function names (tsx, for `npm run screenshots`) adds a helper the page does not have.
  registered ??= selectors.register('a2ui', { content: ENGINE });
  return registered;
}

/** The route in the address bar of `/lit.html` (its hash). */
export function hashRoute(page: Page): Promise<string> {
  return page.evaluate(() => decodeURI(location.hash.slice(1)));
}

export async function waitForHashRoute(page: Page, route: string): Promise<void> {
  await page.waitForFunction((r) => decodeURI(location.hash.slice(1)) === r, route);
}

/** Opens `/lit.html` (with `#route` when given) in a page signed in through the start-up URL. */
export async function openLitPage(page: Page, server: TestServer, route?: string): Promise<void> {
  await page.goto(`${server.url}/?token=${server.token}`);
  await page.goto(`${server.url}/lit.html${route ? `#${route}` : ''}`);
  await page.waitForSelector('body[data-connection="live"]');
  await page.locator('a2ui=root').waitFor();
  if (route) await waitForHashRoute(page, route);
}

/** The text of a Text component. */
export function textOf(page: Page, id: string): Promise<string | null> {
  return page.locator(`a2ui=${id}`).textContent();
}

/**
 * Clicks a Button component. Its element spans the width its container gives it; the `<button>`
 * inside is what takes the click.
 */
export function clickButton(page: Page, id: string): Promise<void> {
  return page.locator(`a2ui=${id}`).locator('button').first().click();
}
