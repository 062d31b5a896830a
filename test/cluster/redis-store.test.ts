/**
 * The Redis store against a real Redis (started per file on a free loopback port): documents
 * survive a new process, are encrypted at rest, are checked when read; entry documents written by
 * two processes at once keep both processes' entries; epochs never repeat; rate-limit buckets are
 * shared.
 */
import { z } from 'zod';
import Redis from 'ioredis';
import type { ClusterConfig } from '../../server/app/cluster-config';
import { RedisStore } from '../../server/cluster/redis-store';
import { startRedis, type TestRedis } from '../helpers/redis';
import { waitFor } from '../helpers/wait';

let redis: TestRedis;
let raw: Redis;
const open: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  raw.disconnect();
  await redis.stop();
});

let prefixes = 0;
/** A store as one process opens it; `prefix` keeps each test's keys apart. */
async function storeOf(prefix: string, node: string, storeKey = 'a-store-key-of-at-least-32-characters!!'): Promise<RedisStore> {
  const config: ClusterConfig = { redisUrl: redis.url, storeKey, prefix, nodeId: node, leaseMs: 5000 };
  const store = await RedisStore.open(config);
  open.push(store);
  return store;
}
const freshPrefix = () => `t${++prefixes}:`;

const counter = z.object({ n: z.number() });
const recordSchema = z.object({ users: z.record(z.string(), z.object({ name: z.string(), n: z.number() })) });
type Records = z.infer<typeof recordSchema>;

describe('documents', () => {
  test('a whole document survives a new process and is encrypted at rest', async () => {
    const prefix = freshPrefix();
    const first = await storeOf(prefix, 'a');
    const doc = await first.openDocument('state', { n: 0, secret: 'x' } as { n: number; secret?: string }, z.object({ n: z.number(), secret: z.string().optional() }), 'whole');
    doc.data = { n: 7, secret: 'refresh-token-ABC' };
    await doc.write();
    const stored = await raw.get(`${prefix}doc:state`);
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain('refresh-token-ABC');
    const again = await (await storeOf(prefix, 'b')).openDocument('state', { n: 0 }, z.object({ n: z.number(), secret: z.string().optional() }), 'whole');
    expect(again.data).toEqual({ n: 7, secret: 'refresh-token-ABC' });
  });

  test('a document of the wrong shape, or encrypted with another key, is moved aside and starts from the defaults', async () => {
    const prefix = freshPrefix();
    const doc = await (await storeOf(prefix, 'a')).openDocument('state', { n: 0 }, counter, 'whole');
    doc.data.n = 3;
    await doc.write();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const otherKey = await (await storeOf(prefix, 'b', 'another-key-of-at-least-32-characters!!')).openDocument('state', { n: 0 }, counter, 'whole');
    expect(otherKey.data).toEqual({ n: 0 });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('not encrypted with this A2UI_STORE_KEY'));
    warn.mockRestore();
    expect(await raw.exists(`${prefix}doc:state`)).toBe(0);
    expect((await raw.keys(`${prefix}doc:state:corrupt-*`)).length).toBe(1);
  });

  test('entries written by two processes at once are all kept, and each process sees the other\'s', async () => {
    const prefix = freshPrefix();
    const a = await (await storeOf(prefix, 'a')).openDocument<Records>('records', { users: {} }, recordSchema);
    const b = await (await storeOf(prefix, 'b')).openDocument<Records>('records', { users: {} }, recordSchema);
    // Each changes its own entries of the one document, without reading the other's first.
    for (let i = 0; i < 20; i++) {
      a.data.users[`a${i}`] = { name: 'from a', n: i };
      b.data.users[`b${i}`] = { name: 'from b', n: i };
      await Promise.all([a.write(), b.write()]);
    }
    expect(await raw.hlen(`${prefix}doc:records`)).toBe(40);
    await waitFor(() => Object.keys(a.data.users).length === 40 && Object.keys(b.data.users).length === 40, 'both processes to see all 40 entries');
    expect(a.data.users.b19).toEqual({ name: 'from b', n: 19 });
    expect(b.data.users.a0).toEqual({ name: 'from a', n: 0 });
    // A removal travels too, and a third process reads what the two left.
    delete a.data.users.b3;
    await a.write();
    await waitFor(() => !('b3' in b.data.users), 'the removal to reach the other process');
    const c = await (await storeOf(prefix, 'c')).openDocument<Records>('records', { users: {} }, recordSchema);
    expect(Object.keys(c.data.users).sort()).toEqual(Object.keys(a.data.users).sort());
    expect(Object.keys(c.data.users)).toHaveLength(39);
  });

  test('a write sends only the entries that changed', async () => {
    const prefix = freshPrefix();
    const a = await (await storeOf(prefix, 'a')).openDocument<Records>('records', { users: {} }, recordSchema);
    a.data.users.x = { name: 'x', n: 1 };
    a.data.users.y = { name: 'y', n: 1 };
    await a.write();
    const before = await raw.hget(`${prefix}doc:records`, 'users/y');
    a.data.users.x = { name: 'x', n: 2 };
    await a.write();
    // Encryption takes a fresh IV per write: an unchanged ciphertext was not written again.
    expect(await raw.hget(`${prefix}doc:records`, 'users/y')).toBe(before);
  });

  test('an entry of the wrong shape is moved aside; the other entries are kept', async () => {
    const prefix = freshPrefix();
    const a = await (await storeOf(prefix, 'a')).openDocument<Records>('records', { users: {} }, recordSchema);
    a.data.users.good = { name: 'good', n: 1 };
    a.data.users.bad = { name: 'bad', n: 2 };
    await a.write();
    // A value no process of this store wrote (not encrypted with its key).
    await raw.hset(`${prefix}doc:records`, 'users/bad', JSON.stringify({ name: 5 }));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const b = await (await storeOf(prefix, 'b')).openDocument<Records>('records', { users: {} }, recordSchema);
    warn.mockRestore();
    expect(b.data.users).toEqual({ good: { name: 'good', n: 1 } });
    expect(await raw.hexists(`${prefix}doc:records`, 'users/bad')).toBe(0);
    expect(await raw.hlen(`${prefix}doc:records:corrupt`)).toBe(1);
  });
});

describe('epochs', () => {
  test('two processes never take the same epoch, and none is below the hours since 2026', async () => {
    const prefix = freshPrefix();
    const [a, b] = [await (await storeOf(prefix, 'a')).epochs(), await (await storeOf(prefix, 'b')).epochs()];
    // The first of each is the start's; the next ones are taken ahead, one at a time.
    const taken = [a(), b(), a(), b()];
    const later = (next: () => number) => waitFor(() => {
      try {
        return next();
      } catch {
        return undefined;
      }
    }, 'the next epoch to be taken ahead');
    taken.push(await later(a), await later(b));
    expect(new Set(taken).size).toBe(taken.length);
    const floor = Math.floor((Date.now() - Date.UTC(2026, 0, 1)) / 3_600_000);
    for (const epoch of taken) expect(epoch).toBeGreaterThanOrEqual(floor);
  });
});

describe('rate limits', () => {
  test('two processes share one bucket per key, and it survives them', async () => {
    const prefix = freshPrefix();
    // 200 a minute: a burst of 20.
    const a = (await storeOf(prefix, 'a')).rateLimiter('requests', 200);
    const b = (await storeOf(prefix, 'b')).rateLimiter('requests', 200);
    for (let i = 0; i < 15; i++) expect(a.take('token-1')).toBe(true);
    await a.sync();
    // b has its own full copy until it hears of a's takes.
    expect(b.take('token-1')).toBe(true);
    await b.sync();
    let allowed = 0;
    while (b.take('token-1')) allowed++;
    expect(allowed).toBeLessThanOrEqual(5);
    await b.sync();
    // A new process (a restart) gets the shared level after its first sync, not a fresh bucket.
    const c = (await storeOf(prefix, 'c')).rateLimiter('requests', 200);
    c.take('token-1');
    await c.sync();
    let more = 0;
    while (c.take('token-1')) more++;
    expect(more).toBeLessThanOrEqual(2);
    // Another key is untouched.
    expect(c.take('token-2')).toBe(true);
  });
});
