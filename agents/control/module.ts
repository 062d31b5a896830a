/**
 * The Agents module: coding-agent sessions (the supervisor: processes, logs, records), their screens,
 * REST API and SSE stream, socket events, raw WebSocket messages and assistant tools. It uses the
 * Worktree module's service: agents run in worktrees, and a worktree where a session is live cannot
 * be removed; and the model gateway's: an agent defined with `model_gateway: true` calls its models
 * through it, with a token of its session's own.
 */
import path from 'node:path';
import { gatewayModule } from '../gateway/module';
import { defineModule } from '../module';
import { configuredRepo, worktreeModule } from '../worktree/module';
import { agentEndpoints } from './api';
import { controlHealth } from './health';
import { loadControlConfig } from './config';
import { loadDefinitions } from './definitions';
import type { AgentUsageSource } from './model-access';
import { createControlPlugin } from './plugin';
import { FileEventLog } from './event-log';
import { agentSessionsFileSchema, type AgentSessionsFile } from './session-record';
import { SharedEventLog } from './shared-event-log';
import { agentSocketEvents } from './socket';
import { AgentSupervisor } from './supervisor';
import { agentTools } from './tools';
import { agentWsMessages } from './ws-messages';
import { Workdirs } from './workdirs';

export interface ControlServices {
  supervisor: AgentSupervisor;
  sseHeartbeatMs: number;
  /** The gateway's usage per session, for the screens. */
  usage: AgentUsageSource;
}

export const controlModule = defineModule<ControlServices>({
  id: 'control',
  uses: [worktreeModule, gatewayModule],
  async open(ctx) {
    const config = loadControlConfig(ctx.env, ctx.cwd, ctx.dataDir);
    const worktrees = ctx.use(worktreeModule);
    const supervisor = await AgentSupervisor.open({
      definitions: loadDefinitions(config.agentsFile),
      store: await ctx.openStore<AgentSessionsFile>('agent-sessions', { sessions: {} }, agentSessionsFileSchema),
      // One process: a file per session; several: one shared stream per user and agent.
      log: ctx.ports.cluster
        ? new SharedEventLog(await ctx.ports.cluster.sharedLogs('agent-events', config.sharedEventsKept))
        : new FileEventLog(path.join(ctx.dataDir, 'agent-logs')),
      workdirs: new Workdirs(configuredRepo(ctx), worktrees, ctx.ports.roles),
      stopGraceMs: config.stopGraceMs,
      modelAccess: ctx.use(gatewayModule).agentAccess,
      ...(ctx.ports.cluster ? { cluster: ctx.ports.cluster } : {}),
    });
    worktrees.addRemovalGuard((worktreePath) => supervisor.liveSessionIn(worktreePath));
    return { supervisor, sseHeartbeatMs: config.sseHeartbeatMs, usage: ctx.use(gatewayModule).agentUsage };
  },
  close: ({ supervisor }) => supervisor.close(),
  plugins: ({ supervisor, usage }) => [createControlPlugin(supervisor, usage)],
  endpoints: ({ supervisor, sseHeartbeatMs }) => agentEndpoints(supervisor, { heartbeatMs: sseHeartbeatMs }),
  socketEvents: ({ supervisor }) => agentSocketEvents(supervisor),
  wsMessages: ({ supervisor }) => agentWsMessages(supervisor),
  tools: ({ supervisor }) => agentTools(supervisor),
  status: ({ supervisor }) => ({ status: 'ok', detail: `${supervisor.definitions.length} agents configured` }),
  health: ({ supervisor }, caller) => controlHealth(supervisor, caller.userId),
});
