/**
 * The browser's URL and the server's route. The server owns the route: a `navigate` side effect
 * pushes a history entry, and after every frame the address bar is brought to `/app/route` of the
 * data model. The browser's Back/Forward and a deep link opened by hand go the other way: they are
 * sent to the server as a `navigate` action, which answers with the page for that route.
 */
import type { Frame } from '../../server/transport/protocol';
import { readPointer } from './bindings';
import type { FrameReceipt } from './connection';
import { ROUTE_POINTER } from './page';
import { isSameOriginPath, openInNewTab, safeUrl } from './safe-url';

export interface NavigationOptions {
  sendAction(name: string, payload: Record<string, unknown>): Promise<void>;
  dataModel(): unknown;
  openUrl?(url: string): void;
}

export class Navigation {
  /** `navigate` actions in flight: until answered, the old route in frames must not undo the URL. */
  private pending = 0;
  private readonly onPopState = () => this.navigate(location.pathname);

  constructor(private readonly options: NavigationOptions) {}

  start(): void {
    window.addEventListener('popstate', this.onPopState);
  }

  stop(): void {
    window.removeEventListener('popstate', this.onPopState);
  }

  /** The first document arrived: a deep link asks the server for its page; `/` follows the server. */
  firstDocument(initialPath: string): void {
    const route = this.serverRoute();
    if (initialPath !== '/' && initialPath !== route) this.navigate(initialPath);
    else this.syncUrl();
  }

  /** Side effects of a handled frame, then the URL. Toasts are part of the surface: not shown here. */
  onFrame(frame: Frame, receipt: FrameReceipt): void {
    let navigated = false;
    for (const effect of frame.side_effects) {
      if (effect.type === 'navigate' && receipt.applied) {
        navigated = this.push(effect.to) || navigated;
      } else if (effect.type === 'open_url' && receipt.answer) {
        // Only the tab whose action asked for it opens the URL (every tab receives the frame).
        const url = safeUrl(effect.url);
        if (url) (this.options.openUrl ?? openInNewTab)(url);
      }
    }
    if (receipt.applied && !navigated) this.syncUrl();
  }

  private navigate(to: string): void {
    this.pending++;
    void this.options.sendAction('navigate', { to }).finally(() => {
      this.pending--;
      this.syncUrl();
    });
  }

  /** pushState to `to` when it is a same-origin path other than the current one. */
  private push(to: unknown): boolean {
    if (!isSameOriginPath(to) || to === location.pathname) return false;
    history.pushState({}, '', to);
    return true;
  }

  /** The address bar follows the server's route (no new history entry). */
  private syncUrl(): void {
    if (this.pending > 0) return;
    const route = this.serverRoute();
    if (route !== null && route !== location.pathname) history.replaceState({}, '', route);
  }

  private serverRoute(): string | null {
    const route = readPointer(this.options.dataModel(), ROUTE_POINTER);
    return isSameOriginPath(route) ? route : null;
  }
}
