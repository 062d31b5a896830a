/**
 * The server's configuration from the environment, read once at start-up. Every setting has a default
 * that makes `npm start` work on a fresh clone: loopback only, data under ./data. Each module reads its
 * own settings (agents/<module>/config.ts).
 */
import path from 'node:path';
import { integerVar } from '../../agents/env-values';
import { DEFAULT_TOAST_LIFETIME_MS } from '../session/toasts';
import { DEFAULT_AUTH_FAILURES_PER_MINUTE } from '../transport/auth';
import { loadClusterConfig, type ClusterConfig } from './cluster-config';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** A fixed access token; when unset one is generated once and stored in the data dir. */
  token: string | undefined;
  /** How long a plugin may take for one action before the action fails with a timeout toast. */
  pluginTimeoutMs: number;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** Actions (REST and socket) per token per minute, with a burst of a tenth of that. */
  rateLimitPerMinute: number;
  /** Failed authentications per client address per minute, after a burst of 20. */
  authFailuresPerMinute: number;
  /** Frames kept per session for catch-up; an older client gets a snapshot. */
  frameLogSize: number;
  /** A socket with more unsent packets than this gets one snapshot instead of the backlog. */
  maxPendingFrames: number;
  /** Served static files of the thin client. */
  clientDir: string;
  /** Open streams (agent SSE, A2UI v0.9 stream) per user at most. */
  maxStreamsPerUser: number;
  /** A view (tab) that no client has used or listened to for this long is dropped. */
  viewIdleMs: number;
  /** Views per user at most (past it the least recently used idle view goes). */
  maxViewsPerUser: number;
  /** Several processes on one Redis (`A2UI_REDIS_URL`); null: the embedded store, one process. */
  cluster: ClusterConfig | null;
  /** How long a success or info toast stays before it leaves by itself. */
  toastLifetimeMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const dataDir = path.resolve(cwd, env.A2UI_DATA_DIR || 'data');
  return {
    port: integerVar(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    dataDir,
    token: env.A2UI_TOKEN || undefined,
    pluginTimeoutMs: integerVar(env, 'A2UI_PLUGIN_TIMEOUT_MS', 10_000, 1),
    bodyLimitBytes: integerVar(env, 'A2UI_BODY_LIMIT_BYTES', 1024 * 1024, 1024),
    rateLimitPerMinute: integerVar(env, 'A2UI_RATE_LIMIT_PER_MINUTE', 1200, 1),
    authFailuresPerMinute: integerVar(env, 'A2UI_AUTH_FAILURES_PER_MINUTE', DEFAULT_AUTH_FAILURES_PER_MINUTE, 1),
    frameLogSize: integerVar(env, 'A2UI_FRAME_LOG_SIZE', 200, 1),
    maxPendingFrames: integerVar(env, 'A2UI_MAX_PENDING_FRAMES', 64, 1),
    clientDir: path.resolve(cwd, env.A2UI_CLIENT_DIR || 'client-demo/dist'),
    maxStreamsPerUser: integerVar(env, 'A2UI_MAX_STREAMS_PER_USER', 32, 1),
    viewIdleMs: integerVar(env, 'A2UI_VIEW_IDLE_MS', 30 * 60_000, 1000),
    maxViewsPerUser: integerVar(env, 'A2UI_MAX_VIEWS_PER_USER', 200, 1),
    cluster: loadClusterConfig(env),
    toastLifetimeMs: integerVar(env, 'A2UI_TOAST_LIFETIME_MS', DEFAULT_TOAST_LIFETIME_MS, 1000),
  };
}
