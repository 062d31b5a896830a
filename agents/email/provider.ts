/**
 * What a mailbox must do for the Email plugin. Two implementations: the local mailbox (a lowdb file
 * per user, the default) and Gmail. A provider belongs to one user; failures are `PluginError`s whose
 * messages are fit for a toast.
 */
import type { ListQuery, MailPage, MailThread, OutgoingMail } from './types';

export interface MailProvider {
  /**
   * One page of the inbox as conversations, newest first, filtered by the query: one summary per
   * thread, of its newest message in the inbox, with the thread's message count.
   */
  list(query: ListQuery): Promise<MailPage>;
  /** The thread that holds the message `emailId`. */
  thread(emailId: string): Promise<MailThread>;
  /** Sends a message (a reply when `inReplyTo` is set); answers the new message's id. */
  send(mail: OutgoingMail): Promise<{ id: string }>;
  /** Takes the conversation holding the message out of the inbox. */
  archive(emailId: string): Promise<void>;
  /** Marks every message of the conversation holding the message read. */
  markRead(emailId: string): Promise<void>;
}
