/**
 * At most N open streams (SSE, JSONL, raw WebSocket connections) per user. A stream holds a
 * connection, a listener and buffers for as long as the client keeps it open, so an unbounded number
 * of them is a cheap way to exhaust the server: past the cap a new stream is refused with 429 until
 * one closes.
 */
import type { NextFunction, Request, Response } from 'express';

import { callerOf } from './endpoints';
import { PluginError } from './errors';

export class StreamLimiter {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerUser: number) {}

  /** Counts one more open stream of the user (429 past the cap); answers its release (once is enough). */
  acquire(userId: string): () => void {
    const count = this.open.get(userId) ?? 0;
    if (count >= this.maxPerUser) {
      throw new PluginError('RATE_LIMITED', `Too many open streams (${this.maxPerUser}); close one and retry.`);
    }
    this.open.set(userId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(userId) ?? 1) - 1;
      if (left <= 0) this.open.delete(userId);
      else this.open.set(userId, left);
    };
  }

  /** Express middleware for a stream route (behind the auth middleware). */
  readonly gate = (_req: Request, res: Response, next: NextFunction): void => {
    res.once('close', this.acquire(callerOf(res).userId));
    next();
  };
}
