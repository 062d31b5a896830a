/**
 * The default mailbox: one lowdb file per user (`<data>/mail/mailbox-<user>.json`), created with sample
 * threads on first use. Labels work as Gmail's do (INBOX, UNREAD, SENT): archive removes INBOX, mark
 * read removes UNREAD, a reply joins its thread with SENT, and mail to the mailbox's own address also
 * lands in its inbox, the way a message to yourself does.
 */
import { z } from 'zod';
import { PluginError } from '../errors';
import { displayName, parseAddressList } from './mime';
import type { MailProvider } from './provider';
import type { PersistentStore } from '../types';
import type { ListQuery, MailMessage, MailPage, MailSummary, MailThread, OutgoingMail } from './types';

export interface LocalMessage {
  id: string;
  threadId: string;
  from: string;
  replyTo?: string;
  to: string;
  subject: string;
  /** ISO 8601. */
  date: string;
  body: string;
  labels: string[];
}

export interface LocalMailboxFile {
  version: 1;
  address: string;
  name: string;
  nextId: number;
  messages: LocalMessage[];
}

/** What a mailbox file must hold (checked when it is read). */
export const localMailboxFileSchema: z.ZodType<LocalMailboxFile, unknown> = z.object({
  version: z.literal(1),
  address: z.string(),
  name: z.string(),
  nextId: z.number().int().nonnegative(),
  messages: z.array(
    z.object({
      id: z.string(),
      threadId: z.string(),
      from: z.string(),
      replyTo: z.string().optional(),
      to: z.string(),
      subject: z.string(),
      date: z.string(),
      body: z.string(),
      labels: z.array(z.string()),
    }),
  ),
});

const SNIPPET_LENGTH = 120;

function snippetOf(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET_LENGTH ? `${flat.slice(0, SNIPPET_LENGTH - 1)}…` : flat;
}

/** `is:unread`, `is:read`, `from:x`, `subject:x`, `to:x`, and plain words (all must match). */
function matcher(query: string): (m: LocalMessage) => boolean {
  const terms = query.toLowerCase().split(/\s+/).filter((t) => t !== '');
  return (m) =>
    terms.every((term) => {
      if (term === 'is:unread') return m.labels.includes('UNREAD');
      if (term === 'is:read') return !m.labels.includes('UNREAD');
      const field = /^(from|to|subject):(.+)$/.exec(term);
      if (field) return (m[field[1] as 'from' | 'to' | 'subject'] ?? '').toLowerCase().includes(field[2]!);
      return [m.from, m.to, m.subject, m.body].some((text) => text.toLowerCase().includes(term));
    });
}

/** A conversation's row: its newest inbox message, the thread's count, unread when any message is. */
function summary(newest: LocalMessage, thread: readonly LocalMessage[]): MailSummary {
  return {
    id: newest.id,
    threadId: newest.threadId,
    from: displayName(newest.from),
    subject: newest.subject,
    snippet: snippetOf(newest.body),
    date: newest.date,
    unread: thread.some((m) => m.labels.includes('UNREAD')),
    count: thread.length,
  };
}

function message(m: LocalMessage): MailMessage {
  return {
    id: m.id,
    threadId: m.threadId,
    from: m.from,
    replyTo: m.replyTo ?? m.from,
    to: m.to,
    subject: m.subject,
    date: m.date,
    body: m.body,
    unread: m.labels.includes('UNREAD'),
  };
}

const newestFirst = (a: LocalMessage, b: LocalMessage) => b.date.localeCompare(a.date) || b.id.localeCompare(a.id, 'en', { numeric: true });

export class LocalMailProvider implements MailProvider {
  constructor(private readonly store: PersistentStore<LocalMailboxFile>) {}

  private find(id: string): LocalMessage {
    const found = this.store.data.messages.find((m) => m.id === id);
    if (!found) throw new PluginError('NOT_FOUND', `There is no message ${id} in your mailbox.`);
    return found;
  }

  async list({ query, pageToken, pageSize }: ListQuery): Promise<MailPage> {
    let offset = 0;
    if (pageToken !== null) {
      if (!/^\d{1,7}$/.test(pageToken)) throw new PluginError('INVALID_INPUT', 'The page token is not valid.');
      offset = Number(pageToken);
    }
    const matches = matcher(query);
    // Conversations: the matching inbox messages grouped by thread, each thread at its newest.
    const newest = new Map<string, LocalMessage>();
    for (const m of this.store.data.messages.filter((m) => m.labels.includes('INBOX') && matches(m)).sort(newestFirst)) {
      if (!newest.has(m.threadId)) newest.set(m.threadId, m);
    }
    const rows = [...newest.values()];
    const page = rows.slice(offset, offset + pageSize);
    const next = offset + pageSize < rows.length ? String(offset + pageSize) : null;
    return { messages: page.map((m) => summary(m, this.threadOf(m.threadId))), nextPageToken: next };
  }

  async thread(emailId: string): Promise<MailThread> {
    const anchor = this.find(emailId);
    const messages = this.store.data.messages
      .filter((m) => m.threadId === anchor.threadId)
      .sort((a, b) => -newestFirst(a, b))
      .map(message);
    return { id: anchor.threadId, subject: messages[0]?.subject ?? anchor.subject, messages };
  }

  async send(mail: OutgoingMail): Promise<{ id: string }> {
    const recipients = parseAddressList(mail.to);
    if (!recipients) throw new PluginError('INVALID_INPUT', 'To must be one or more email addresses, separated by commas.');
    const data = this.store.data;
    const original = mail.inReplyTo === null ? null : this.find(mail.inReplyTo);
    const id = `m${data.nextId}`;
    const toSelf = recipients.some((r) => r.address.toLowerCase() === data.address.toLowerCase());
    data.nextId += 1;
    data.messages.push({
      id,
      threadId: original?.threadId ?? `t-${id}`,
      from: `${data.name} <${data.address}>`,
      to: mail.to,
      subject: mail.subject,
      date: new Date().toISOString(),
      body: mail.body,
      labels: toSelf ? ['SENT', 'INBOX', 'UNREAD'] : ['SENT'],
    });
    await this.store.write();
    return { id };
  }

  async archive(emailId: string): Promise<void> {
    await this.removeLabel(emailId, 'INBOX');
  }

  async markRead(emailId: string): Promise<void> {
    await this.removeLabel(emailId, 'UNREAD');
  }

  private threadOf(threadId: string): LocalMessage[] {
    return this.store.data.messages.filter((m) => m.threadId === threadId);
  }

  /** Takes `label` off every message of the conversation holding `emailId`. */
  private async removeLabel(emailId: string, label: string): Promise<void> {
    const thread = this.threadOf(this.find(emailId).threadId).filter((m) => m.labels.includes(label));
    if (thread.length === 0) return;
    for (const m of thread) m.labels = m.labels.filter((l) => l !== label);
    await this.store.write();
  }
}
