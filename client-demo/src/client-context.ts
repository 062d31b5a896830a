/**
 * The seed protocol's context sent with every action: where the user is and what their screen is.
 * The server never trusts it for identity (that comes from the token); it only picks layouts.
 */
import type { ClientContext } from '../../server/transport/protocol';

export type ScreenSize = 'mobile' | 'tablet' | 'desktop';

/** The breakpoints of styles.css: under 640 px is a phone, under 1024 px a tablet. */
export function screenSize(width: number): ScreenSize {
  if (width < 640) return 'mobile';
  if (width < 1024) return 'tablet';
  return 'desktop';
}

/**
 * The context of an action. No `selection`: the server keeps the one a `select` action set, and
 * sending one here would overwrite it with whatever this tab last knew.
 */
export function clientContext(): ClientContext {
  return {
    route: location.pathname,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen_size: screenSize(window.innerWidth),
  };
}
