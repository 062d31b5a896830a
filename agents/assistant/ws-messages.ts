/**
 * The chat gateway document's streaming conversation, on the raw WebSocket (`/ws`, the same endpoint
 * as the agent messages: the two message sets share only `ping`/`pong` and `error`, which mean the
 * same in both):
 *
 *   → {type: "chat", message, namespace?, model?, agent?}
 *   ← {type: "text_delta", content}                        the reply as it streams (each model round's text)
 *   ← {type: "tool_approval_request", call_id, tool_name, arguments, expires_at}
 *                                                          a tool of this chat waits for the user
 *   → {type: "tool_approval_response", call_id, approved}  the answer (any of the user's waiting calls)
 *   ← {type: "response", message, namespace, usage, ignored?}  the turn is over; `message` is the final text
 *   ← {type: "error", error, code, request}                the turn (or a message) failed
 *
 * Without `namespace` the chat starts a new conversation (`chat-<hex>`, answered in `response`), as
 * over `POST /api/chat`. `model` and `agent` are accepted and answered in `ignored` with why. A chat
 * stops (and its waiting approvals are cancelled) when the connection closes. The deltas of a turn
 * that failed over to another provider start that model round's text again; `response.message` is
 * what counts.
 */
import { z } from 'zod';
import { socketEvent, type SocketChannel, type SocketEvent } from '../endpoint';
import { answerApproval, approvalBody } from './api';
import type { ApprovalBroker } from './approvals';
import type { Assistant } from './chat';
import { newNamespace } from './history';

/** Why a chat's `model` does not apply. */
const ONE_MODEL_PER_PROVIDER = 'each provider answers with its own configured model (see GET /api/ai/status)';
/** Why a chat's `agent` does not apply. */
const ONE_ASSISTANT = 'one assistant answers every chat';

// Optional fields may come as null (a serialised `Option` that is `None`).
const chatMessage = z
  .object({
    message: z.string().min(1, 'message must not be empty').max(20_000),
    namespace: z.string().max(64).nullish(),
    model: z.string().max(200).nullish(),
    agent: z.string().max(200).nullish(),
  })
  .strict();

export function assistantWsMessages(assistant: Assistant, approvals: ApprovalBroker): SocketEvent[] {
  /** Per connection, aborted when it closes: every chat of the connection stops with it (one cleanup, however many chats). */
  const closings = new WeakMap<SocketChannel, AbortSignal>();
  const closingOf = (channel: SocketChannel): AbortSignal => {
    let signal = closings.get(channel);
    if (!signal) {
      const closed = new AbortController();
      channel.onClose(() => closed.abort());
      closings.set(channel, (signal = closed.signal));
    }
    return signal;
  };
  return [
    socketEvent({
      name: 'chat',
      schema: chatMessage,
      async handle({ message, namespace, model, agent }, channel) {
        let streamed = '';
        const result = await assistant.chat(channel.caller.userId, namespace ?? newNamespace(), message, {
          signal: closingOf(channel),
          onText: (snapshot) => {
            // A new model round (or a provider taking over) starts its text again.
            const delta = snapshot.startsWith(streamed) ? snapshot.slice(streamed.length) : snapshot;
            streamed = snapshot;
            if (delta) channel.emit('text_delta', { content: delta });
          },
          onApproval: ({ call_id, tool_name, arguments: args, expires_at }) => channel.emit('tool_approval_request', { call_id, tool_name, arguments: args, expires_at }),
        });
        const ignored = { ...(model ? { model: ONE_MODEL_PER_PROVIDER } : {}), ...(agent ? { agent: ONE_ASSISTANT } : {}) };
        channel.emit('response', { message: result.message, namespace: result.namespace, usage: result.usage, ...(Object.keys(ignored).length ? { ignored } : {}) });
      },
    }),
    socketEvent({
      name: 'tool_approval_response',
      schema: approvalBody,
      handle(answer, channel) {
        answerApproval(approvals, channel.caller.userId, answer);
      },
    }),
  ];
}
