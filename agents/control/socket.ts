/**
 * The agent-control events on the live socket (the same authenticated connection as the surface).
 * Client → server, each with an optional ack:
 *
 *   subscribe   {agentId, lastSeq?}  → `subscribed` {agentId, session, lastSeq}, then `agent_event` per event
 *                                      (with lastSeq: the events after it first, from the logs)
 *   unsubscribe {agentId}            → ack {ok: true}
 *   input       {agentId, input}     → ack {accepted: true, seq}
 *   ping        any                  → `pong` {at}
 *
 * Only the user's own sessions are ever followed. A socket that stops reading is paused and resumed
 * from its last delivered seq by the transport (its outbox), so it misses nothing and holds no backlog.
 */
import { z } from 'zod';
import { socketEvent, type SocketEvent } from '../endpoint';
import { agentFeed } from './feed';
import { agentIdSchema } from './ids';
import { inputSchema } from './requests';
import { sessionJson } from './session-record';
import type { AgentSupervisor } from './supervisor';

export const AgentSocketEvents = {
  subscribe: 'subscribe',
  subscribed: 'subscribed',
  unsubscribe: 'unsubscribe',
  event: 'agent_event',
  input: 'input',
  ping: 'ping',
  pong: 'pong',
} as const;

export function agentSocketEvents(supervisor: AgentSupervisor): SocketEvent[] {
  return [
    socketEvent({
      name: AgentSocketEvents.subscribe,
      schema: z.object({ agentId: agentIdSchema, lastSeq: z.number().int().nonnegative().optional() }).strict(),
      handle({ agentId, lastSeq }, channel) {
        const userId = channel.caller.userId;
        supervisor.definition(agentId);
        channel.unfollow(agentId);
        const latest = supervisor.latest(userId, agentId);
        const answer = { agentId, session: latest ? sessionJson(latest) : null, lastSeq: supervisor.lastSeq(userId, agentId) };
        // `subscribed` goes first: every event follows it on the (ordered) socket.
        channel.emit(AgentSocketEvents.subscribed, answer);
        channel.follow(agentId, agentFeed(supervisor, userId, agentId), lastSeq, (event) => ({ event: AgentSocketEvents.event, data: event.data }));
        return answer;
      },
    }),
    socketEvent({
      name: AgentSocketEvents.unsubscribe,
      schema: z.object({ agentId: agentIdSchema }).strict(),
      handle({ agentId }, channel) {
        channel.unfollow(agentId);
        return { ok: true };
      },
    }),
    socketEvent({
      name: AgentSocketEvents.input,
      schema: z.object({ agentId: agentIdSchema, input: inputSchema }).strict(),
      async handle({ agentId, input }, channel) {
        const { seq } = await supervisor.input(channel.caller.userId, agentId, input);
        return { accepted: true, seq };
      },
    }),
    socketEvent({
      name: AgentSocketEvents.ping,
      schema: z.unknown(),
      handle(_payload, channel) {
        const pong = { at: new Date().toISOString() };
        channel.emit(AgentSocketEvents.pong, pong);
        return pong;
      },
    }),
  ];
}
