/**
 * The Email plugin's state for one user. Immutable (changed with immer), so a view piece whose input
 * did not change gets the identical object and its memo returns the identical components.
 */
import { reuseUnchanged } from '../reuse';
import type { MailAccount } from './service';
import type { MailPage, MailSummary, MailThread } from './types';

export interface InboxState {
  query: string;
  /** The page token of every page shown since the last search; the last is the page on screen. */
  pageTokens: (string | null)[];
  rows: readonly MailSummary[];
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

/**
 * The inbox showing `page`, the last of `pageTokens`' pages. Rows of `previous` (the ones on screen)
 * that did not change are kept as the identical objects: their memos then return the identical
 * components, and a reload that brings one new message sends one new row, not the list.
 */
export function inboxState(query: string, pageTokens: (string | null)[], page: MailPage, previous: readonly MailSummary[] = []): InboxState {
  return { query, pageTokens, rows: reuseUnchanged(previous, page.messages, (row) => row.id), nextPageToken: page.nextPageToken, stale: false, error: null };
}
