/**
 * The Agents module's settings:
 * - `A2UI_AGENTS_FILE` (default `<data>/agents.json`): the agent definitions, created with the demo
 *   agent on first start;
 * - `A2UI_AGENT_STOP_GRACE_MS` (3000): time between the steps of a stop (interrupt, SIGINT, SIGTERM, SIGKILL);
 * - `A2UI_SSE_HEARTBEAT_MS` (30000): how often an agent's SSE stream sends a `heartbeat` event;
 * - `A2UI_AGENT_EVENTS_KEPT` (20000): with several processes (a shared store), how many of the latest
 *   events of each user's agent the store keeps (the embedded store's files keep every event).
 */
import path from 'node:path';
import { integerVar } from '../env-values';

export interface ControlConfig {
  agentsFile: string;
  stopGraceMs: number;
  sseHeartbeatMs: number;
  sharedEventsKept: number;
}

export function loadControlConfig(env: NodeJS.ProcessEnv, cwd: string, dataDir: string): ControlConfig {
  return {
    agentsFile: env.A2UI_AGENTS_FILE ? path.resolve(cwd, env.A2UI_AGENTS_FILE) : path.join(dataDir, 'agents.json'),
    stopGraceMs: integerVar(env, 'A2UI_AGENT_STOP_GRACE_MS', 3000, 1),
    sseHeartbeatMs: integerVar(env, 'A2UI_SSE_HEARTBEAT_MS', 30_000, 10),
    sharedEventsKept: integerVar(env, 'A2UI_AGENT_EVENTS_KEPT', 20_000, 100),
  };
}
