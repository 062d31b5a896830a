/**
 * The Email plugin's state for one user. Immutable (changed with immer), so a view piece whose input
 * did not change gets the identical object and its memo returns the identical components.
 */
import { produce } from 'immer';
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

/** The user's mail as the screens show it (every tab shares the inbox and the loaded threads). */
export interface EmailState {
  account: MailAccount;
  inbox: InboxState | null;
  /** Threads loaded for `/email/thread/:id`, by the id the route names; the most recent MAX_THREADS. */
  threads: Readonly<Record<string, ThreadState>>;
}

/** One tab's state: the message it is writing. */
export interface EmailTab {
  compose: ComposeState;
}

/** Threads kept loaded per user (a tab on an older one loads it again when it enters its route). */
const MAX_THREADS = 20;

export const EMPTY_COMPOSE: ComposeState = { to: '', subject: '', body: '', inReplyTo: null, drafting: false, draftRun: 0 };
export const NEW_EMAIL_TAB: EmailTab = { compose: EMPTY_COMPOSE };

export function initialState(account: MailAccount): EmailState {
  return { account, inbox: null, threads: {} };
}

/** `state` with `thread` loaded under `emailId` (the newest; the oldest beyond MAX_THREADS dropped). */
export function withThread(state: EmailState, emailId: string, thread: ThreadState): EmailState {
  const { [emailId]: _old, ...others }: Record<string, ThreadState> = state.threads;
  const ids = Object.keys(others);
  for (const id of ids.slice(0, Math.max(0, ids.length - (MAX_THREADS - 1)))) delete others[id];
  return { ...state, threads: { ...others, [emailId]: thread } };
}

/**
 * The inbox showing `page`, the last of `pageTokens`' pages. Rows of `previous` (the ones on screen)
 * that did not change are kept as the identical objects: their memos then return the identical
 * components, and a reload that brings one new message sends one new row, not the list.
 */
export function inboxState(query: string, pageTokens: (string | null)[], page: MailPage, previous: readonly MailSummary[] = []): InboxState {
  return { query, pageTokens, rows: reuseUnchanged(previous, page.messages, (row) => row.id), nextPageToken: page.nextPageToken, stale: false, error: null };
}

/** The conversation `threadId` read: its inbox row and every loaded copy of its messages. */
export function readConversation(state: EmailState, threadId: string): EmailState {
  return produce(state, (d) => {
    for (const row of d.inbox?.rows ?? []) if (row.threadId === threadId) row.unread = false;
    for (const loaded of Object.values(d.threads)) {
      if (loaded.thread?.id !== threadId) continue;
      for (const message of loaded.thread.messages) message.unread = false;
    }
  });
}

/** The conversation `threadId` out of the inbox: its row goes. */
export function withoutConversation(state: EmailState, threadId: string): EmailState {
  return produce(state, (d) => {
    if (d.inbox) d.inbox.rows = d.inbox.rows.filter((r) => r.threadId !== threadId);
  });
}
