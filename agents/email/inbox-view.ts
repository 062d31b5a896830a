/**
 * The inbox screen: account line, search, one row per conversation (sender and count, subject, the
 * newest message's start, its time, an unread badge), and paging. Rows are keyed by the id of the
 * conversation's newest message (`email-row-<id>`) and memoised per row, so a message
 * archived, read or arriving changes that row only: the list's other rows are the identical objects
 * and the diff sends one children op, not the list.
 */
import { bind, card, column, event, icon, keyedMemo, labelButton, memo, row, text, textField, type UiNode } from '../../renderer';
import { timeText } from '../time';
import { componentKey } from './ids';
import type { MailAccount } from './service';
import type { InboxState } from './state';
import type { MailSummary } from './types';

const SEARCH_POINTER = '/email/search/query';

/**
 * One conversation: sender and message count, an Unread badge, the time of its newest message; the
 * subject; the newest message's start. Unread conversations are in bold (the sender as a heading).
 */
function rowView(key: string, m: MailSummary, timeZone: string): UiNode {
  const id = `email-row-${key}`;
  const top: UiNode[] = [text(`${id}-from`, { text: m.count > 1 ? `${m.from} (${m.count})` : m.from, variant: m.unread ? 'h5' : 'body' })];
  if (m.unread) {
    top.push(
      row(`${id}-unread-badge`, {
        align: 'center',
        accessibility: { label: 'unread conversation' },
        children: [icon(`${id}-unread-icon`, { name: 'mail' }), text(`${id}-unread`, { text: 'Unread', variant: 'caption' })],
      }),
    );
  }
  top.push(timeText(`${id}-date`, m.date, timeZone));
  return card(id, {
    child: row(`${id}-body`, {
      align: 'center',
      children: [
        column(`${id}-main`, {
          weight: 1,
          children: [
            row(`${id}-top`, { align: 'center', children: top }),
            text(`${id}-subject`, { text: m.subject || '(no subject)', ...(m.unread ? { variant: 'h5' as const } : {}) }),
            text(`${id}-snippet`, { text: m.snippet, variant: 'caption' }),
          ],
        }),
        row(`${id}-actions`, {
          align: 'center',
          children: [
            labelButton(`${id}-open`, 'Open', event('open_thread', { email_id: m.id }), { variant: 'primary' }),
            labelButton(`${id}-archive`, 'Archive', event('archive', { email_id: m.id }), { variant: 'borderless' }),
          ],
        }),
      ],
    }),
  });
}

function accountLine(account: MailAccount): UiNode {
  if (account.provider === 'local') {
    return text('email-account', { text: `Local mailbox · ${account.email ?? ''}`, variant: 'caption' });
  }
  return row('email-account', {
    align: 'center',
    children: [
      text('email-account-text', { text: `Gmail · ${account.email ?? 'signed in'}`, variant: 'caption' }),
      labelButton('email-sign-out', 'Sign out', event('sign_out', {}), { variant: 'borderless' }),
    ],
  });
}

function statusLine(inbox: InboxState | null): UiNode | null {
  if (inbox === null) return text('email-inbox-status', { text: 'Loading your mail…' });
  if (inbox.error) return text('email-inbox-status', { text: inbox.error });
  if (inbox.rows.length === 0) return text('email-inbox-status', { text: inbox.query ? `No messages match “${inbox.query}”.` : 'Your inbox is empty.' });
  return null;
}

export function createInboxView(): (inbox: InboxState | null, account: MailAccount, timeZone: string) => UiNode {
  const mailRow = keyedMemo((key: string, m: MailSummary, timeZone: string) => rowView(key, m, timeZone));
  const list = memo((rows: readonly MailSummary[] | undefined, timeZone: string) => {
    const children = (rows ?? []).map((m) => mailRow(componentKey(m.id), m, timeZone));
    mailRow.sweep();
    return column('email-inbox-list', { children });
  });
  const header = memo((account: MailAccount) =>
    row('email-inbox-header', {
      justify: 'spaceBetween',
      align: 'center',
      children: [text('email-inbox-title', { text: 'Inbox', variant: 'h2' }), accountLine(account)],
    }),
  );
  const search = memo(() =>
    row('email-search', {
      align: 'end',
      children: [
        textField('email-search-field', { label: 'Search mail', value: bind(SEARCH_POINTER), weight: 1 }),
        labelButton('email-search-go', 'Search', event('search', { query: bind(SEARCH_POINTER) }), { variant: 'primary' }),
        labelButton('email-refresh', 'Refresh', event('refresh', {})),
        labelButton('email-new', 'New message', event('compose', {})),
      ],
    }),
  );
  const paging = memo((pageNumber: number, hasNext: boolean, query: string) => {
    const children: UiNode[] = [text('email-page-number', { text: `Page ${pageNumber}`, variant: 'caption' })];
    if (pageNumber > 1) children.push(labelButton('email-first-page', 'First page', event('search', { query }), { variant: 'borderless' }));
    if (hasNext) children.push(labelButton('email-next-page', 'Next page', event('next_page', {})));
    return row('email-paging', { align: 'center', children });
  });

  return memo((inbox, account, timeZone) => {
    const children = [header(account), search()];
    const status = statusLine(inbox);
    if (status) children.push(status);
    children.push(list(inbox?.rows, timeZone));
    if (inbox) children.push(paging(inbox.pageTokens.length, inbox.nextPageToken !== null, inbox.query));
    return column('email-inbox', { children });
  });
}
