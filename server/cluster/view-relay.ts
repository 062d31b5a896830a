/**
 * The owner's side of views followed from other processes: a view whose tab is connected elsewhere
 * gets one more listener here, which publishes each frame through the socket.io adapter
 * (`serverSideEmit`) to the processes that follow it; each applies it to its copy (view-mirror.ts).
 * A view nobody follows from elsewhere costs nothing: no listener, nothing published.
 *
 * A frame made by an action that another process forwarded carries that action's tag, so the
 * follower leaves out the client the action came from (it gets the change in its answer).
 */
import type { Frame, FrameListener } from '../session/frame';
import type { SessionHandle, ViewHandle } from '../session/session-handle';

export const FRAME_EVENT = 'a2ui:frame';

/** A frame on its way to the followers: user, view, frame, and the forwarded action's tag. */
export interface RelayedFrame {
  u: string;
  v: string;
  f: Frame;
  t?: string;
}

interface Followed {
  nodes: Set<string>;
  unsubscribe(): void;
}

export class ViewRelay {
  private readonly followed = new Map<string, Followed>();
  /** Origins of forwarded actions (never subscribed: only compared) → the action's tag. */
  private readonly tags = new WeakMap<FrameListener, string>();

  /** `publish`: to every other process, through the socket.io adapter (`io.serverSideEmit`). */
  constructor(private readonly publish: (relayed: RelayedFrame) => void) {}

  /** `node` shows the view from now on (its first follower subscribes the relay). */
  follow(session: SessionHandle, view: ViewHandle, node: string): void {
    const key = keyOf(session.userId, view.id);
    const existing = this.followed.get(key);
    if (existing) {
      existing.nodes.add(node);
      return;
    }
    const userId = session.userId;
    const viewId = view.id;
    const listener: FrameListener = (frame, _surface, origin) => {
      const tag = origin ? this.tags.get(origin) : undefined;
      const relayed: RelayedFrame = { u: userId, v: viewId, f: frame, ...(tag ? { t: tag } : {}) };
      this.publish(relayed);
    };
    this.followed.set(key, { nodes: new Set([node]), unsubscribe: session.subscribe(view, listener) });
  }

  unfollow(userId: string, viewId: string, node: string): void {
    const key = keyOf(userId, viewId);
    const followed = this.followed.get(key);
    if (!followed) return;
    followed.nodes.delete(node);
    if (followed.nodes.size === 0) {
      followed.unsubscribe();
      this.followed.delete(key);
    }
  }

  /** A marker to pass as a forwarded action's origin: its frame carries `tag`. */
  origin(tag: string): FrameListener {
    const marker: FrameListener = () => undefined;
    this.tags.set(marker, tag);
    return marker;
  }

  /** The processes that follow any view of the user (to tell them when the user moves). */
  followersOf(userId: string): Set<string> {
    const nodes = new Set<string>();
    for (const [key, followed] of this.followed) if (key.startsWith(`${userId}\u0000`)) for (const node of followed.nodes) nodes.add(node);
    return nodes;
  }

  /** Every process that follows something (checked for liveness now and then). */
  followerNodes(): Set<string> {
    const nodes = new Set<string>();
    for (const followed of this.followed.values()) for (const node of followed.nodes) nodes.add(node);
    return nodes;
  }

  /** Stops relaying a user's views (the user moved away from this process). */
  forgetUser(userId: string): void {
    for (const [key, followed] of [...this.followed]) {
      if (!key.startsWith(`${userId}\u0000`)) continue;
      followed.unsubscribe();
      this.followed.delete(key);
    }
  }

  /** A follower process is gone: its views are followed no more by it. */
  forgetNode(node: string): void {
    for (const [key, followed] of [...this.followed]) {
      followed.nodes.delete(node);
      if (followed.nodes.size === 0) {
        followed.unsubscribe();
        this.followed.delete(key);
      }
    }
  }
}

export function keyOf(userId: string, viewId: string): string {
  return `${userId}\u0000${viewId}`;
}
