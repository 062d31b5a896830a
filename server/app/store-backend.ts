/**
 * Where the server keeps what survives a restart, chosen by configuration: the embedded store (lowdb
 * files under the data dir, one process: `npm start`) or Redis (`A2UI_REDIS_URL`, several processes).
 * Every part that persists goes through this one seam: the modules' documents (`ctx.openStore`), the
 * users' records, the version epoch, the rate-limit buckets.
 */
import path from 'node:path';
import type { z } from 'zod';
import type { PersistentStore } from '../../agents/types';
import { RateLimiter } from '../transport/rate-limit';
import { nextEpoch } from './epoch';
import { openStore } from './store';

/** `whole`: one writer at a time, stored whole; `entries`: records written entry by entry (redis-documents.ts). */
export type DocumentLayout = 'whole' | 'entries';

export type StoreHealth = { status: 'ok' } | { status: 'error'; detail: string };

export interface StoreBackend {
  /** The document `name` (a path without `.json`: `sessions/alice`), checked against `schema`. */
  openDocument<T>(name: string, defaults: T, schema: z.ZodType<T, unknown>, layout?: DocumentLayout): Promise<PersistentStore<T>>;
  /** The version clock's epoch source (its first epoch is taken now). */
  epochs(): Promise<() => number>;
  /** A token-bucket limiter; `name` tells its buckets apart in a shared store. */
  rateLimiter(name: string, perMinute: number): RateLimiter;
  health(): StoreHealth;
  close(): Promise<void>;
}

/** lowdb files under the data dir: the default, for one process. */
export function embeddedStore(dataDir: string): StoreBackend {
  return {
    openDocument: (name, defaults, schema) => openStore(path.join(dataDir, `${name}.json`), defaults, schema),
    epochs: async () => () => nextEpoch(dataDir),
    rateLimiter: (_name, perMinute) => new RateLimiter(perMinute),
    health: () => ({ status: 'ok' }),
    close: async () => undefined,
  };
}
