/**
 * One user's events of one agent as a `SeqFeed` (agents/endpoint.ts): what the SSE stream, the
 * socket.io `subscribe` and the raw WebSocket deliver, each with the transport's backpressure.
 * Events are named `agent_<type>` (`agent_text`, `agent_exit`, …) and numbered by their seq.
 */
import type { SeqFeed } from '../endpoint';
import type { AgentSupervisor } from './supervisor';

export function agentFeed(supervisor: AgentSupervisor, userId: string, agentId: string): SeqFeed {
  return {
    follow: (after, emit) => supervisor.follow(userId, agentId, after, (event) => emit({ event: `agent_${event.type}`, data: event, id: event.seq })),
    lastSeq: () => supervisor.lastSeq(userId, agentId),
  };
}
