import { HttpRefusal } from './errors';

/** Past this many keys, buckets that have refilled (they say nothing) are dropped on the next take. */
const SWEEP_ABOVE = 10_000;

/**
 * A token bucket per key, refilled continuously. A burst of a tenth of a minute's allowance (at least
 * 20) lets a user click quickly; a runaway script gets 429s. Used per token (actions and API calls)
 * and per client address (failed authentications, see auth.ts).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  protected readonly capacity: number;
  protected readonly perMs: number;

  constructor(perMinute: number, private readonly now: () => number = Date.now) {
    this.capacity = Math.max(20, Math.ceil(perMinute / 10));
    this.perMs = perMinute / 60_000;
  }

  /** Takes one token; false when the key is over its limit. */
  take(key: string): boolean {
    const bucket = this.refill(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Whether the key has a token left, without taking it. */
  allows(key: string): boolean {
    return this.refill(key).tokens >= 1;
  }

  /** Whole seconds until the key has a token again (0 when it has one). */
  retryAfterSeconds(key: string): number {
    const missing = 1 - this.refill(key).tokens;
    return missing <= 0 ? 0 : Math.max(1, Math.ceil(missing / this.perMs / 1000));
  }

  /** Takes one token, or throws RATE_LIMITED ("Too many <what>; …") with a Retry-After. */
  enforce(key: string, what = 'requests'): void {
    if (!this.take(key)) throw rateLimited(`Too many ${what}; slow down and retry shortly.`, this.retryAfterSeconds(key));
  }

  protected refill(key: string): { tokens: number; at: number } {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= SWEEP_ABOVE) this.sweep(now);
      bucket = { tokens: this.capacity, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    return bucket;
  }

  /** Keys keyed by client address are many: a bucket that has refilled is the same as none. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.capacity) this.buckets.delete(key);
    }
  }
}

/** 429 RATE_LIMITED with a `Retry-After` header (seconds). */
export function rateLimited(message: string, retryAfterS: number): HttpRefusal {
  return new HttpRefusal('RATE_LIMITED', message, { 'Retry-After': String(retryAfterS) });
}
