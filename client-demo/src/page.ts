/**
 * What both pages share, the thin client (index.html) and the page on the official renderer
 * (lit.html): they show their view's surface in `#surface`, report transport problems in the
 * `#client-notice` line, and follow the server's route at the same data-model pointer.
 */

const VIEW_KEY = 'a2ui.view';

/**
 * This tab's view id: kept in sessionStorage, so a reload or a reconnect gets the same view back (its
 * route, dialogs, form text) while a new tab gets a view of its own. Made here when the tab has none
 * (the server accepts any id of 1-64 URL-safe characters and makes the view on first use).
 */
export function viewId(storage: Storage = sessionStorage, prefix = ''): string {
  const key = `${VIEW_KEY}${prefix}`;
  const kept = storage.getItem(key);
  if (kept && /^[A-Za-z0-9_-]{1,64}$/.test(kept)) return kept;
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const made = `t${Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')}`.slice(0, 25);
  storage.setItem(key, made);
  return made;
}

/** Where the server's router writes the route in force. */
export const ROUTE_POINTER = '/app/route';

export interface PageParts {
  /** `#surface`: where the surface is rendered. */
  container: HTMLElement;
  /** Shows a transport problem in `#client-notice`; null hides it. */
  notice(message: string | null): void;
}

/** Runs `boot` with the page's parts once the document is parsed. */
export function whenPageReady(boot: (parts: PageParts) => void): void {
  const start = (): void => {
    const container = document.getElementById('surface');
    if (!container) throw new Error('a2ui: the page has no #surface element');
    const noticeArea = document.getElementById('client-notice');
    const notice = (message: string | null): void => {
      if (!noticeArea) return;
      noticeArea.textContent = message ?? '';
      noticeArea.hidden = message === null;
    };
    boot({ container, notice });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
}
