/**
 * `GET` and `DELETE /api/sessions/:id` for both kinds of session the product has: an agent session
 * (the agent server document's session record) and a chat session (the chat gateway document's
 * session, whose id is its conversation's namespace). Served by the Assistant module because it is the
 * one that knows both (it uses the Agents module).
 *
 * The id says the kind, and the two forms never meet: agent session ids are `s-` and 24 hex digits,
 * and a namespace may not have that form (history.ts); chat sessions made without a namespace are
 * `chat-` and 24 hex digits.
 *
 *   GET    /api/sessions/s-…      → {success, session: {kind: "agent", …the session record}}
 *   GET    /api/sessions/<ns>     → {success, namespace, messages, session: {id, kind: "chat", namespace, messageCount, lastActivityAt}}
 *   DELETE /api/sessions/<ns>     → {success, namespace, deleted: true}   (the conversation is forgotten)
 *   DELETE /api/sessions/s-…      → 409 CONFLICT: an agent session's log is the agent's history, it is stopped, not deleted
 * Another user's session of either kind, or one that does not exist, is a 404.
 */
import { z } from 'zod';
import { SESSION_ID } from '../control/ids';
import { sessionJson } from '../control/session-record';
import type { AgentSupervisor } from '../control/supervisor';
import { endpoint, type Endpoint } from '../endpoint';
import { PluginError } from '../errors';
import { checkNamespace, type ConversationStore } from './history';

const byId = z.object({ id: z.string().max(64) });
const emptyQuery = z.object({}).strict();

export function sessionEndpoints(supervisor: AgentSupervisor, history: ConversationStore): Endpoint[] {
  /** The user's chat session `id` (400 for an id that is neither kind, 404 when there is no such conversation). */
  const chatOf = (userId: string, id: string) => {
    const conversation = history.conversation(userId, checkNamespace(id));
    if (!conversation) throw new PluginError('NOT_FOUND', `No session ${id}.`);
    return conversation;
  };
  return [
    endpoint({
      method: 'GET',
      path: '/api/sessions/:id',
      params: byId,
      query: emptyQuery,
      handle({ params, caller }) {
        if (SESSION_ID.test(params.id)) return { json: { success: true, session: { kind: 'agent', ...sessionJson(supervisor.session(caller.userId, params.id)) } } };
        const conversation = chatOf(caller.userId, params.id);
        const session = { id: params.id, kind: 'chat', namespace: params.id, messageCount: conversation.messages.length, lastActivityAt: conversation.updated_at };
        return { json: { success: true, namespace: params.id, messages: conversation.messages, session } };
      },
    }),
    endpoint({
      method: 'DELETE',
      path: '/api/sessions/:id',
      params: byId,
      query: emptyQuery,
      async handle({ params, caller }) {
        if (SESSION_ID.test(params.id)) {
          supervisor.session(caller.userId, params.id); // 404 for another user's
          throw new PluginError('CONFLICT', 'An agent session is not deleted: its log is the agent\'s event history. Stop it with POST /api/agents/:id/stop.');
        }
        chatOf(caller.userId, params.id);
        return { json: { success: true, namespace: params.id, deleted: await history.clear(caller.userId, params.id) } };
      },
    }),
  ];
}
