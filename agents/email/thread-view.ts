/**
 * The thread screen (`/email/thread/:id`): every message of the thread, oldest first, and the actions
 * on the message the route names (the one opened from the inbox): Reply, Archive, Mark read.
 */
import { card, column, event, keyedMemo, labelButton, memo, row, text, type UiNode } from '../../renderer';
import { formatDate } from './format';
import { componentKey } from './ids';
import type { ThreadState } from './state';
import type { MailMessage } from './types';

function messageView(key: string, m: MailMessage, timeZone: string): UiNode {
  const id = `email-msg-${key}`;
  const meta: UiNode[] = [text(`${id}-from`, { text: m.from, variant: 'h5' })];
  if (m.unread) meta.push(text(`${id}-unread`, { text: 'Unread', variant: 'caption', accessibility: { label: 'unread message' } }));
  meta.push(text(`${id}-date`, { text: formatDate(m.date, timeZone), variant: 'caption' }));
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

export function createThreadView(): (thread: ThreadState | null, emailId: string, timeZone: string) => UiNode {
  const message = keyedMemo((key: string, m: MailMessage, timeZone: string) => messageView(key, m, timeZone));
  return memo((state, emailId, timeZone) => {
    if (!state?.thread) {
      const note = state?.error ?? 'Loading the conversation…';
      return column('email-thread', { children: [backButton(), text('email-thread-status', { text: note })] });
    }
    const messages = state.thread.messages.map((m) => message(componentKey(m.id), m, timeZone));
    message.sweep();
    const opened = state.thread.messages.find((m) => m.id === emailId);
    const actions: UiNode[] = [
      labelButton('email-reply', 'Reply', event('reply', { email_id: emailId }), { variant: 'primary' }),
      labelButton('email-archive', 'Archive', event('archive', { email_id: emailId })),
    ];
    if (opened?.unread) actions.push(labelButton('email-mark-read', 'Mark read', event('mark_read', { email_id: emailId })));
    return column('email-thread', {
      children: [
        row('email-thread-header', { align: 'center', children: [backButton(), text('email-thread-subject', { text: state.thread.subject || '(no subject)', variant: 'h2' })] }),
        column('email-thread-messages', { children: messages }),
        row('email-thread-actions', { children: actions }),
      ],
    });
  });
}
