/**
 * Which view a request is about. A tab names its own (the id it keeps in sessionStorage); a standard
 * v0.9 stream gets one of its own; a REST caller that names none — or the seed protocol's `"main"` —
 * gets its token's own view, never a tab's, so a script never moves or toasts into a person's screen.
 */
import crypto from 'node:crypto';
import type { Caller } from '../../agents/endpoint';
import type { ClientContext } from '../session/frame';
import type { SessionDirectory, SessionHandle, ViewHandle } from '../session/session-handle';
import type { ViewKind } from '../session/view';
import { MAIN_SURFACE_ID } from './protocol';

export interface ViewRef {
  session: SessionHandle;
  view: ViewHandle;
}

/** A fresh view id (the client keeps it; 12 URL-safe characters). */
export function newViewId(): string {
  return `v${crypto.randomBytes(9).toString('base64url')}`;
}

/** The view a REST or v0.9 request names: its `surface_id`, else the caller's own REST view. */
export function namedView(caller: Caller, surfaceId: string | undefined): { id: string; kind: ViewKind } {
  if (surfaceId === undefined || surfaceId === MAIN_SURFACE_ID) return { id: `api-${caller.tokenKey}`, kind: 'api' };
  return { id: surfaceId, kind: 'tab' };
}

/** The user's session and the view, made when it does not exist (on the client's route, when it says one). */
export async function attachView(users: SessionDirectory, caller: Caller, viewId: string, kind: ViewKind, client?: ClientContext): Promise<ViewRef> {
  const session = await users.get(caller.userId);
  return { session, view: await session.attach(viewId, kind, client) };
}
