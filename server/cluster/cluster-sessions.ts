/**
 * Users' sessions across processes (the SessionDirectory of a cluster). A user's session — every
 * view, every action, in one order — lives on the process that holds the user's lease
 * (user-leases.ts). `get` answers the local session when this process holds it, takes the lease when
 * nobody does (or its holder is gone), and otherwise answers a stand-in that forwards to the owner
 * (remote-session.ts). This file is also the owner's side: it serves what the stand-ins forward.
 *
 * Moves: a process that loses a user's lease closes the user's session here, tells the processes that
 * follow its views, and closes the user's connections with a reconnect hint; a process that finds a
 * user's owner gone does the same with its copies. Each client reconnects, joins again and lands on
 * the user's next owner, catching up by version or snapshot.
 */
import { PluginError } from '../../agents/errors';
import type { ClientContext, ActionCall } from '../session/frame';
import type { SessionDirectory, SessionHandle } from '../session/session-handle';
import type { UserSession } from '../session/user-session';
import type { Users } from '../session/users';
import type { ViewKind } from '../session/view';
import type { Connections } from '../transport/connections';
import { toDocument } from '../../diff';
import type { NodeBus } from './node-bus';
import { OwnerMethods, RemoteSession, type ForwardedResult } from './remote-session';
import type { UserLeases } from './user-leases';
import type { MirrorSeed } from './view-mirror';
import type { RelayedFrame, ViewRelay } from './view-relay';

const USER_MOVED = 'user.moved';

export interface ClusterSessionsDeps {
  local: Users;
  leases: UserLeases;
  bus: NodeBus;
  relay: ViewRelay;
  connections: Connections;
  frameLogSize: number;
  /** A copy of a view no client here listened to for this long stops being followed. */
  mirrorIdleMs: number;
}

export class ClusterSessions implements SessionDirectory {
  private readonly remotes = new Map<string, RemoteSession>();
  private readonly watcher: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: ClusterSessionsDeps) {
    const { bus, leases } = deps;
    bus.handle(OwnerMethods.attach, (args: { userId: string; viewId: string; kind: ViewKind; client?: ClientContext }, from) => this.attachFor(args, from));
    bus.handle(OwnerMethods.unfollow, ({ userId, viewId }: { userId: string; viewId: string }, from) => deps.relay.unfollow(userId, viewId, from));
    bus.handle(OwnerMethods.dispatch, (args: { userId: string; viewId: string; call: ActionCall; tag?: string }) => this.dispatchFor(args));
    bus.handle(OwnerMethods.catchUp, async ({ userId, viewId, version }: { userId: string; viewId: string; version: number }) => {
      const session = await this.owned(userId);
      const view = session.view(viewId);
      if (!view) throw new PluginError('NOT_FOUND', 'That view is gone; join again.');
      return session.catchUp(view, version);
    });
    bus.handle(OwnerMethods.act, async ({ userId, pluginId, name, payload }: { userId: string; pluginId: string; name: string; payload: Record<string, unknown> }) =>
      (await this.owned(userId)).runPluginAction(pluginId, name, payload),
    );
    bus.handle(USER_MOVED, ({ userId }: { userId: string }) => this.userMoved(userId));
    leases.onLost((userId) => void this.lost(userId));
    this.watcher = setInterval(() => void this.watch(), Math.max(100, Math.floor(leases.leaseMs / 3)));
    this.watcher.unref();
  }

  async get(userId: string): Promise<SessionHandle> {
    if (this.closing) throw stopping();
    if (this.deps.leases.holds(userId)) return this.deps.local.get(userId);
    const remote = this.remotes.get(userId);
    if (remote && !remote.isClosed) return remote;
    const claim = await this.deps.leases.claim(userId);
    if (claim.mine) return this.deps.local.get(userId);
    const session = new RemoteSession(userId, claim.owner, this.deps.bus, this.deps.frameLogSize, (gone) => this.ownerGone(gone));
    this.remotes.set(userId, session);
    return session;
  }

  /** How many users this process owns, and for how many it relays to another owner (`/ready`, `/api/health`). */
  counts(): { owned: number; relayed: number } {
    return { owned: this.deps.leases.heldUsers().length, relayed: this.remotes.size };
  }

  /** A frame the socket.io adapter brought from a user's owner. */
  relayed(relayed: RelayedFrame): void {
    this.remotes.get(relayed.u)?.received(relayed.v, relayed.f, relayed.t);
  }

  /**
   * A clean stop: what is queued has run and the records are written (the caller closed the local
   * sessions first); now the leases go and the processes following this one's views are told, so
   * every client reconnects to a process that takes its user over at once.
   */
  async handOver(): Promise<void> {
    this.closing = true;
    clearInterval(this.watcher);
    const followers = new Map<string, Set<string>>();
    for (const userId of this.deps.leases.heldUsers()) followers.set(userId, this.deps.relay.followersOf(userId));
    await this.deps.leases.releaseAll();
    await this.deps.bus.stop();
    await Promise.all([...followers].flatMap(([userId, nodes]) => [...nodes].map((node) => this.deps.bus.notify(node, USER_MOVED, { userId }))));
    for (const remote of this.remotes.values()) remote.close();
    this.remotes.clear();
  }

  // ── The owner's side ─────────────────────────────────────────────────────────────────────────

  private async owned(userId: string): Promise<UserSession> {
    if (this.closing || !this.deps.leases.holds(userId)) throw new PluginError('UNAVAILABLE', 'This process does not own that user (any more).');
    return this.deps.local.get(userId);
  }

  private async attachFor({ userId, viewId, kind, client }: { userId: string; viewId: string; kind: ViewKind; client?: ClientContext }, from: string): Promise<MirrorSeed> {
    const session = await this.owned(userId);
    const view = await session.attach(viewId, kind, client);
    // In the same step as the seed: the follower's copy starts at exactly this version.
    this.deps.relay.follow(session, view, from);
    return { surfaceId: view.surfaceId, catalogId: view.surface.catalogId, version: view.version, document: toDocument(view.surface) as MirrorSeed['document'] };
  }

  private async dispatchFor({ userId, viewId, call, tag }: { userId: string; viewId: string; call: ActionCall; tag?: string }): Promise<ForwardedResult> {
    const session = await this.owned(userId);
    const result = await session.dispatch(viewId, call, tag ? this.deps.relay.origin(tag) : undefined);
    return { status: result.status, ...(result.error ? { error: result.error } : {}), ...(result.duplicate ? { duplicate: true } : {}), frame: result.frame };
  }

  // ── Moves ────────────────────────────────────────────────────────────────────────────────────

  /** This process lost the user's lease: its session here ends, and every client of the user moves. */
  private async lost(userId: string): Promise<void> {
    const followers = this.deps.relay.followersOf(userId);
    this.deps.relay.forgetUser(userId);
    await this.deps.local.drop(userId);
    for (const node of followers) void this.deps.bus.notify(node, USER_MOVED, { userId });
    this.deps.connections.closeUser(userId);
  }

  /** The owner told this process the user moved (or stopped): the copies end, the clients reconnect. */
  private userMoved(userId: string): void {
    const remote = this.remotes.get(userId);
    if (!remote) return;
    this.remotes.delete(userId);
    remote.close();
    this.deps.connections.closeUser(userId);
  }

  /** The owner did not answer: the next `get` takes the user over; the clients here reconnect to that. */
  private ownerGone(remote: RemoteSession): void {
    if (this.remotes.get(remote.userId) === remote) this.remotes.delete(remote.userId);
    remote.close();
    this.deps.connections.closeUser(remote.userId);
  }

  /** Now and then: owners that died, followers that died, copies nobody looks at. */
  private async watch(): Promise<void> {
    try {
      const owners = new Map<string, RemoteSession[]>();
      for (const remote of this.remotes.values()) owners.set(remote.owner, [...(owners.get(remote.owner) ?? []), remote]);
      for (const [owner, remotes] of owners) {
        if (await this.deps.leases.alive(owner)) continue;
        for (const remote of remotes) this.ownerGone(remote);
      }
      for (const node of this.deps.relay.followerNodes()) if (!(await this.deps.leases.alive(node))) this.deps.relay.forgetNode(node);
      const now = Date.now();
      for (const remote of this.remotes.values()) remote.sweep(now, this.deps.mirrorIdleMs);
    } catch (error) {
      console.warn('[cluster] could not check the other processes:', error instanceof Error ? error.message : error);
    }
  }
}

function stopping(): PluginError {
  return new PluginError('UNAVAILABLE', 'This server process is stopping; reconnect and retry.');
}
