/**
 * The assistant panel, beside every screen: the conversation (keyed rows, so a new message is one
 * row's adds), the reply streaming in (a Text bound to `/assistant/streaming`: each chunk is one data
 * op), pending approvals (each a Modal showing the tool and its arguments, with Approve and Deny), and
 * the input. Without a provider the panel says how to enable it.
 */
import {
  bind,
  card,
  column,
  event,
  keyedMemo,
  labelButton,
  memo,
  modal,
  row,
  text,
  textField,
  type UiNode,
} from '../../renderer';
import type { PluginView } from '../types';
import type { ApprovalRequest } from './approvals';
import type { Entry } from './entries';

/** The user's conversation in the panel (every tab shows the same one). */
export interface AssistantState {
  entries: readonly Entry[];
  /** The reply of the running turn, whole so far ('' when none). */
  streaming: string;
  busy: boolean;
  approvals: readonly ApprovalRequest[];
}

/** One tab's panel: its message box. */
export interface AssistantTab {
  /** Bumped after a send from this tab: the input binds to a fresh data path, so it starts empty. */
  formEpoch: number;
}

const ROLE_LABEL: Record<Entry['role'], string> = { user: 'You', assistant: 'Assistant', tool: 'Tool', error: 'Error' };

/** Call ids are `approval_<uuid>`: already id-safe, but kept to the id alphabet whatever comes. */
function idPart(value: string): string {
  return value.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 80);
}

function entryRow(key: string, entry: Entry): UiNode {
  return text(`assistant-entry-${key}`, { text: `${ROLE_LABEL[entry.role]}: ${entry.text}`, variant: entry.role === 'tool' ? 'caption' : 'body' });
}

function approvalDialog(key: string, request: ApprovalRequest): UiNode {
  const id = `assistant-approval-${key}`;
  return modal(id, {
    trigger: labelButton(`${id}-open`, `Approve or deny: ${request.tool_name}`, event('assistant_review', { call_id: request.call_id }), { variant: 'primary' }),
    content: column(`${id}-body`, {
      children: [
        text(`${id}-title`, { text: `The assistant wants to run ${request.tool_name}`, variant: 'h4' }),
        text(`${id}-arguments`, { text: JSON.stringify(request.arguments, null, 2) }),
        text(`${id}-expires`, { text: `Counts as denied without an answer by ${request.expires_at}.`, variant: 'caption' }),
        row(`${id}-actions`, {
          children: [
            labelButton(`${id}-approve`, 'Approve', event('assistant_approve', { call_id: request.call_id }), { variant: 'primary' }),
            labelButton(`${id}-deny`, 'Deny', event('assistant_deny', { call_id: request.call_id })),
          ],
        }),
      ],
    }),
  });
}

function offPanel(): UiNode {
  return card('assistant-panel', {
    child: column('assistant-panel-body', {
      children: [
        text('assistant-title', { text: 'Assistant', variant: 'h4' }),
        text('assistant-off', {
          text: 'The assistant is off. Set ANTHROPIC_API_KEY (or A2UI_AI_PROVIDERS for several providers) and restart the server; everything else works without it.',
        }),
      ],
    }),
  });
}

/** `configured`: whether any AI provider is set, which is fixed for the server's life. */
export function createAssistantView(configured: boolean): PluginView<AssistantState, AssistantTab> {
  if (!configured) {
    const root = offPanel(); // built once: the identical node every render
    return () => ({ root });
  }
  const entryView = keyedMemo(entryRow);
  const approvalView = keyedMemo(approvalDialog);

  const history = memo((entries: readonly Entry[]) => {
    const rows = entries.map((entry) => entryView(entry.id, entry));
    entryView.sweep();
    return column('assistant-history', { children: rows });
  });

  const approvals = memo((requests: readonly ApprovalRequest[]) => {
    const dialogs = requests.map((request) => approvalView(idPart(request.call_id), request));
    approvalView.sweep();
    return column('assistant-approvals', { children: dialogs });
  });

  const streaming = memo((busy: boolean) =>
    busy ? [text('assistant-streaming', { text: bind('/assistant/streaming') })] : [],
  );

  const input = memo((epoch: number) => {
    const path = `/assistant/forms/f${epoch}/message`;
    return column('assistant-compose', {
      children: [
        textField('assistant-input', { label: 'Ask the assistant', value: bind(path), variant: 'longText' }),
        row('assistant-actions', {
          children: [
            labelButton('assistant-send', 'Send', event('assistant_send', { message: bind(path) }), {
              variant: 'primary',
              checks: [
                { condition: { call: 'required', args: { value: bind(path) }, returnType: 'boolean' }, message: 'Type a message.' },
                { condition: { call: 'not', args: { value: bind('/assistant/busy') }, returnType: 'boolean' }, message: 'Wait for the answer.' },
              ],
            }),
            labelButton('assistant-clear', 'Clear', event('assistant_clear', {}), { variant: 'borderless' }),
          ],
        }),
      ],
    });
  });

  const panel = memo((h: UiNode, a: UiNode, s: readonly UiNode[], i: UiNode) =>
    card('assistant-panel', {
      child: column('assistant-panel-body', { children: [text('assistant-title', { text: 'Assistant', variant: 'h4' }), h, ...s, a, i] }),
    }),
  );

  const data = memo((streamingText: string, busy: boolean, epoch: number) => ({ streaming: streamingText, busy, forms: { [`f${epoch}`]: { message: '' } } }));

  return (state, tab) => ({
    root: panel(history(state.entries), approvals(state.approvals), streaming(state.busy), input(tab.formEpoch)),
    data: data(state.streaming, state.busy, tab.formEpoch),
  });
}
