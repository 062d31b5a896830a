/**
 * The assistant as a panel plugin: beside every screen, its actions accepted on every route. A turn
 * runs in the background (the action answers at once): the reply streams into the panel through
 * `host.update`, tool calls show as they start, approvals appear as dialogs, and the panel shows the
 * stored conversation (`default` namespace, the one `POST /api/chat` continues) when the turn ends.
 */
import { z } from 'zod';
import { PluginError } from '../errors';
import type { Plugin, PluginHost } from '../types';
import type { ApprovalBroker } from './approvals';
import type { Assistant } from './chat';
import { entriesOf, toolLine, withIds, type Entry } from './entries';
import { DEFAULT_NAMESPACE, type ConversationStore } from './history';
import { createAssistantView, type AssistantViewState } from './view';

export type AssistantState = AssistantViewState;

export interface AssistantPluginDeps {
  assistant: Assistant;
  approvals: ApprovalBroker;
  history: ConversationStore;
}

const callId = z.object({ call_id: z.string().min(1).max(200) });
const ACTIONS = {
  assistant_send: z.object({ message: z.string().max(20_000) }),
  assistant_approve: callId,
  assistant_deny: callId,
  /** Sent by renderers whose Modal trigger is an ordinary button; the dialog opens on the client. */
  assistant_review: callId,
  assistant_clear: z.object({}),
};

function appended(entries: readonly Entry[], role: Entry['role'], text: string): Entry[] {
  return withIds([...entries.map(({ role: r, text: t }) => ({ role: r, text: t })), { role, text }]);
}

export function createAssistantPlugin(deps: AssistantPluginDeps): Plugin<AssistantState> {
  const { assistant, approvals, history } = deps;

  /** One background turn; every change reaches the panel through the host. */
  async function runTurn(host: PluginHost<AssistantState>, message: string): Promise<void> {
    try {
      await assistant.chat(host.userId, DEFAULT_NAMESPACE, message, {
        onText: (snapshot) => void host.update((s) => ({ ...s, streaming: snapshot })),
        onToolStart: (name, input) => void host.update((s) => ({ ...s, entries: appended(s.entries, 'tool', `Running ${toolLine(name, input)}`) })),
      });
      await host.update((s) => ({ ...s, busy: false, streaming: '', entries: entriesOf(history.get(host.userId, DEFAULT_NAMESPACE)) }));
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      await host.update((s) => ({ ...s, busy: false, streaming: '', entries: appended(s.entries, 'error', text) }), [{ type: 'toast', variant: 'error', message: `Assistant: ${text}` }]);
    }
  }

  return {
    id: 'assistant',
    title: 'Assistant',
    routes: [],
    panel: true,
    actions: ACTIONS,

    init(host) {
      host.onClose(
        approvals.subscribe((event) => {
          if (event.userId === host.userId) void host.update((s) => ({ ...s, approvals: approvals.pendingFor(host.userId) }));
        }),
      );
      host.onClose(
        history.onChange((userId, namespace) => {
          if (userId !== host.userId || namespace !== DEFAULT_NAMESPACE) return;
          // A turn in progress shows its own progress; its end re-reads the history anyway.
          void host.update((s) => (s.busy ? s : { ...s, entries: entriesOf(history.get(userId, namespace)) }));
        }),
      );
      return {
        configured: assistant.configured,
        entries: entriesOf(history.get(host.userId, DEFAULT_NAMESPACE)),
        streaming: '',
        busy: false,
        approvals: approvals.pendingFor(host.userId),
        formEpoch: 0,
      };
    },

    handle({ state, action, host }) {
      switch (action.name) {
        case 'assistant_send': {
          const message = (action.payload.message as string).trim();
          if (!assistant.configured) throw new PluginError('UPSTREAM_ERROR', 'The assistant is off: set ANTHROPIC_API_KEY (or A2UI_AI_PROVIDERS) and restart.');
          if (!message) throw new PluginError('INVALID_INPUT', 'Type a message first.');
          if (state.busy) throw new PluginError('CONFLICT', 'The assistant is still answering; wait for it to finish.');
          void runTurn(host, message); // never awaited here: its updates queue behind this action
          return { state: { ...state, busy: true, streaming: '', entries: appended(state.entries, 'user', message), formEpoch: state.formEpoch + 1 } };
        }
        case 'assistant_approve':
        case 'assistant_deny': {
          const approved = action.name === 'assistant_approve';
          const id = action.payload.call_id as string;
          const request = approvals.pendingFor(host.userId).find((r) => r.call_id === id);
          if (!request || !approvals.respond(host.userId, id, approved)) {
            throw new PluginError('NOT_FOUND', 'That request is no longer waiting (answered or timed out).');
          }
          return { sideEffects: [{ type: 'toast', variant: approved ? 'success' : 'info', message: `${approved ? 'Approved' : 'Denied'}: ${request.tool_name}` }] };
        }
        case 'assistant_clear': {
          if (state.busy) throw new PluginError('CONFLICT', 'The assistant is still answering; clear after it finishes.');
          void history.clear(host.userId, DEFAULT_NAMESPACE);
          return { state: { ...state, entries: [], streaming: '' } };
        }
        default:
          return {};
      }
    },

    createView: createAssistantView,
    status: () => (assistant.configured ? { status: 'ok' } : { status: 'disabled', detail: 'no AI provider (set ANTHROPIC_API_KEY)' }),
  };
}
