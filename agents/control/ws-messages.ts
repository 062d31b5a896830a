/**
 * The agent server document's WebSocket messages, on the raw WebSocket (`/ws`, server/transport/raw-ws.ts):
 *
 *   → {type: "subscribe", agentId, lastSeq? | lastEventId?}
 *   ← {type: "subscribed", agentId, hasSession, session, lastSeq}
 *   ← then each of the agent's events (the caller's own sessions only), in order, once:
 *       {type: "event", event}                       event.seq numbers it
 *       {type: "error", error, agentId, seq}         an agent_error
 *       {type: "exit", code, signal, reason, agentId, seq}
 *   → {type: "input", input, agentId?}               the subscribed agent's next turn
 *   → {type: "unsubscribe"}                          stops the events
 *   (`ping` → `pong` is the transport's.)
 *
 * One subscription per connection (the document's `input` goes "to the subscribed agent"): a new
 * `subscribe` replaces it. `hasSession`: the agent has a live session (starting, running or
 * terminating). After a reconnect, `subscribe` with the last seq received (`lastSeq`, or `lastEventId`
 * as SSE names it): the events after it are replayed from the logs first, then live, none twice and
 * none missing, exactly as the SSE stream does; without it, events from now on. A refused message is
 * answered `{type: "error", error, code, request}` (no `seq`), and nothing else is answered.
 */
import { z } from 'zod';
import { socketEvent, type FeedEvent, type SocketChannel, type SocketEvent } from '../endpoint';
import { PluginError } from '../errors';
import type { AgentEvent } from './events';
import { agentFeed } from './feed';
import { agentIdSchema } from './ids';
import { inputSchema } from './requests';
import { sessionJson } from './session-record';
import { isLive } from './status';
import type { AgentSupervisor } from './supervisor';

/** The key of a connection's one agent subscription. */
const SUBSCRIPTION = 'agent';

const seqSchema = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be an event id (a seq number)')
    .transform(Number),
]);

/** An agent event as the document's server events. */
function asDocumentedMessage(event: FeedEvent & { id: number }): FeedEvent {
  const data = event.data as AgentEvent;
  if (data.type === 'exit') return { event: 'exit', data: { code: data.code, signal: data.signal, reason: data.reason, agentId: data.agent_id, seq: data.seq } };
  if (data.type === 'error') return { event: 'error', data: { error: data.message, agentId: data.agent_id, seq: data.seq } };
  return { event: 'event', data: { event: data } };
}

export function agentWsMessages(supervisor: AgentSupervisor): SocketEvent[] {
  /** Each connection's subscribed agent. */
  const subscribed = new WeakMap<SocketChannel, string>();
  return [
    socketEvent({
      name: 'subscribe',
      schema: z.object({ agentId: agentIdSchema, lastSeq: seqSchema.optional(), lastEventId: seqSchema.optional() }).strict(),
      handle({ agentId, lastSeq, lastEventId }, channel) {
        const userId = channel.caller.userId;
        supervisor.definition(agentId);
        channel.unfollow(SUBSCRIPTION);
        subscribed.set(channel, agentId);
        const latest = supervisor.latest(userId, agentId);
        // `subscribed` goes first: every event follows it on the (ordered) connection.
        channel.emit('subscribed', {
          agentId,
          hasSession: latest !== undefined && isLive(latest.status),
          session: latest ? sessionJson(latest) : null,
          lastSeq: supervisor.lastSeq(userId, agentId),
        });
        channel.follow(SUBSCRIPTION, agentFeed(supervisor, userId, agentId), lastSeq ?? lastEventId, asDocumentedMessage);
      },
    }),
    socketEvent({
      name: 'unsubscribe',
      schema: z.object({}).strict(),
      handle(_payload, channel) {
        channel.unfollow(SUBSCRIPTION);
        subscribed.delete(channel);
      },
    }),
    socketEvent({
      name: 'input',
      schema: z.object({ input: inputSchema, agentId: agentIdSchema.optional() }).strict(),
      handle({ input, agentId }, channel) {
        const target = agentId ?? subscribed.get(channel);
        if (target === undefined) throw new PluginError('INVALID_INPUT', 'Subscribe to an agent first ({"type": "subscribe", "agentId": …}), or name it (agentId).');
        supervisor.input(channel.caller.userId, target, input);
      },
    }),
  ];
}
