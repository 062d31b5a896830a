/**
 * The mail domain as the plugin sees it, whatever the provider (the local mailbox or Gmail). Dates
 * are ISO 8601 strings so that state stays plain JSON; bodies are plain text.
 */

/** One row of the inbox. */
export interface MailSummary {
  id: string;
  threadId: string;
  /** The sender as shown: the display name, else the address. */
  from: string;
  subject: string;
  snippet: string;
  /** ISO 8601. */
  date: string;
  /** Some message of the conversation is unread. */
  unread: boolean;
  /** Messages in the conversation (1 for a message alone). */
  count: number;
}

/** One message of a thread, with what a reply needs. */
export interface MailMessage {
  id: string;
  threadId: string;
  /** The From header as written, e.g. `Ada Lovelace <ada@example.com>`. */
  from: string;
  /** Where a reply goes: Reply-To when present, else From. */
  replyTo: string;
  to: string;
  subject: string;
  /** ISO 8601. */
  date: string;
  body: string;
  unread: boolean;
}

export interface MailThread {
  id: string;
  subject: string;
  /** Oldest first. */
  messages: MailMessage[];
}

export interface MailPage {
  messages: MailSummary[];
  /** The token of the next page; null on the last page. */
  nextPageToken: string | null;
}

export interface ListQuery {
  /** Search words (the provider's syntax: Gmail's, or words matched in the local mailbox). */
  query: string;
  pageToken: string | null;
  pageSize: number;
}

/** A message to send; `inReplyTo` is the id of the message it answers (then it joins that thread). */
export interface OutgoingMail {
  to: string;
  subject: string;
  body: string;
  inReplyTo: string | null;
}
