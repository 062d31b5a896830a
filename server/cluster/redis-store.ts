/**
 * The Redis store (`A2UI_REDIS_URL`): the StoreBackend for several processes. Documents are
 * encrypted with `A2UI_STORE_KEY` (redis-documents.ts), the version epoch is an INCR
 * (redis-epochs.ts), rate-limit buckets are shared (shared-rate-limit.ts).
 */
import type { z } from 'zod';
import type { ClusterConfig } from '../app/cluster-config';
import type { DocumentLayout, StoreBackend, StoreHealth } from '../app/store-backend';
import type { PersistentStore } from '../../agents/types';
import { redisEpochs } from './redis-epochs';
import { RedisConnection } from './redis-connection';
import { RedisDocuments, type Fence } from './redis-documents';
import { SharedRateLimiter } from './shared-rate-limit';
import { StoreCipher } from './store-cipher';

export class RedisStore implements StoreBackend {
  private readonly documents: RedisDocuments;
  private readonly limiters: SharedRateLimiter[] = [];
  /** Encrypts what the store keeps (documents, shared logs). */
  readonly cipher: StoreCipher;

  private constructor(
    readonly redis: RedisConnection,
    readonly config: ClusterConfig,
  ) {
    this.cipher = new StoreCipher(config.storeKey);
    this.documents = new RedisDocuments(redis, this.cipher, config.nodeId);
  }

  static async open(config: ClusterConfig): Promise<RedisStore> {
    return new RedisStore(await RedisConnection.open(config.redisUrl, config.prefix), config);
  }

  openDocument<T>(name: string, defaults: T, schema: z.ZodType<T, unknown>, layout?: DocumentLayout): Promise<PersistentStore<T>> {
    return this.documents.open(name, defaults, schema, layout);
  }

  /** A document with one writer, the holder of a lease: each write is refused unless `fence` still holds. */
  openFencedDocument<T>(name: string, defaults: T, schema: z.ZodType<T, unknown>, fence: Fence): Promise<PersistentStore<T>> {
    return this.documents.open(name, defaults, schema, 'whole', fence);
  }

  epochs(): Promise<() => number> {
    return redisEpochs(this.redis);
  }

  rateLimiter(name: string, perMinute: number): SharedRateLimiter {
    const limiter = new SharedRateLimiter(this.redis, name, perMinute);
    this.limiters.push(limiter);
    return limiter;
  }

  health(): StoreHealth {
    return this.documents.health();
  }

  async close(): Promise<void> {
    await Promise.all(this.limiters.map((limiter) => limiter.sync()));
    await this.redis.close();
  }
}
