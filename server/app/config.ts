/**
 * Configuration from the environment, read once at start-up. Every setting has a default that makes
 * `npm start` work on a fresh clone: loopback only, data under ./data, the local mailbox, the demo agent.
 */
import path from 'node:path';
import { loadAiConfig, type AiConfig } from '../../agents/ai/config';
import { integerVar } from '../../agents/env-values';
import { loadMailConfig, type MailConfig } from '../../agents/email/config';
import { loadReviewConfig, type ReviewConfig } from '../../agents/worktree/review/config';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** A fixed access token; when unset one is generated once and stored in the data dir. */
  token: string | undefined;
  /** The git repository for worktrees. */
  repo: string;
  /** How long a plugin may take for one action before the action fails with a timeout toast. */
  pluginTimeoutMs: number;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** Actions (REST and socket) per token per minute, with a burst of a tenth of that. */
  rateLimitPerMinute: number;
  /** Frames kept per session for catch-up; an older client gets a snapshot. */
  frameLogSize: number;
  /** A socket with more unsent packets than this gets one snapshot instead of the backlog. */
  maxPendingFrames: number;
  /** Served static files of the thin client. */
  clientDir: string;
  /** The agent definitions file (created with defaults when missing). */
  agentsFile: string;
  /** Time between the steps of an agent stop: interrupt, SIGINT, SIGTERM, SIGKILL. */
  agentStopGraceMs: number;
  /** How often an agent's SSE stream sends a heartbeat. */
  sseHeartbeatMs: number;
  /** Open streams (agent SSE, A2UI v0.9 stream) per user at most. */
  maxStreamsPerUser: number;
  /** The Email plugin: mailbox provider, Google sign-in, Claude drafts (mail-config.ts). */
  mail: MailConfig;
  /** Claude providers and the assistant's limits (ai-config.ts). */
  ai: AiConfig;
  /** Reviewing worktrees: where the GitHub CLI is (agents/worktree/review/config.ts). */
  review: ReviewConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const dataDir = path.resolve(cwd, env.A2UI_DATA_DIR || 'data');
  return {
    port: integerVar(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    dataDir,
    token: env.A2UI_TOKEN || undefined,
    repo: path.resolve(cwd, env.A2UI_REPO || '.'),
    pluginTimeoutMs: integerVar(env, 'A2UI_PLUGIN_TIMEOUT_MS', 10_000, 1),
    bodyLimitBytes: integerVar(env, 'A2UI_BODY_LIMIT_BYTES', 1024 * 1024, 1024),
    rateLimitPerMinute: integerVar(env, 'A2UI_RATE_LIMIT_PER_MINUTE', 1200, 1),
    frameLogSize: integerVar(env, 'A2UI_FRAME_LOG_SIZE', 200, 1),
    maxPendingFrames: integerVar(env, 'A2UI_MAX_PENDING_FRAMES', 64, 1),
    clientDir: path.resolve(cwd, env.A2UI_CLIENT_DIR || 'client-demo/dist'),
    agentsFile: env.A2UI_AGENTS_FILE ? path.resolve(cwd, env.A2UI_AGENTS_FILE) : path.join(dataDir, 'agents.json'),
    agentStopGraceMs: integerVar(env, 'A2UI_AGENT_STOP_GRACE_MS', 3000, 1),
    sseHeartbeatMs: integerVar(env, 'A2UI_SSE_HEARTBEAT_MS', 30_000, 10),
    maxStreamsPerUser: integerVar(env, 'A2UI_MAX_STREAMS_PER_USER', 32, 1),
    mail: loadMailConfig(env),
    ai: loadAiConfig(env),
    review: loadReviewConfig(env),
  };
}
