/**
 * The seed protocol's context sent with every action: where the user is and what their screen is.
 * The server never trusts it for identity (that comes from the token); it only picks layouts.
 */
import type { ClientContext } from '../../server/protocol';
import { readPointer } from './bindings';

export type ScreenSize = 'mobile' | 'tablet' | 'desktop';

/** The breakpoints of styles.css: under 600 px is a phone, under 1024 px a tablet. */
export function screenSize(width: number): ScreenSize {
  if (width < 600) return 'mobile';
  if (width < 1024) return 'tablet';
  return 'desktop';
}

/** The selection the server last rendered (`/app/selection`, a list of ids), or null. */
export function currentSelection(dataModel: unknown): string[] | null {
  const selection = readPointer(dataModel, '/app/selection');
  return Array.isArray(selection) && selection.every((id) => typeof id === 'string') ? selection : null;
}

/**
 * The context of an action. `selection` goes only when the surface shows one: the server keeps the
 * selection a `select` action set, and an explicit null would clear it on every other action.
 */
export function clientContext(dataModel: unknown): ClientContext {
  const selection = currentSelection(dataModel);
  return {
    route: location.pathname,
    ...(selection !== null ? { selection } : {}),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen_size: screenSize(window.innerWidth),
  };
}
