/**
 * One user's events of one agent as a `SeqFeed` (agents/endpoint.ts): what the SSE stream, the
 * socket.io `subscribe` and the raw WebSocket deliver, each with the transport's backpressure.
 * Events are named `agent_<type>` (`agent_text`, `agent_exit`, …) and numbered by their seq.
 */
import type { SeqFeed } from '../endpoint';
import type { AgentEvent } from './events';
import type { AgentSupervisor } from './supervisor';

/**
 * An event as the wire carries it: a line of text (`text`, `output`) also as `content`, the name the
 * agent server document's clients read (`{"type": "output", "content": "…"}`). The log keeps `text` only.
 */
export function wireEvent(event: AgentEvent): AgentEvent | (AgentEvent & { content: string }) {
  return event.type === 'text' || event.type === 'output' ? { ...event, content: event.text } : event;
}

export function agentFeed(supervisor: AgentSupervisor, userId: string, agentId: string): SeqFeed {
  return {
    follow: (after, emit) => supervisor.follow(userId, agentId, after, (event) => emit({ event: `agent_${event.type}`, data: wireEvent(event), id: event.seq })),
    lastSeq: () => supervisor.lastSeq(userId, agentId),
  };
}
