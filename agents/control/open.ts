/**
 * Opens the agent-control service from its settings: the definitions file, the records store (opened
 * by `server/main.ts`, like every store), the logs folder, and the worktrees. It also registers the
 * worktree removal guard: a worktree where a session is live cannot be removed (409 from the worktree
 * plugin, with the reason).
 */
import type { UserRoles } from '../roles';
import type { PersistentStore } from '../types';
import { loadDefinitions } from './definitions';
import type { AgentSessionsFile } from './session-record';
import { AgentSupervisor } from './supervisor';
import { Workdirs, type WorktreeSource } from './workdirs';

export interface AgentServiceOptions {
  definitionsFile: string;
  store: PersistentStore<AgentSessionsFile>;
  logDir: string;
  /** Where an agent runs when no worktree is chosen. */
  repoDir: string;
  stopGraceMs: number;
  worktrees?: WorktreeSource & { addRemovalGuard(guard: (worktreePath: string) => string | undefined): () => void };
  /** Whose worktrees a user may run agents in. */
  roles?: UserRoles;
}

export async function openAgentSupervisor(options: AgentServiceOptions): Promise<AgentSupervisor> {
  const supervisor = await AgentSupervisor.open({
    definitions: loadDefinitions(options.definitionsFile),
    store: options.store,
    logDir: options.logDir,
    workdirs: new Workdirs(options.repoDir, options.worktrees, options.roles),
    stopGraceMs: options.stopGraceMs,
  });
  options.worktrees?.addRemovalGuard((worktreePath) => supervisor.liveSessionIn(worktreePath));
  return supervisor;
}
