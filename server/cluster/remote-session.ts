/**
 * A user's session as seen from a process that does not own the user: the same shape as the
 * UserSession (session-handle.ts), so the transports work unchanged. Views are copies of the owner's
 * (view-mirror.ts); actions, new views and plugin actions are forwarded to the owner over the node
 * bus and its answer relayed. When the owner is gone, the call fails with UNAVAILABLE and the
 * directory is told, so the next call takes the user over (cluster-sessions.ts).
 */
import crypto from 'node:crypto';
import { PluginError } from '../../agents/errors';
import type { ActionCall, ActionError, ClientContext, DispatchResult, Frame, FrameListener } from '../session/frame';
import type { SessionHandle, ViewHandle } from '../session/session-handle';
import type { ViewKind } from '../session/view';
import { NodeGone, type NodeBus } from './node-bus';
import { ViewMirror, type MirrorSeed } from './view-mirror';

/** The owner's methods (handled in cluster-sessions.ts). */
export const OwnerMethods = {
  attach: 'session.attach',
  unfollow: 'session.unfollow',
  dispatch: 'session.dispatch',
  catchUp: 'session.catchUp',
  act: 'session.act',
} as const;

/** The owner's answer to a forwarded action. */
export interface ForwardedResult {
  status: 'success' | 'error';
  error?: ActionError;
  duplicate?: true;
  frame: Frame;
}

/** How long an action's answer waits for its change to reach the copy (it comes through the adapter). */
const REACH_WAIT_MS = 2000;

export class RemoteSession implements SessionHandle {
  private readonly mirrors = new Map<string, ViewMirror>();
  private closed = false;

  constructor(
    readonly userId: string,
    readonly owner: string,
    private readonly bus: NodeBus,
    private readonly frameLogSize: number,
    /** The owner did not answer (gone): the directory forgets this stand-in. */
    private readonly ownerGone: (session: RemoteSession) => void,
  ) {}

  async attach(viewId: string, kind: ViewKind, client?: ClientContext): Promise<ViewHandle> {
    const existing = this.mirrors.get(viewId);
    if (existing && !existing.closed) return existing;
    const seed = await this.call<MirrorSeed>(OwnerMethods.attach, { userId: this.userId, viewId, kind, ...(client ? { client } : {}) });
    const raced = this.mirrors.get(viewId);
    if (raced && !raced.closed) return raced;
    const mirror = new ViewMirror(this.userId, viewId, seed, this.frameLogSize, (version) => this.call<Frame>(OwnerMethods.catchUp, { userId: this.userId, viewId, version }));
    this.mirrors.set(viewId, mirror);
    return mirror;
  }

  subscribe(view: ViewHandle, listener: FrameListener): () => void {
    return this.mirrorOf(view).subscribe(listener);
  }

  catchUp(view: ViewHandle, version?: number): Frame {
    return this.mirrorOf(view).catchUp(version);
  }

  async dispatch(viewId: string, call: ActionCall, origin?: FrameListener): Promise<DispatchResult> {
    const mirror = this.mirrors.get(viewId);
    if (!mirror) throw new PluginError('NOT_FOUND', 'That view is gone; join again.');
    const tag = origin ? crypto.randomBytes(8).toString('base64url') : undefined;
    const forget = origin && tag ? mirror.expectOrigin(tag, origin) : undefined;
    try {
      const result = await this.call<ForwardedResult>(OwnerMethods.dispatch, { userId: this.userId, viewId, call, ...(tag ? { tag } : {}) });
      // The answer's surface is the copy's once the change arrived (v0.9 answers encode with it).
      await mirror.reached(result.frame.to, REACH_WAIT_MS);
      return { status: result.status, ...(result.error ? { error: result.error } : {}), ...(result.duplicate ? { duplicate: true } : {}), frame: result.frame, surface: mirror.surface };
    } finally {
      // The change came (and left out its origin), or there was none to send: the tag is spent.
      if (forget) setTimeout(forget, REACH_WAIT_MS).unref();
    }
  }

  runPluginAction(pluginId: string, name: string, payload: Record<string, unknown>): Promise<{ status: 'success' | 'error'; error?: ActionError }> {
    return this.call(OwnerMethods.act, { userId: this.userId, pluginId, name, payload });
  }

  /** A frame the owner published for one of the views copied here. */
  received(viewId: string, frame: Frame, tag: string | undefined): void {
    this.mirrors.get(viewId)?.receive(frame, tag);
  }

  /** Copies no client listened to for `idleMs` go, and the owner stops relaying them. */
  sweep(now: number, idleMs: number): void {
    for (const [viewId, mirror] of [...this.mirrors]) {
      if (mirror.listenerCount > 0 || now - mirror.idleSince < idleMs) continue;
      mirror.close();
      this.mirrors.delete(viewId);
      void this.bus.notify(this.owner, OwnerMethods.unfollow, { userId: this.userId, viewId });
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The user moved (or its owner died): the copies stop. */
  close(): void {
    this.closed = true;
    for (const mirror of this.mirrors.values()) mirror.close();
    this.mirrors.clear();
  }

  private mirrorOf(view: ViewHandle): ViewMirror {
    const mirror = this.mirrors.get(view.id);
    if (!mirror || mirror !== view) throw new PluginError('NOT_FOUND', 'That view is gone; join again.');
    return mirror;
  }

  private async call<T>(method: string, args: unknown): Promise<T> {
    if (this.closed) throw moving();
    try {
      return await this.bus.call<T>(this.owner, method, args);
    } catch (error) {
      if (error instanceof NodeGone || (error instanceof PluginError && error.code === 'UNAVAILABLE')) {
        this.ownerGone(this);
        throw moving();
      }
      throw error;
    }
  }
}

function moving(): PluginError {
  return new PluginError('UNAVAILABLE', 'Your session is moving to another server process; reconnect and retry.');
}
