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
 * it has no ack. Only the user's own sessions are ever followed.
 */
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { PluginError } from '../../agents/errors';
import { agentIdSchema } from '../../agents/control/ids';
import { inputSchema } from '../../agents/control/requests';
import { sessionJson } from '../../agents/control/session-record';
import type { AgentSupervisor } from '../../agents/control/supervisor';
import type { Identity } from '../auth';
import { ApiError, toApiError } from '../errors';
import type { SocketHandler } from '../live';
import { describeZodError } from '../protocol';
import type { RateLimiter } from '../rate-limit';

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

function parse<T>(schema: z.ZodType<T, unknown>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError('INVALID_INPUT', describeZodError(parsed.error));
  return parsed.data;
}

export function agentSocketHandler(supervisor: AgentSupervisor, rateLimiter: RateLimiter): SocketHandler {
  return (socket: Socket, identity: Identity) => {
    const subscriptions = new Map<string, () => void>();

    /** Runs a request and answers it: the ack when there is one, else an event (`<name>_error` on failure). */
    const on = (name: string, run: (raw: unknown) => unknown, limited = true) => {
      socket.on(name, (raw: unknown, ack?: Ack) => {
        let answer: unknown;
        try {
          if (limited && !rateLimiter.take(identity.tokenKey)) throw new ApiError('RATE_LIMITED', 'Too many requests; slow down and retry shortly.');
          answer = run(raw);
        } catch (error) {
          if (!(error instanceof ApiError) && !(error instanceof PluginError)) console.error('[agents socket] unexpected error:', error);
          const apiError = toApiError(error);
          answer = { error: { code: apiError.code, message: apiError.message } };
          if (typeof ack !== 'function') socket.emit(`${name}_error`, answer);
        }
        if (typeof ack === 'function') ack(answer);
      });
    };

    on(AgentSocketEvents.subscribe, (raw) => {
      const { agentId, lastSeq } = parse(subscribeSchema, raw);
      supervisor.definition(agentId);
      subscriptions.get(agentId)?.();
      const latest = supervisor.latest(identity.userId, agentId);
      const answer = { agentId, session: latest ? sessionJson(latest) : null, lastSeq: supervisor.lastSeq(identity.userId, agentId) };
      // `subscribed` goes first: every event follows it on the (ordered) socket.
      socket.emit(AgentSocketEvents.subscribed, answer);
      subscriptions.set(
        agentId,
        supervisor.follow(identity.userId, agentId, lastSeq, (event) => {
          if (!socket.connected) return false;
          socket.emit(AgentSocketEvents.event, event);
          return true;
        }),
      );
      return answer;
    });

    on(AgentSocketEvents.unsubscribe, (raw) => {
      const { agentId } = parse(unsubscribeSchema, raw);
      subscriptions.get(agentId)?.();
      subscriptions.delete(agentId);
      return { ok: true };
    });

    on(AgentSocketEvents.input, (raw) => {
      const { agentId, input } = parse(inputRequestSchema, raw);
      const { seq } = supervisor.input(identity.userId, agentId, input);
      return { accepted: true, seq };
    });

    on(
      AgentSocketEvents.ping,
      () => {
        const pong = { at: new Date().toISOString() };
        socket.emit(AgentSocketEvents.pong, pong);
        return pong;
      },
      false,
    );

    socket.on('disconnect', () => {
      for (const unsubscribe of subscriptions.values()) unsubscribe();
      subscriptions.clear();
    });
  };
}
