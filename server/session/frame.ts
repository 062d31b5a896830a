/**
 * What the session layer hands the transports: a view's changes as frames, the actions it runs, and
 * their results. The transports encode frames (native ops, or A2UI v0.9 messages) and never change them.
 */
import type { Operation } from 'fast-json-patch';
import type { Context, SideEffect } from '../../agents/types';
import type { Surface } from '../../renderer';

export type { Operation, SideEffect };

/**
 * One change of a view's surface. A client applies it only when `from` equals its version, then holds
 * `to`. `from: null` marks a snapshot (ops = one `replace` of the whole document): it applies at any
 * version. `from === to` carries side effects only. `surfaceId` is the view's id.
 */
export interface Frame {
  surfaceId: string;
  from: number | null;
  to: number;
  ops: Operation[];
  side_effects: SideEffect[];
}

/**
 * Receives each change of a view: the frame, and the surface it leads to (what the clients hold at
 * `frame.to`), for transports that encode the change in another form (A2UI v0.9 messages). `origin`:
 * the listener the change came from, when it was an action (it gets the change in its answer
 * instead); a relay to other processes passes it on.
 */
export type FrameListener = (frame: Frame, surface: Surface, origin?: FrameListener) => void;

/** What a client says of itself with an action (all optional; the view keeps the rest). */
export type ClientContext = Partial<Pick<Context, 'route' | 'selection' | 'timezone' | 'screen_size' | 'user_prefs' | 'capabilities'>>;

/** One action as the transports hand it to a view. */
export interface ActionCall {
  action: string;
  payload?: Record<string, unknown>;
  context?: ClientContext;
  componentId?: string;
  /** The version the client holds: when behind, the result's frame also carries what it missed. */
  baseVersion?: number;
  /** The client's id for this action: sent again after a lost answer, it is not applied twice (action-journal.ts). */
  actionId?: string;
}

export interface ActionError {
  code: string;
  message: string;
}

/** What an action did: its status, its change as a frame, and the surface after it. */
export interface DispatchResult {
  status: 'success' | 'error';
  error?: ActionError;
  /** The action's id was applied before: nothing ran, the frame is what the client missed. */
  duplicate?: true;
  frame: Frame;
  surface: Surface;
}
