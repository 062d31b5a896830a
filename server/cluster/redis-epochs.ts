/**
 * Version epochs for several processes (session/versions.ts): each process start takes a number of
 * its own with INCR, so no two processes, and no later start, ever hand out the same version. Never
 * below the hours since 2026, as with the file (app/epoch.ts), so a Redis that lost its data cannot
 * bring back an epoch a client may still hold.
 *
 * The clock asks for epochs synchronously; the next one is therefore taken ahead of need.
 */
import { epochFloor } from '../app/epoch';
import type { RedisConnection } from './redis-connection';

const NEXT_EPOCH = `
local epoch = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[1])
if epoch < floor then
  redis.call('SET', KEYS[1], floor)
  epoch = floor
end
return epoch
`;

/** A synchronous epoch source for VersionClock, backed by Redis; the first epoch is taken now. */
export async function redisEpochs(redis: RedisConnection): Promise<() => number> {
  const nextEpoch = redis.script(NEXT_EPOCH);
  const take = async () => Number(await nextEpoch([redis.key('epoch')], epochFloor()));
  const reserve: number[] = [await take(), await take()];
  const refill = () => {
    take().then(
      (epoch) => reserve.push(epoch),
      (error: unknown) => console.error('[store] could not take a version epoch ahead:', error),
    );
  };
  return () => {
    const epoch = reserve.shift();
    if (epoch === undefined) throw new Error('no version epoch is available (Redis unreachable)');
    if (reserve.length === 0) refill();
    return epoch;
  };
}
