/**
 * The agent-control events on the live socket (the same authenticated socket.io connection as the
 * surface). Client → server, each with an optional ack:
 *
 *   subscribe   {agentId, lastSeq?}  → `subscribed` {agentId, session, lastSeq}, then `agent_event` per event
 *                                      (with lastSeq: the events after it first, from the logs)
 *   unsubscribe {agentId}            → ack {ok: true}
 *   input       {agentId, input}     → ack {accepted: true, seq}
 *   ping        any                  → `pong` {at}
 *
 * A refused request answers `{error: {code, message}}` in its ack, or as a `<event>_error` event when
 * it has no ack. Only the user's own sessions are ever followed. Every request counts against the
 * token's rate limit.
 *
 * Backpressure: a socket that stops reading (more than `maxPendingPackets` packets unsent) is not
 * handed more events, which would pile up in memory; once its buffer drains, the events it missed are
 * replayed from the logs (the supervisor's `follow` from its last delivered seq), each once, in order.
 */
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { agentIdSchema } from '../../agents/control/ids';
import { inputSchema } from '../../agents/control/requests';
import { sessionJson } from '../../agents/control/session-record';
import type { AgentSupervisor } from '../../agents/control/supervisor';
import type { Identity } from '../transport/auth';
import { errorBody, parseInput } from '../transport/errors';
import { unsentPackets, type SocketHandler } from '../transport/live';
import type { RateLimiter } from '../transport/rate-limit';

export const AgentSocketEvents = {
  subscribe: 'subscribe',
  subscribed: 'subscribed',
  unsubscribe: 'unsubscribe',
  event: 'agent_event',
  input: 'input',
  ping: 'ping',
  pong: 'pong',
} as const;

const subscribeSchema = z.object({ agentId: agentIdSchema, lastSeq: z.number().int().nonnegative().optional() }).strict();
const unsubscribeSchema = z.object({ agentId: agentIdSchema }).strict();
const inputRequestSchema = z.object({ agentId: agentIdSchema, input: inputSchema }).strict();

type Ack = (answer: unknown) => void;

/** `maxPendingPackets`: `A2UI_MAX_PENDING_FRAMES`, the same limit the surface's frames use. */
export function agentSocketHandler(supervisor: AgentSupervisor, rateLimiter: RateLimiter, maxPendingPackets: number): SocketHandler {
  return (socket: Socket, identity: Identity) => {
    /** Per agent id: the socket's subscription; `stop` ends it, however often backpressure restarted it. */
    const subscriptions = new Map<string, { stop(): void }>();

    /** Follows the user's events of an agent on this socket, after `after` when given. */
    const follow = (agentId: string, after: number | undefined): void => {
      // As `follow` counts it: an `after` from the future means now.
      let delivered = Math.min(after ?? Infinity, supervisor.lastSeq(identity.userId, agentId));
      const subscription: { stop(): void } = { stop: () => undefined };
      const start = (from: number | undefined) => {
        subscription.stop = supervisor.follow(identity.userId, agentId, from, (event) => {
          if (!socket.connected) return false;
          if (unsentPackets(socket) >= maxPendingPackets) {
            // Behind: stop here, and once the buffer drains replay from the logs what it missed.
            socket.conn.once('drain', () => {
              if (socket.connected && subscriptions.get(agentId) === subscription) start(delivered);
            });
            return false;
          }
          socket.emit(AgentSocketEvents.event, event);
          delivered = event.seq;
          return true;
        });
      };
      start(after);
      subscriptions.set(agentId, subscription);
    };

    /** Runs a request and answers it: the ack when there is one, else an event (`<name>_error` on failure). */
    const on = (name: string, run: (raw: unknown) => unknown) => {
      socket.on(name, (raw: unknown, ack?: Ack) => {
        let answer: unknown;
        try {
          rateLimiter.enforce(identity.tokenKey);
          answer = run(raw);
        } catch (error) {
          answer = { error: errorBody(error, 'agents socket') };
          if (typeof ack !== 'function') socket.emit(`${name}_error`, answer);
        }
        if (typeof ack === 'function') ack(answer);
      });
    };

    on(AgentSocketEvents.subscribe, (raw) => {
      const { agentId, lastSeq } = parseInput(subscribeSchema, raw);
      supervisor.definition(agentId);
      subscriptions.get(agentId)?.stop();
      const latest = supervisor.latest(identity.userId, agentId);
      const answer = { agentId, session: latest ? sessionJson(latest) : null, lastSeq: supervisor.lastSeq(identity.userId, agentId) };
      // `subscribed` goes first: every event follows it on the (ordered) socket.
      socket.emit(AgentSocketEvents.subscribed, answer);
      follow(agentId, lastSeq);
      return answer;
    });

    on(AgentSocketEvents.unsubscribe, (raw) => {
      const { agentId } = parseInput(unsubscribeSchema, raw);
      subscriptions.get(agentId)?.stop();
      subscriptions.delete(agentId);
      return { ok: true };
    });

    on(AgentSocketEvents.input, (raw) => {
      const { agentId, input } = parseInput(inputRequestSchema, raw);
      const { seq } = supervisor.input(identity.userId, agentId, input);
      return { accepted: true, seq };
    });

    on(AgentSocketEvents.ping, () => {
      const pong = { at: new Date().toISOString() };
      socket.emit(AgentSocketEvents.pong, pong);
      return pong;
    });

    socket.on('disconnect', () => {
      for (const subscription of subscriptions.values()) subscription.stop();
      subscriptions.clear();
    });
  };
}
