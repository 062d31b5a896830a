/**
 * The assistant over HTTP, as the seed chat services document it:
 *   POST   /api/chat {message, namespace?, metadata?} → {message, namespace, usage}
 *   GET    /api/chat/:namespace                        → {namespace, messages}
 *   DELETE /api/chat/:namespace                        → {namespace, deleted}
 *   GET    /api/approvals                              → {approvals: [{call_id, tool_name, arguments, …}]}
 *   POST   /api/approvals {call_id, approved}          → {call_id, approved}   (tool_approval_response)
 *   GET    /api/ai/status                              → providers, cooldowns, the one in use
 * A chat that needs an approval waits for it (a socket.io client gets `tool_approval_request`, a REST
 * client polls `/api/approvals`); no answer within the time limit counts as a denial.
 */
import express from 'express';
import { z } from 'zod';
import { callIdSchema, type ApprovalBroker } from '../../agents/assistant/approvals';
import type { Assistant } from '../../agents/assistant/chat';
import { DEFAULT_NAMESPACE, type ConversationStore } from '../../agents/assistant/history';
import type { ProviderPool } from '../../agents/ai/providers';
import { identityOf, parseJsonBody, requireJson } from '../transport/http';
import { ApiError, parseInput } from '../transport/errors';

export interface ChatRouteDeps {
  assistant: Assistant;
  history: ConversationStore;
  approvals: ApprovalBroker;
  pool: ProviderPool;
}

const chatBody = z.object({
  message: z.string().min(1, 'message must not be empty').max(20_000),
  namespace: z.string().max(64).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const approvalBody = z.object({ call_id: callIdSchema, approved: z.boolean() });

/**
 * A user's answer to a pending tool approval (`POST /api/approvals` and the socket's
 * `tool_approval_response`): 400 INVALID_INPUT for a malformed one, 404 when no such request waits.
 */
export function answerApproval(approvals: ApprovalBroker, userId: string, raw: unknown): { call_id: string; approved: boolean } {
  const { call_id, approved } = parseInput(approvalBody, raw);
  if (!approvals.respond(userId, call_id, approved)) throw new ApiError('NOT_FOUND', `No pending approval ${call_id}.`);
  return { call_id, approved };
}

/** Routes mounted at `/api` (they span /chat, /approvals and /ai). */
export function chatRoutes(deps: ChatRouteDeps): express.Router {
  const router = express.Router();

  router.post('/chat', async (req, res) => {
    const body = parseJsonBody(chatBody, req);
    const controller = new AbortController();
    // A client that hangs up stops the turn (and any approval it waits for).
    res.on('close', () => {
      if (!res.writableEnded) controller.abort();
    });
    const result = await deps.assistant.chat(identityOf(res).userId, body.namespace ?? DEFAULT_NAMESPACE, body.message, { signal: controller.signal });
    res.json({ message: result.message, namespace: result.namespace, usage: result.usage });
  });

  router.get('/chat/:namespace', (req, res) => {
    const namespace = String(req.params.namespace);
    res.json({ namespace, messages: deps.history.get(identityOf(res).userId, namespace) });
  });

  router.delete('/chat/:namespace', async (req, res) => {
    const namespace = String(req.params.namespace);
    res.json({ namespace, deleted: await deps.history.clear(identityOf(res).userId, namespace) });
  });

  router.get('/approvals', (_req, res) => {
    res.json({ approvals: deps.approvals.pendingFor(identityOf(res).userId) });
  });

  router.post('/approvals', (req, res) => {
    requireJson(req);
    res.json(answerApproval(deps.approvals, identityOf(res).userId, req.body));
  });

  router.get('/ai/status', (_req, res) => {
    res.json(deps.pool.status());
  });

  return router;
}
