/**
 * The address bar and the server's route. The page lives at `/lit.html`, so the route is kept in the
 * hash (`/lit.html#/email/inbox`): a reload or a shared link comes back to this page, on that route.
 *
 * The server owns the route (`/app/route` in the data model). While an action of this page is in
 * flight the address bar waits for its answer: a `navigate` side effect pushes a history entry, so
 * Back works; any other change of route (made by another tab, or in the background) replaces the
 * current entry.
 * Back/Forward and a deep link go the other way: they are sent to the server as `navigate` actions.
 */
import { isSameOriginPath } from '../src/safe-url';
import type { SideEffect } from '../../server/transport/protocol';

export class HashRoute {
  private inFlight = 0;
  private serverRoute: string | null = null;
  private settled = false;
  private readonly onPopState = () => void this.sendNavigate(this.hashRoute());

  constructor(private readonly sendNavigate: (to: string) => Promise<void>) {}

  start(): void {
    window.addEventListener('popstate', this.onPopState);
  }

  /** The route in the address bar (`/` without a hash). */
  hashRoute(): string {
    let route: string;
    try {
      route = decodeURI(location.hash.slice(1));
    } catch {
      return '/'; // a malformed escape typed into the address bar
    }
    return isSameOriginPath(route) ? route : '/';
  }

  /** The server's route changed (or arrived for the first time). */
  serverRouteChanged(route: unknown): void {
    if (!isSameOriginPath(route)) return;
    this.serverRoute = route;
    if (!this.settled) {
      // The first route known: a deep link asks for its page; a bare page follows the server.
      this.settled = true;
      const wanted = this.hashRoute();
      if (location.hash !== '' && wanted !== route) {
        void this.sendNavigate(wanted);
        return;
      }
    }
    this.sync();
  }

  /** An action of this page is about to be sent. */
  actionStarted(): void {
    this.inFlight++;
  }

  /** Its answer came: navigations become history entries, then the address bar follows the server. */
  actionAnswered(sideEffects: readonly SideEffect[]): void {
    this.inFlight--;
    for (const effect of sideEffects) {
      if (effect.type !== 'navigate' || !isSameOriginPath(effect.to) || effect.to === this.hashRoute()) continue;
      history.pushState(null, '', `#${encodeURI(effect.to)}`);
    }
    this.sync();
  }

  private sync(): void {
    if (this.inFlight > 0 || this.serverRoute === null) return;
    if (this.serverRoute !== this.hashRoute() || location.hash === '') history.replaceState(null, '', `#${encodeURI(this.serverRoute)}`);
  }
}
