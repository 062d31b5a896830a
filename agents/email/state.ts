/**
 * The Email plugin's state for one user. Immutable (changed with immer), so a view piece whose input
 * did not change gets the identical object and its memo returns the identical components.
 */
import type { MailAccount } from './service';
import type { MailSummary, MailThread } from './types';

export interface InboxState {
  query: string;
  /** The page token of every page shown since the last search; the last is the page on screen. */
  pageTokens: (string | null)[];
  rows: MailSummary[];
  nextPageToken: string | null;
  /** The rows may be out of date (mail was sent): reloaded when the inbox is shown. */
  stale: boolean;
  error: string | null;
}

export interface ThreadState {
  /** The message the route names (`/email/thread/:id`). */
  emailId: string;
  thread: MailThread | null;
  error: string | null;
}

export interface ComposeState {
  to: string;
  subject: string;
  body: string;
  /** The message this answers; null for a new message. */
  inReplyTo: string | null;
  /** Claude is writing into `body`. */
  drafting: boolean;
  /** Which draft run may still write into `body` (a newer run or a send makes older ones stale). */
  draftRun: number;
}

export interface EmailState {
  account: MailAccount;
  inbox: InboxState | null;
  thread: ThreadState | null;
  compose: ComposeState;
}

export const EMPTY_COMPOSE: ComposeState = { to: '', subject: '', body: '', inReplyTo: null, drafting: false, draftRun: 0 };

export function initialState(account: MailAccount): EmailState {
  return { account, inbox: null, thread: null, compose: EMPTY_COMPOSE };
}

function sameSummary(a: MailSummary, b: MailSummary): boolean {
  return (
    a.id === b.id &&
    a.threadId === b.threadId &&
    a.from === b.from &&
    a.subject === b.subject &&
    a.snippet === b.snippet &&
    a.date === b.date &&
    a.unread === b.unread
  );
}

/**
 * Fresh rows from the provider, reusing the previous object of every row that did not change: the
 * row's memo then returns its identical components, and a reload that brings one new message sends
 * one new row, not the list.
 */
export function reuseRows(previous: readonly MailSummary[] | undefined, fresh: readonly MailSummary[]): MailSummary[] {
  if (!previous?.length) return [...fresh];
  const byId = new Map(previous.map((row) => [row.id, row]));
  return fresh.map((row) => {
    const old = byId.get(row.id);
    return old && sameSummary(old, row) ? old : row;
  });
}
