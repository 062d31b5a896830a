/**
 * The agents' waiting permission requests of one user, across all agents, for panels outside the
 * agent pages (the assistant panel shows them beside every screen). Answering goes through the
 * supervisor like the agent page's buttons.
 */
import type { PermissionDecision } from './permissions';
import type { AgentSupervisor } from './supervisor';

export interface AgentApproval {
  agentId: string;
  agentName: string;
  requestId: string;
  tool: string;
  summary: string;
}

export interface AgentApprovalSource {
  pendingFor(userId: string): AgentApproval[];
  /** `listener` runs when one of the user's requests comes or goes; answers the unsubscribe. */
  subscribe(userId: string, listener: () => void): () => void;
  answer(userId: string, agentId: string, requestId: string, decision: PermissionDecision): Promise<unknown>;
}

export function agentApprovals(supervisor: AgentSupervisor): AgentApprovalSource {
  return {
    pendingFor(userId) {
      return supervisor.definitions.flatMap((definition) =>
        (supervisor.latest(userId, definition.id)?.pendingApprovals ?? []).map((p) => ({ agentId: definition.id, agentName: definition.name, requestId: p.requestId, tool: p.tool, summary: p.summary })),
      );
    },
    subscribe(userId, listener) {
      return supervisor.subscribe(userId, (event) => {
        if (event.type === 'permission_request' || event.type === 'permission_answer' || event.type === 'exit') listener();
      });
    },
    answer(userId, agentId, requestId, decision) {
      return supervisor.answerPermission(userId, agentId, requestId, decision);
    },
  };
}
