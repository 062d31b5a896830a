/**
 * What the Agents module adds to `/api/health`: the agent server document's services (the agent
 * registry is the definitions file, the session manager and spawner the supervisor, role definitions
 * the definitions' roles; there is no task queue, so task assignment and dispatch are off), and counts
 * of the caller's own agents' sessions by status.
 */
import type { ModuleHealth } from '../module';
import { SESSION_STATUSES, isLive } from './status';
import type { AgentSupervisor } from './supervisor';

export function controlHealth(supervisor: AgentSupervisor, userId: string): ModuleHealth {
  const sessions = supervisor.sessions(userId);
  const byStatus = Object.fromEntries(SESSION_STATUSES.map((status) => [status, sessions.filter((s) => s.status === status).length]));
  return {
    services: {
      agentRegistry: 'ready',
      sessionManager: 'ready',
      spawnerService: 'ready',
      roleDefinition: 'ready',
      taskAssignment: 'disabled',
      dispatch: 'disabled',
    },
    counts: {
      agents: { configured: supervisor.definitions.length },
      sessions: { total: sessions.length, active: sessions.filter((s) => isLive(s.status)).length, ...byStatus },
    },
  };
}
