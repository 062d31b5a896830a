/**
 * What the transports hold of a user's session and views. In one process it is the UserSession and
 * its View; in a cluster, a user's session lives on the process that owns the user, and another
 * process holds a stand-in with the same shape that forwards to the owner and mirrors its views
 * (server/cluster/). The transports cannot tell the two apart.
 */
import type { Surface } from '../../renderer';
import type { ActionCall, ActionError, ClientContext, DispatchResult, Frame, FrameListener } from './frame';
import type { ViewKind } from './view';

/** A view as its clients see it: its ids, the surface they hold and its version. */
export interface ViewHandle {
  readonly id: string;
  /** The id its frames and v0.9 messages carry. */
  readonly surfaceId: string;
  readonly surface: Surface;
  readonly version: number;
}

export interface SessionHandle {
  readonly userId: string;
  /** The view `viewId`, made when it does not exist (on the client's route, when it says one). */
  attach(viewId: string, kind: ViewKind, client?: ClientContext): Promise<ViewHandle>;
  /** Receives every frame of the view. */
  subscribe(view: ViewHandle, listener: FrameListener): () => void;
  /** What a client of the view at `version` needs: the missed ops, or a snapshot. */
  catchUp(view: ViewHandle, version?: number): Frame;
  /** Runs one action of a view; `origin` (one of the view's listeners) gets the change in the result only. */
  dispatch(viewId: string, call: ActionCall, origin?: FrameListener): Promise<DispatchResult>;
  /** Runs a plugin's action for the user in none of their views (the module port `actAs`). */
  runPluginAction(pluginId: string, name: string, payload: Record<string, unknown>): Promise<{ status: 'success' | 'error'; error?: ActionError }>;
}

/** Every user's session, by user id. */
export interface SessionDirectory {
  get(userId: string): Promise<SessionHandle>;
}
