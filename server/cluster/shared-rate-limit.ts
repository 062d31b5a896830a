/**
 * Rate-limit buckets shared by every process and kept across restarts: a client that spreads its
 * requests over several processes, or waits for a redeploy, still has one allowance.
 *
 * Decisions stay local and synchronous (no Redis round trip on the hot path): each process keeps its
 * own copy of a bucket, takes from it, and every SYNC_MS sends what it took to the shared bucket in
 * Redis (one script call per key), which answers the shared level; the copy then holds that level,
 * less what was taken since. Several processes together can exceed a limit by what they take in one
 * SYNC_MS, never more.
 */
import { RateLimiter } from '../transport/rate-limit';
import type { RedisConnection } from './redis-connection';

const SYNC_MS = 100;

/** Refills the shared bucket by Redis's clock, takes `consumed`, answers the level left (never below 0). */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local consumed = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms) - consumed
if tokens < 0 then tokens = 0 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
return tostring(tokens)
`;

export class SharedRateLimiter extends RateLimiter {
  /** Taken per key since the last sync was sent. */
  private readonly pending = new Map<string, number>();
  private readonly takeShared: ReturnType<RedisConnection['script']>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisConnection,
    /** Names this limiter's buckets (`actions`, `auth-failures`). */
    private readonly name: string,
    perMinute: number,
    now?: () => number,
  ) {
    super(perMinute, now);
    this.takeShared = redis.script(TAKE_SCRIPT);
  }

  override take(key: string): boolean {
    if (!super.take(key)) return false;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    this.timer ??= setTimeout(() => void this.sync(), SYNC_MS).unref();
    return true;
  }

  /** Sends what was taken and takes in the shared levels (also called before a process stops). */
  async sync(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    await Promise.all(
      batch.map(async ([key, consumed]) => {
        try {
          const level = Number(await this.takeShared([this.redis.key(`rate:${this.name}:${key}`)], this.capacity, this.perMs, consumed));
          const bucket = this.refill(key);
          // The lower of the two: other processes' takes come off this copy; what this process took
          // since the sync left is still to come off the shared level.
          bucket.tokens = Math.max(0, Math.min(bucket.tokens, level - (this.pending.get(key) ?? 0)));
        } catch (error) {
          // Redis unreachable: the local bucket goes on limiting alone.
          console.warn(`[rate-limit] could not share the ${this.name} bucket:`, error instanceof Error ? error.message : error);
        }
      }),
    );
  }
}
