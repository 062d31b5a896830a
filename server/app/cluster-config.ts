/**
 * The settings of a deployment of several processes on one Redis (README, "Running several
 * processes"). Unset `A2UI_REDIS_URL` is the embedded default: files under the data dir, one process.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { integerVar } from '../../agents/env-values';

export interface ClusterConfig {
  /** `redis://` or `rediss://` URL (Redis 7.x or Valkey). */
  redisUrl: string;
  /** Encrypts what the store keeps in Redis (at least 32 characters). */
  storeKey: string;
  /** Prepended to every key and channel, so several deployments can share a Redis. */
  prefix: string;
  /** This process's name in leases and session records; unique per process. */
  nodeId: string;
  /** How long a user's lease (and a process's liveness) lasts without renewal. */
  leaseMs: number;
}

const NODE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const PREFIX = /^[A-Za-z0-9_.:-]{1,32}$/;

export function loadClusterConfig(env: NodeJS.ProcessEnv): ClusterConfig | null {
  const redisUrl = env.A2UI_REDIS_URL;
  if (!redisUrl) return null;
  let protocol: string;
  try {
    protocol = new URL(redisUrl).protocol;
  } catch {
    throw new Error('A2UI_REDIS_URL must be a redis:// or rediss:// URL');
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new Error('A2UI_REDIS_URL must be a redis:// or rediss:// URL');
  const storeKey = env.A2UI_STORE_KEY ?? '';
  if (storeKey.length < 32) throw new Error('A2UI_STORE_KEY must be set to a secret of at least 32 characters when A2UI_REDIS_URL is set (it encrypts what the store keeps in Redis)');
  const prefix = env.A2UI_REDIS_PREFIX || 'a2ui:';
  if (!PREFIX.test(prefix)) throw new Error('A2UI_REDIS_PREFIX must be 1-32 characters of A-Z a-z 0-9 _ . : -');
  const nodeId = env.A2UI_NODE_ID || `${os.hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  if (!NODE_ID.test(nodeId)) throw new Error('A2UI_NODE_ID must be 1-64 characters of A-Z a-z 0-9 _ . -');
  return { redisUrl, storeKey, prefix, nodeId, leaseMs: integerVar(env, 'A2UI_LEASE_MS', 5000, 500) };
}
