/**
 * One writer per user across processes: a user's session runs on the process that holds the user's
 * lease, a Redis key `lease:user:<id>` = `<node>|<token>` that expires unless renewed. The token comes
 * from a counter that only grows (the fencing token): every write that must come from the owner
 * checks that the lease still holds its token (`FENCE_CHECK`), so a process that lost its lease
 * (paused, cut off from Redis) and writes late is refused.
 *
 * A lease is taken over when it expired, or at once when its holder is gone: a process listens on
 * its own channel while it lives (node-bus.ts), and a channel with no listener means its connection
 * to Redis closed (the process died or stopped).
 */
import { nodeChannel } from './node-bus';
import type { RedisConnection } from './redis-connection';

/** KEYS: lease, fence counter. ARGV: node, ms, channel of the holder's node without its id. Answers `<holder>|<token>`. */
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current then
  local holder = string.match(current, '^(.*)|')
  if holder == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return current
  end
  local listening = redis.call('PUBSUB', 'NUMSUB', ARGV[3] .. holder)[2]
  if listening > 0 then return current end
end
local token = redis.call('INCR', KEYS[2])
local value = ARGV[1] .. '|' .. token
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return value
`;

/** KEYS: leases. ARGV: ms, then the value held of each. Answers 1 per lease still held (renewed), else 0. */
const RENEW = `
local held = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i + 1] then
    redis.call('PEXPIRE', key, ARGV[1])
    held[i] = 1
  else
    held[i] = 0
  end
end
return held
`;

/** KEYS: lease. ARGV: the value held. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** The start of a fenced script: refuses unless KEYS[1] (a lease) holds ARGV[1]. */
export const FENCE_CHECK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED the lease of this user is held by another process') end
`;

export type LeaseListener = (userId: string) => void;

export class UserLeases {
  /** The leases this process holds: user id → `<node>|<token>`. */
  private readonly held = new Map<string, string>();
  private readonly lostListeners = new Set<LeaseListener>();
  private timer: NodeJS.Timeout | undefined;
  /** When every held lease was last renewed. */
  private renewedAt = Date.now();
  private readonly acquire: ReturnType<RedisConnection['script']>;
  private readonly releaseScript: ReturnType<RedisConnection['script']>;
  private readonly renewScript: ReturnType<RedisConnection['script']>;

  constructor(
    private readonly redis: RedisConnection,
    readonly node: string,
    readonly leaseMs: number,
  ) {
    this.acquire = redis.script(ACQUIRE);
    this.releaseScript = redis.script(RELEASE);
    this.renewScript = redis.script(RENEW);
  }

  leaseKey(userId: string): string {
    return this.redis.key(`lease:user:${userId}`);
  }

  /** Renews the held leases every third of their time. */
  start(): void {
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  /** True while this process holds the user's lease. */
  holds(userId: string): boolean {
    return this.held.has(userId);
  }

  /** The value a fenced write checks (undefined when the lease is not held). */
  fence(userId: string): string | undefined {
    return this.held.get(userId);
  }

  heldUsers(): string[] {
    return [...this.held.keys()];
  }

  /** Takes the user's lease when it is free, expired, or its holder is gone; answers who holds it now. */
  async claim(userId: string): Promise<{ owner: string; mine: boolean }> {
    if (this.held.has(userId)) return { owner: this.node, mine: true };
    const value = String(await this.acquire([this.leaseKey(userId), this.redis.key(`fence:user:${userId}`)], this.node, this.leaseMs, this.redis.key(nodeChannel(''))));
    const owner = value.slice(0, value.lastIndexOf('|'));
    if (owner === this.node) this.held.set(userId, value);
    return { owner, mine: owner === this.node };
  }

  /** Lets the lease go (a clean shutdown, a user whose session closed): the next process takes it at once. */
  async release(userId: string): Promise<void> {
    const value = this.held.get(userId);
    if (value === undefined) return;
    this.held.delete(userId);
    await this.releaseScript([this.leaseKey(userId)], value).catch(() => undefined);
  }

  async releaseAll(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.held.keys()].map((userId) => this.release(userId)));
  }

  /** Called with a user whose lease this process lost (taken over, or not renewed in time). */
  onLost(listener: LeaseListener): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Whether `node` is alive (listens on its channel). */
  async alive(node: string): Promise<boolean> {
    const answer = (await this.redis.command.pubsub('NUMSUB', this.redis.key(nodeChannel(node)))) as [string, number];
    return Number(answer[1]) > 0;
  }

  private async renew(): Promise<void> {
    const entries = [...this.held];
    if (entries.length === 0) {
      this.renewedAt = Date.now();
      return;
    }
    const started = Date.now();
    try {
      const answers = (await this.renewScript(entries.map(([userId]) => this.leaseKey(userId)), this.leaseMs, ...entries.map(([, value]) => value))) as number[];
      this.renewedAt = started;
      entries.forEach(([userId, value], i) => {
        if (answers[i] !== 1 && this.held.get(userId) === value) this.lose(userId);
      });
    } catch (error) {
      console.warn('[cluster] could not renew the leases:', error instanceof Error ? error.message : error);
      // Past its time a lease may be another process's: stop acting as the owner.
      if (Date.now() - this.renewedAt >= this.leaseMs) for (const [userId] of entries) this.lose(userId);
    }
  }

  private lose(userId: string): void {
    this.held.delete(userId);
    console.warn(`[cluster] lost the lease of ${userId}`);
    for (const listener of this.lostListeners) listener(userId);
  }
}
