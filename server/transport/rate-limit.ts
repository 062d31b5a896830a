import { PluginError } from './errors';

/**
 * Per-token rate limit: a token bucket per token key, refilled continuously. A burst of a tenth of a
 * minute's allowance (at least 20) lets a user click quickly; a runaway script gets 429s.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(perMinute: number, private readonly now: () => number = Date.now) {
    this.capacity = Math.max(20, Math.ceil(perMinute / 10));
    this.perMs = perMinute / 60_000;
  }

  /** Takes one token; false when the key is over its limit. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Takes one token, or throws RATE_LIMITED ("Too many <what>; …"). */
  enforce(key: string, what = 'requests'): void {
    if (!this.take(key)) throw new PluginError('RATE_LIMITED', `Too many ${what}; slow down and retry shortly.`);
  }
}
