/**
 * A copy of a view that lives on another process (the user's owner), for the clients connected here:
 * it starts from the owner's snapshot and applies each frame the owner publishes, in version order, so
 * its listeners (sockets, streams) get every frame as if the view were local, and a client that
 * reconnects here catches up from this copy's own log.
 *
 * Frames come through the socket.io adapter and answers through the node bus: two channels, so a
 * frame may arrive before the snapshot it follows, or after a later one. Frames ahead of the copy wait
 * until the ones before them arrive; a gap that stays open is closed by asking the owner for the
 * missed ops (`resync`).
 */
import { applyPatch, type Operation } from 'fast-json-patch';
import type { Surface } from '../../renderer';
import { snapshot } from '../../diff';
import { FrameLog } from '../session/frame-log';
import type { Frame, FrameListener } from '../session/frame';
import type { ViewHandle } from '../session/session-handle';

/** How long a gap may stay open before the owner is asked for what is missing. */
const GAP_WAIT_MS = 300;
/** Frames kept waiting at most; past it the copy asks for a snapshot. */
const MAX_WAITING = 256;

export interface MirrorSeed {
  surfaceId: string;
  catalogId: string;
  version: number;
  document: { components: Record<string, unknown>; dataModel: Record<string, unknown> };
}

export class ViewMirror implements ViewHandle {
  surface: Surface;
  version: number;
  readonly surfaceId: string;
  private readonly listeners = new Set<FrameListener>();
  private readonly log: FrameLog;
  /** Frames that arrived ahead of the copy, by their `from`. */
  private readonly waiting = new Map<number, { frame: Frame; tag?: string }>();
  /** The listener an action forwarded from here came from, by the action's tag: it gets the change in its answer. */
  private readonly origins = new Map<string, FrameListener>();
  private readonly reachedWaiters = new Set<{ version: number; resolve(): void }>();
  private gapTimer: NodeJS.Timeout | undefined;
  /** When the last client stopped listening. */
  idleSince = Date.now();
  closed = false;

  constructor(
    readonly userId: string,
    readonly id: string,
    seed: MirrorSeed,
    logSize: number,
    /** Asks the owner for the ops since `version` (or a snapshot), when a gap stays open. */
    private readonly resync: (version: number) => Promise<Frame>,
  ) {
    this.surfaceId = seed.surfaceId;
    this.surface = { surfaceId: seed.surfaceId, catalogId: seed.catalogId, components: seed.document.components as Surface['components'], dataModel: seed.document.dataModel };
    this.version = seed.version;
    this.log = new FrameLog(logSize);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.idleSince = Date.now();
    };
  }

  /** The next frame published with `tag` skips `listener` (it came from there, and its answer carries it). */
  expectOrigin(tag: string, listener: FrameListener): () => void {
    this.origins.set(tag, listener);
    return () => this.origins.delete(tag);
  }

  /** A frame of the owner's view (through the adapter, or in an action's answer). */
  receive(frame: Frame, tag?: string): void {
    if (this.closed || frame.from === null) return;
    if (frame.from === this.version) {
      this.apply(frame, tag);
      this.drain();
      return;
    }
    if (frame.to <= this.version) return; // had it already (it came both ways)
    this.waiting.set(frame.from, { frame, ...(tag ? { tag } : {}) });
    if (this.waiting.size > MAX_WAITING) this.waiting.clear();
    this.gapTimer ??= setTimeout(() => void this.closeGap(), GAP_WAIT_MS);
  }

  /** What a client here at `version` needs: the missed ops from this copy's log, or a snapshot. */
  catchUp(version?: number): Frame {
    return this.log.catchUp(this.surfaceId, version, this.version, this.surface);
  }

  /** Resolves once the copy holds `version` or later (an action's answer waits for its change to arrive). */
  reached(version: number, timeoutMs: number): Promise<void> {
    if (this.version >= version || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { version, resolve };
      this.reachedWaiters.add(waiter);
      setTimeout(() => {
        if (this.reachedWaiters.delete(waiter)) void this.closeGap().finally(resolve);
      }, timeoutMs).unref();
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.gapTimer);
    this.listeners.clear();
    this.waiting.clear();
    for (const waiter of this.reachedWaiters) waiter.resolve();
    this.reachedWaiters.clear();
  }

  private apply(frame: Frame, tag: string | undefined): void {
    if (frame.ops.length > 0) {
      const document = { components: this.surface.components, dataModel: this.surface.dataModel };
      const next = applyPatch(document, frame.ops as Operation[], false, true).newDocument;
      this.surface = { surfaceId: this.surfaceId, catalogId: this.surface.catalogId, components: next.components, dataModel: next.dataModel };
      this.log.push(this.version, frame.to, frame.ops);
    }
    this.version = frame.to;
    const origin = tag === undefined ? undefined : this.origins.get(tag);
    if (tag !== undefined) this.origins.delete(tag);
    if (frame.ops.length > 0 || frame.side_effects.length > 0) {
      for (const listener of this.listeners) if (listener !== origin) listener(frame, this.surface);
    }
    for (const waiter of this.reachedWaiters) {
      if (this.version >= waiter.version) {
        this.reachedWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private drain(): void {
    for (let next = this.waiting.get(this.version); next; next = this.waiting.get(this.version)) {
      this.waiting.delete(this.version);
      this.apply(next.frame, next.tag);
    }
    for (const from of [...this.waiting.keys()]) if (this.waiting.get(from)!.frame.to <= this.version) this.waiting.delete(from);
    if (this.waiting.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    }
  }

  /** Asks the owner for what the copy misses; a snapshot replaces the copy (its clients get it as one frame). */
  private async closeGap(): Promise<void> {
    this.gapTimer = undefined;
    if (this.closed) return;
    let frame: Frame;
    try {
      frame = await this.resync(this.version);
    } catch (error) {
      console.warn(`[cluster] could not resync the view ${this.id} of ${this.userId}:`, error instanceof Error ? error.message : error);
      return;
    }
    if (this.closed || frame.to < this.version) return;
    if (frame.from === null) {
      const value = (frame.ops[0] as { value: MirrorSeed['document'] }).value;
      this.surface = { surfaceId: this.surfaceId, catalogId: this.surface.catalogId, components: value.components as Surface['components'], dataModel: value.dataModel };
      const from = this.version;
      this.version = frame.to;
      this.log.push(from, frame.to, snapshot(this.surface));
      // Clients here hold `from`: they get the whole document as one change (they resync on it).
      for (const listener of this.listeners) listener({ ...frame, from, ops: snapshot(this.surface) }, this.surface);
    } else if (frame.from === this.version && frame.to > this.version) {
      this.apply(frame, undefined);
    }
    this.drain();
  }
}
