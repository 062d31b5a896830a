/**
 * What the supervisor needs from the model gateway for an agent whose definition says
 * `model_gateway: true`: when the session's process starts, the environment that points it at the
 * gateway with a token of its own (issued for the session, so its usage is counted there); when the
 * process ends, the token's revocation. The gateway module provides it; without it such an agent
 * cannot start.
 */
export interface AgentModelAccess {
  open(session: { sessionId: string; userId: string; agentId: string; worktree: string | null }): Readonly<Record<string, string>>;
  close(sessionId: string): void;
}
