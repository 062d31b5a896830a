/**
 * The assistant over HTTP, as the seed chat services document it:
 *   POST   /api/chat {message, namespace?, metadata?} → {message, namespace, usage}   (no namespace: a new one)
 *   GET    /api/chat/:namespace                        → {namespace, messages}
 *   DELETE /api/chat/:namespace                        → {namespace, deleted}
 *   GET    /api/approvals                              → {approvals: [{call_id, tool_name, arguments, …}]}
 *   POST   /api/approvals {call_id, approved}          → {call_id, approved}   (tool_approval_response)
 * A chat that needs an approval waits for it (a socket client gets `tool_approval_request`, a REST
 * client polls `/api/approvals`); no answer within the time limit counts as a denial.
 *
 * And the seed listener-event service, `POST /events/message`: a chat bridge (Slack, Discord, …) posts
 * what a person wrote; the assistant answers as the token's user, in a conversation per provider and
 * channel. The answer carries the Google sign-in URL when the mail tools need a sign-in, or the
 * sign-out URL when the person asked to sign out (then the assistant is not asked at all).
 *   {provider, channel_id, user_id, content, message_id?, timestamp?} → {reply, login_url, logout_url, provider}
 * `user_id` is the chat platform's id of the person, recorded nowhere: identity comes from the token.
 */
import { z } from 'zod';
import { endpoint, type Endpoint } from '../endpoint';
import { PluginError } from '../errors';
import type { MailService } from '../email/service';
import { callIdSchema, type ApprovalBroker } from './approvals';
import type { Assistant } from './chat';
import { newNamespace, type ConversationStore } from './history';

export interface AssistantApiDeps {
  assistant: Assistant;
  history: ConversationStore;
  approvals: ApprovalBroker;
  mail: MailService;
}

const chatBody = z.object({
  message: z.string().min(1, 'message must not be empty').max(20_000),
  // null as absent: a serialised `Option` that is `None`.
  namespace: z.string().max(64).nullish(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const approvalBody = z.object({ call_id: callIdSchema, approved: z.boolean() });

const listenerEvent = z.object({
  provider: z.string().min(1).max(40),
  channel_id: z.string().min(1).max(200),
  user_id: z.string().min(1).max(200),
  content: z.string().min(1).max(20_000),
  message_id: z.string().max(200).optional(),
  timestamp: z.union([z.string().max(64), z.number()]).optional(),
});

const byNamespace = z.object({ namespace: z.string() });

const SIGN_OUT = /\b(sign|log)(\s*-?\s*|\s+me\s+)out\b/i;

/** One conversation per provider and channel, as a valid namespace. */
function eventNamespace(provider: string, channel: string): string {
  const clean = (value: string) => value.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `ev:${clean(provider)}:${clean(channel)}`.slice(0, 64);
}

/**
 * A user's answer to a pending tool approval (`POST /api/approvals` and the socket's
 * `tool_approval_response`): 404 when no such request waits.
 */
export function answerApproval(approvals: ApprovalBroker, userId: string, answer: z.infer<typeof approvalBody>): { call_id: string; approved: boolean } {
  if (!approvals.respond(userId, answer.call_id, answer.approved)) throw new PluginError('NOT_FOUND', `No pending approval ${answer.call_id}.`);
  return answer;
}

export function assistantEndpoints(deps: AssistantApiDeps): Endpoint[] {
  const { assistant, history, approvals, mail } = deps;
  return [
    endpoint({
      method: 'POST',
      path: '/api/chat',
      body: chatBody,
      async handle({ body, caller, signal }) {
        // A client that hangs up stops the turn (and any approval it waits for).
        // Without a namespace, a new conversation (as the chat gateway document says); `default` is the panel's.
        const result = await assistant.chat(caller.userId, body.namespace ?? newNamespace(), body.message, { signal });
        // Conversations are kept as the Messages API holds them: there is no place for metadata.
        const ignored = body.metadata && Object.keys(body.metadata).length > 0 ? { ignored: { metadata: 'messages are kept as the model sees them; metadata is not stored' } } : {};
        return { json: { message: result.message, namespace: result.namespace, usage: result.usage, ...ignored } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/chat/:namespace',
      params: byNamespace,
      handle({ params, caller }) {
        return { json: { namespace: params.namespace, messages: history.get(caller.userId, params.namespace) } };
      },
    }),
    endpoint({
      method: 'DELETE',
      path: '/api/chat/:namespace',
      params: byNamespace,
      async handle({ params, caller }) {
        return { json: { namespace: params.namespace, deleted: await history.clear(caller.userId, params.namespace) } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/approvals',
      handle({ caller }) {
        return { json: { approvals: approvals.pendingFor(caller.userId) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/approvals',
      body: approvalBody,
      handle({ body, caller }) {
        return { json: answerApproval(approvals, caller.userId, body) };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/events/message',
      body: listenerEvent,
      async handle({ body, caller }) {
        const userId = caller.userId;
        const account = mail.account(userId);
        const answer = (reply: string, urls: { login_url?: string | null; logout_url?: string | null } = {}) => ({
          json: { reply, login_url: urls.login_url ?? null, logout_url: urls.logout_url ?? null, provider: body.provider },
        });
        if (SIGN_OUT.test(body.content)) {
          if (account.provider !== 'gmail' || !account.signedIn) return answer('You are not signed in to Google.');
          return answer('Open the link to sign out of Google.', { logout_url: mail.logoutUrl() });
        }
        const urls = { login_url: account.provider === 'gmail' && !account.signedIn ? mail.loginUrl(userId) : null, logout_url: null as string | null };
        if (!assistant.configured) {
          return answer('The assistant is off: the server needs ANTHROPIC_API_KEY (or A2UI_AI_PROVIDERS).', urls);
        }
        const result = await assistant.chat(userId, eventNamespace(body.provider, body.channel_id), body.content, {
          // The sign-in tools' links ("log me in to Gmail") go into the reply's own fields.
          onToolResult: (_tool, value) => {
            const { login_url, logout_url } = (value ?? {}) as { login_url?: unknown; logout_url?: unknown };
            if (typeof login_url === 'string') urls.login_url = login_url;
            if (typeof logout_url === 'string') urls.logout_url = logout_url;
          },
        });
        return answer(result.message, urls);
      },
    }),
  ];
}
