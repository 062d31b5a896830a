/**
 * The thread screen (`/email/thread/:id`): every message of the thread, oldest first, and the actions
 * on the conversation: Reply (to its latest message), Archive and Mark read (the whole conversation).
 */
import { card, column, event, keyedMemo, labelButton, memo, row, text, type UiNode } from '../../renderer';
import { timeText } from '../time';
import { componentKey } from './ids';
import type { ThreadState } from './state';
import type { MailMessage } from './types';

function messageView(key: string, m: MailMessage, timeZone: string): UiNode {
  const id = `email-msg-${key}`;
  const meta: UiNode[] = [text(`${id}-from`, { text: m.from, variant: 'h5' })];
  if (m.unread) meta.push(text(`${id}-unread`, { text: 'Unread', variant: 'caption', accessibility: { label: 'unread message' } }));
  meta.push(timeText(`${id}-date`, m.date, timeZone));
  return card(id, {
    child: column(`${id}-content`, {
      children: [
        row(`${id}-meta`, { align: 'center', children: meta }),
        text(`${id}-to`, { text: `To: ${m.to}`, variant: 'caption' }),
        text(`${id}-text`, { text: m.body }),
      ],
    }),
  });
}

const backButton = () => labelButton('email-thread-back', 'Back to inbox', event('navigate', { to: '/email/inbox' }), { variant: 'borderless' });

/**
 * The message a Reply answers: the conversation's latest from someone else (a reply continues the
 * conversation where it is, whichever message was opened), else the latest.
 */
export function replyTarget(messages: readonly MailMessage[], ownAddress: string | null): MailMessage | undefined {
  const own = ownAddress?.toLowerCase();
  return [...messages].reverse().find((m) => !own || !m.from.toLowerCase().includes(own)) ?? messages.at(-1);
}

export function createThreadView(): (thread: ThreadState | null, emailId: string, timeZone: string, ownAddress: string | null) => UiNode {
  const message = keyedMemo((key: string, m: MailMessage, timeZone: string) => messageView(key, m, timeZone));
  return memo((state, emailId, timeZone, ownAddress) => {
    if (!state?.thread) {
      const note = state?.error ?? 'Loading the conversation…';
      return column('email-thread', { children: [backButton(), text('email-thread-status', { text: note })] });
    }
    const messages = state.thread.messages.map((m) => message(componentKey(m.id), m, timeZone));
    message.sweep();
    const latest = replyTarget(state.thread.messages, ownAddress)?.id ?? emailId;
    const actions: UiNode[] = [
      labelButton('email-reply', 'Reply', event('reply', { email_id: latest }), { variant: 'primary' }),
      labelButton('email-archive', 'Archive', event('archive', { email_id: emailId })),
    ];
    if (state.thread.messages.some((m) => m.unread)) actions.push(labelButton('email-mark-read', 'Mark read', event('mark_read', { email_id: emailId })));
    return column('email-thread', {
      children: [
        row('email-thread-header', { align: 'center', children: [backButton(), text('email-thread-subject', { text: state.thread.subject || '(no subject)', variant: 'h2' })] }),
        column('email-thread-messages', { children: messages }),
        row('email-thread-actions', { children: actions }),
      ],
    });
  });
}
