/**
 * The Email card on the dashboard, from the plugin's state: how many conversations on the first
 * inbox page are unread, and the newest three (sender, subject, time). Entering the dashboard loads
 * the inbox when it is not loaded yet, as entering the inbox does.
 */
import { column, keyedMemo, memo, row, text, type UiNode } from '../../renderer';
import { timeText } from '../time';
import type { PluginCard } from '../types';
import { componentKey } from './ids';
import { loadInbox } from './loading';
import type { MailService } from './service';
import type { EmailState, EmailTab, InboxState } from './state';
import type { MailSummary } from './types';

const NEWEST = 3;

/** `3 unread`, or `20+ unread` when the whole first page is unread and more follow. */
export function unreadText(inbox: InboxState): string {
  const unread = inbox.rows.filter((r) => r.unread).length;
  if (unread === 0) return 'No unread mail';
  const more = unread === inbox.rows.length && inbox.nextPageToken !== null ? '+' : '';
  return `${unread}${more} unread`;
}

export function emailCard(service: MailService): PluginCard<EmailState, EmailTab> {
  return {
    createView() {
      const newest = keyedMemo((key: string, m: MailSummary, timeZone: string) =>
        row(`dashboard-card-email-mail-${key}`, {
          align: 'center',
          children: [
            column(`dashboard-card-email-mail-${key}-main`, {
              weight: 1,
              children: [
                text(`dashboard-card-email-mail-${key}-from`, { text: m.from, variant: m.unread ? 'h5' : 'body' }),
                text(`dashboard-card-email-mail-${key}-subject`, { text: m.subject || '(no subject)', variant: 'caption' }),
              ],
            }),
            timeText(`dashboard-card-email-mail-${key}-at`, m.date, timeZone),
          ],
        }),
      );
      const body = memo((signedIn: boolean, inbox: InboxState | null, timeZone: string): UiNode => {
        if (!signedIn) return text('dashboard-card-email-count', { text: 'Sign in with Google to see your mail here.' });
        if (!inbox) return text('dashboard-card-email-count', { text: 'Loading your mail…' });
        const rows = inbox.rows.slice(0, NEWEST).map((m) => newest(componentKey(m.id), m, timeZone));
        newest.sweep();
        return column('dashboard-card-email-summary', {
          children: [text('dashboard-card-email-count', { text: unreadText(inbox), variant: 'h3' }), column('dashboard-card-email-newest', { children: rows })],
        });
      });
      return (state, { context }) => body(state.account.signedIn, state.inbox, context.timezone);
    },
    enter: ({ state, host }) => (!state.account.signedIn || (state.inbox && !state.inbox.stale) ? {} : loadInbox(service, host.userId, state)),
  };
}
