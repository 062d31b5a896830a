/**
 * The assistant as a panel plugin: beside every screen, its actions accepted on every route. A turn
 * runs in the background (the action answers at once): the reply streams into the panel through
 * `host.update`, tool calls show as they start, approvals appear as dialogs, and the panel shows the
 * stored conversation (`default` namespace, the one `POST /api/chat` continues) when the turn ends.
 */
import { z } from 'zod';
import { updateInBackground } from '../background';
import { PluginError } from '../errors';
import { actionsOf, type Plugin, type PluginHost, type SideEffect } from '../types';
import type { AgentApprovalSource } from '../control/agent-approvals';
import { agentIdSchema } from '../control/ids';
import { PERMISSION_DECISIONS } from '../control/permissions';
import { requestIdSchema } from '../control/requests';
import { callIdSchema, type ApprovalBroker } from './approvals';
import type { Assistant } from './chat';
import { appendEntry, entriesOf, toolLine } from './entries';
import { DEFAULT_NAMESPACE, type ConversationStore } from './history';
import { createAssistantView, type AssistantState, type AssistantTab } from './view';

export type { AssistantState, AssistantTab };

export interface AssistantPluginDeps {
  assistant: Assistant;
  approvals: ApprovalBroker;
  history: ConversationStore;
  /** The agents' permission requests, answered from the panel too. */
  agentApprovals?: AgentApprovalSource;
}

const callId = z.object({ call_id: callIdSchema });

export function createAssistantPlugin(deps: AssistantPluginDeps): Plugin<AssistantState, AssistantTab> {
  const { assistant, approvals, history, agentApprovals } = deps;
  const action = actionsOf<AssistantState, AssistantTab>();

  /** One background turn (never awaited: its updates queue behind the action that started it). */
  function runTurn(host: PluginHost<AssistantState>, message: string): void {
    const update = (recipe: (s: AssistantState) => AssistantState, sideEffects?: SideEffect[]) => updateInBackground(host, 'assistant', recipe, sideEffects);
    assistant
      .chat(host.userId, DEFAULT_NAMESPACE, message, {
        onText: (snapshot) => update((s) => ({ ...s, streaming: snapshot })),
        onToolStart: (name, input) => update((s) => ({ ...s, entries: appendEntry(s.entries, 'tool', `Running ${toolLine(name, input)}`) })),
      })
      .then(
        () => update((s) => ({ ...s, busy: false, streaming: '', entries: entriesOf(history.get(host.userId, DEFAULT_NAMESPACE), s.entries) })),
        (error: unknown) => {
          const text = error instanceof Error ? error.message : String(error);
          update((s) => ({ ...s, busy: false, streaming: '', entries: appendEntry(s.entries, 'error', text) }), [{ type: 'toast', variant: 'error', message: `Assistant: ${text}` }]);
        },
      );
  }

  /** Approve or deny a waiting tool call (the panel's dialog buttons). */
  const answer = (approved: boolean) =>
    action(callId, ({ payload, host }) => {
      const request = approvals.pendingFor(host.userId).find((r) => r.call_id === payload.call_id);
      if (!request || !approvals.respond(host.userId, payload.call_id, approved)) {
        throw new PluginError('NOT_FOUND', 'That request is no longer waiting (answered or timed out).');
      }
      return { sideEffects: [{ type: 'toast', variant: approved ? 'success' : 'info', message: `${approved ? 'Approved' : 'Denied'}: ${request.tool_name}` }] };
    });

  return {
    id: 'assistant',
    title: 'Assistant',
    routes: [],
    panel: true,
    actions: {
      assistant_send: action(z.object({ message: z.string().max(20_000) }), ({ state, view, payload, host }) => {
        const message = payload.message.trim();
        assistant.assertConfigured();
        if (!message) throw new PluginError('INVALID_INPUT', 'Type a message first.');
        if (state.busy) throw new PluginError('CONFLICT', 'The assistant is still answering; wait for it to finish.');
        runTurn(host, message);
        return { state: { ...state, busy: true, streaming: '', entries: appendEntry(state.entries, 'user', message) }, view: { formEpoch: view.formEpoch + 1 } };
      }),
      assistant_approve: answer(true),
      assistant_deny: answer(false),
      /** Sent by renderers whose Modal trigger is an ordinary button; the dialog opens on the client. */
      assistant_review: action(callId, () => ({})),
      assistant_agent_permission: action(z.object({ agent_id: agentIdSchema, request_id: requestIdSchema, decision: z.enum(PERMISSION_DECISIONS) }), async ({ state, payload, host }) => {
        if (!agentApprovals) throw new PluginError('NOT_FOUND', 'There are no agent permission requests here.');
        await agentApprovals.answer(host.userId, payload.agent_id, payload.request_id, payload.decision);
        const word = payload.decision === 'deny' ? 'Denied' : payload.decision === 'always' ? 'Always allowed' : 'Approved';
        return {
          state: { ...state, agentApprovals: agentApprovals.pendingFor(host.userId) },
          sideEffects: [{ type: 'toast', variant: payload.decision === 'deny' ? 'info' : 'success', message: `${word}.` }],
        };
      }),
      assistant_clear: action(z.object({}), async ({ state, host }) => {
        if (state.busy) throw new PluginError('CONFLICT', 'The assistant is still answering; clear after it finishes.');
        // Awaited: a failed write is this action's error toast, not an unhandled rejection.
        await history.clear(host.userId, DEFAULT_NAMESPACE);
        return { state: { ...state, entries: [], streaming: '' } };
      }),
    },

    init(host) {
      host.onClose(
        approvals.subscribe((event) => {
          if (event.userId === host.userId) updateInBackground(host, 'assistant', (s) => ({ ...s, approvals: approvals.pendingFor(host.userId) }));
        }),
      );
      if (agentApprovals) {
        host.onClose(agentApprovals.subscribe(host.userId, () => updateInBackground(host, 'assistant', (s) => ({ ...s, agentApprovals: agentApprovals.pendingFor(host.userId) }))));
      }
      host.onClose(
        history.onChange((userId, namespace) => {
          if (userId !== host.userId || namespace !== DEFAULT_NAMESPACE) return;
          // A turn in progress shows its own progress; its end re-reads the history anyway.
          updateInBackground(host, 'assistant', (s) => (s.busy ? s : { ...s, entries: entriesOf(history.get(userId, namespace), s.entries) }));
        }),
      );
      return {
        entries: entriesOf(history.get(host.userId, DEFAULT_NAMESPACE)),
        streaming: '',
        busy: false,
        approvals: approvals.pendingFor(host.userId),
        agentApprovals: agentApprovals?.pendingFor(host.userId) ?? [],
      };
    },
    initView: () => ({ formEpoch: 0 }),
    createView: () => createAssistantView(assistant.configured),
  };
}
