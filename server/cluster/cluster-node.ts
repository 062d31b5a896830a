/**
 * This process as a member of a cluster on one Redis: its node bus (requests between processes), its
 * leases (which users it owns), the socket.io Redis streams adapter (frames of views followed from
 * other processes travel through it), and the sessions directory that ties them together. Built by
 * server/main.ts when `A2UI_REDIS_URL` is set; `npm start` without it never loads this.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Redis from 'ioredis';
import type { Server } from 'socket.io';
import { PluginError } from '../../agents/errors';
import type { ClusterPort } from '../../agents/module';
import type { Users } from '../session/users';
import type { Connections } from '../transport/connections';
import { ClusterSessions } from './cluster-sessions';
import { NodeBus, NodeGone } from './node-bus';
import type { RedisStore } from './redis-store';
import { RedisSharedLogs } from './shared-logs';
import { UserLeases } from './user-leases';
import { FRAME_EVENT, ViewRelay, type RelayedFrame } from './view-relay';

/** Copies of views nobody here looks at are dropped after this long. */
const MIRROR_IDLE_MS = 30_000;

export class ClusterNode {
  readonly leases: UserLeases;
  readonly bus: NodeBus;
  private sessions: ClusterSessions | undefined;
  private adapterClient: Redis | undefined;
  private draining = false;
  private readonly sharedLogs = new Map<string, RedisSharedLogs>();

  private constructor(private readonly store: RedisStore) {
    const { config, redis } = store;
    this.bus = new NodeBus(redis, config.nodeId, Math.max(2000, config.leaseMs));
    this.leases = new UserLeases(redis, config.nodeId, config.leaseMs);
  }

  /** Joins the cluster: from now on other processes see this one alive and may forward to it. */
  static async start(store: RedisStore): Promise<ClusterNode> {
    const node = new ClusterNode(store);
    await node.bus.start();
    node.leases.start();
    return node;
  }

  get id(): string {
    return this.store.config.nodeId;
  }

  /** The lease a fenced write of `userId`'s data must still hold. */
  fence(userId: string): [string, string] | undefined {
    const value = this.leases.fence(userId);
    return value === undefined ? undefined : [this.leases.leaseKey(userId), value];
  }

  /** The port modules get for work bound to one process (agents): the bus under a `module:` prefix. */
  port(): ClusterPort {
    return {
      node: this.id,
      leaseMs: this.store.config.leaseMs,
      request: <T>(node: string, method: string, args: unknown) =>
        this.bus.call<T>(node, `module:${method}`, args).catch((error: unknown) => {
          if (error instanceof NodeGone) throw new PluginError('UNAVAILABLE', `The server process ${node} is gone; try again.`);
          throw error;
        }),
      handle: (method, handler) => this.bus.handle(`module:${method}`, (args) => handler(args)),
      alive: (node) => this.leases.alive(node),
      announce: async (key, value) => {
        const name = this.store.redis.key(`announced:${key}`);
        await this.store.redis.command.hset(name, this.id, value);
        const others: string[] = [];
        for (const [node, announced] of Object.entries(await this.store.redis.command.hgetall(name))) {
          if (node === this.id) continue;
          // A process that is gone no longer counts (and its entry goes).
          if (await this.leases.alive(node)) others.push(announced);
          else await this.store.redis.command.hdel(name, node);
        }
        return others;
      },
      sharedLogs: async (name, keep) => {
        let logs = this.sharedLogs.get(name);
        if (!logs) this.sharedLogs.set(name, (logs = new RedisSharedLogs(this.store.redis, this.store.cipher, this.id, name, keep)));
        await logs.listening;
        return logs;
      },
    };
  }

  /** The users' sessions across processes, over this process's own `local` ones. */
  directory(local: Users, connections: Connections, frameLogSize: number, io: () => Server): ClusterSessions {
    const relay = new ViewRelay((relayed) => io().serverSideEmit(FRAME_EVENT, relayed));
    this.sessions = new ClusterSessions({ local, leases: this.leases, bus: this.bus, relay, connections, frameLogSize, mirrorIdleMs: MIRROR_IDLE_MS });
    return this.sessions;
  }

  /** Puts socket.io on the Redis streams adapter and takes the frames other processes publish. */
  attach(io: Server): void {
    const { config } = this.store;
    this.adapterClient = new Redis(config.redisUrl, { connectionName: 'a2ui-adapter' });
    this.adapterClient.on('error', (error: Error) => console.warn(`[socket.io adapter] ${error.message}`));
    const channel = `${config.prefix}socket.io`;
    io.adapter(createAdapter(this.adapterClient, { streamName: channel, channelPrefix: channel, sessionKeyPrefix: `${config.prefix}sio:session:` }));
    io.on(FRAME_EVENT, (relayed: RelayedFrame) => this.sessions?.relayed(relayed));
  }

  /** What `/ready` and `/api/health` say of the cluster. */
  health(): { node: string; store: 'connected' | 'disconnected'; adapter: 'connected' | 'disconnected'; draining: boolean; users_owned: number; users_relayed: number } {
    const counts = this.sessions?.counts() ?? { owned: 0, relayed: 0 };
    return {
      node: this.id,
      users_owned: counts.owned,
      users_relayed: counts.relayed,
      store: this.store.redis.connected() ? 'connected' : 'disconnected',
      adapter: this.adapterClient?.status === 'ready' ? 'connected' : 'disconnected',
      draining: this.draining,
    };
  }

  /** Stops taking new work (readiness turns false, so a load balancer stops sending clients). */
  drain(): void {
    this.draining = true;
  }

  /** Lets the leases go and tells the followers (after the local sessions wrote their last records). */
  async handOver(): Promise<void> {
    this.draining = true;
    // The directory releases the leases and leaves the bus (cluster-sessions.ts).
    await this.sessions?.handOver();
  }

  async close(): Promise<void> {
    this.adapterClient?.disconnect();
  }
}
