/**
 * What both pages share, the thin client (index.html) and the page on the official renderer
 * (lit.html): they show the one surface in `#surface`, report transport problems in the
 * `#client-notice` line, and follow the server's route at the same data-model pointer.
 */

/** The one surface the server renders (mirrors server/protocol.ts: the client imports its types only). */
export const SURFACE_ID = 'main';

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
