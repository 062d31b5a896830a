/**
 * Gmail through googleapis (`users.messages.list/get/modify/send`, `users.threads.get`), for one user
 * whose authorised OAuth2 client the caller passes in. Only the Gmail API module is loaded (the full
 * `googleapis` index takes a second to require).
 *
 * googleapis retries 429 and 5xx by default with backoff; that is turned off here so an action fails
 * within its time budget with a clear toast instead of spending it silently. The OAuth2 client still
 * refreshes an expired access token (and retries once on a 401) by itself.
 */
import { gmail, type gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { PluginError } from '../errors';
import { toMailError } from './gmail-errors';
import { EMAIL_ID_PATTERN } from './ids';
import { platformFetch } from './oauth';
import { buildMessage, decodeEncodedWords, displayName, toBase64Url } from './mime';
import type { MailProvider } from './provider';
import type { ListQuery, MailMessage, MailPage, MailSummary, MailThread, OutgoingMail } from './types';

type GmailAuth = NonNullable<gmail_v1.Options['auth']>;

export interface GmailProviderOptions {
  auth: GmailAuth;
  /** Where the Gmail API lives; tests point it at a local server. */
  rootUrl?: string;
  /** The account's address, for the From header (Gmail fills it in when absent). */
  address: string | null;
  /** Per request. */
  timeoutMs: number;
  /** Called with every failure before it is thrown (the service forgets a revoked grant). */
  onError?(error: unknown): void;
}

const SUMMARY_HEADERS = ['From', 'Subject', 'Date'];
const REPLY_HEADERS = ['Message-ID', 'References', 'Subject'];
/** A thread view shows long mail, not unbounded mail. */
const MAX_BODY_CHARS = 200_000;
const LIST_CONCURRENCY = 8;

type Part = gmail_v1.Schema$MessagePart;
type Message = gmail_v1.Schema$Message;

function header(headers: gmail_v1.Schema$MessagePartHeader[] | undefined, name: string): string {
  const wanted = name.toLowerCase();
  const found = headers?.find((h) => h.name?.toLowerCase() === wanted)?.value;
  return found ? decodeEncodedWords(found) : '';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Gmail's snippets (and HTML bodies) carry HTML entities; shown as text they must be decoded. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function isoDate(dateHeader: string, internalDate: string | null | undefined): string {
  const parsed = new Date(dateHeader);
  if (dateHeader && !Number.isNaN(parsed.getTime())) return parsed.toISOString();
  const internal = Number(internalDate);
  return new Date(Number.isFinite(internal) ? internal : 0).toISOString();
}

function decodePart(part: Part): string {
  const data = part.body?.data;
  if (!data) return '';
  const charset = /charset="?([^";\s]+)"?/i.exec(header(part.headers ?? undefined, 'Content-Type'))?.[1] ?? 'utf-8';
  const bytes = Buffer.from(data, 'base64url');
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function findPart(part: Part | undefined, mimeType: string): Part | undefined {
  if (!part) return undefined;
  if (part.mimeType === mimeType && part.body?.data) return part;
  for (const child of part.parts ?? []) {
    const found = findPart(child, mimeType);
    if (found) return found;
  }
  return undefined;
}

/** Plain text of a message: its text/plain part, else its HTML part with the markup taken out. */
function bodyText(payload: Part | undefined): string {
  const plain = findPart(payload, 'text/plain');
  let text: string;
  if (plain) text = decodePart(plain);
  else {
    const html = findPart(payload, 'text/html');
    text = html
      ? decodeEntities(
          decodePart(html)
            .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
            .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
            .replace(/<[^>]*>/g, ''),
        )
      : '';
  }
  text = text.replace(/\r\n?/g, '\n');
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}\n[…]` : text;
}

function toMessage(m: Message): MailMessage {
  const headers = m.payload?.headers ?? undefined;
  const from = header(headers, 'From');
  return {
    id: m.id ?? '',
    threadId: m.threadId ?? '',
    from,
    replyTo: header(headers, 'Reply-To') || from,
    to: header(headers, 'To'),
    subject: header(headers, 'Subject'),
    date: isoDate(header(headers, 'Date'), m.internalDate),
    body: bodyText(m.payload ?? undefined),
    unread: m.labelIds?.includes('UNREAD') ?? false,
  };
}

/** A conversation's row: its newest inbox message (else its newest), the count, unread when any is. */
function toSummary(messages: readonly Message[]): MailSummary | null {
  const usable = messages.filter((m) => EMAIL_ID_PATTERN.test(m.id ?? ''));
  const byDate = [...usable].sort((a, b) => Number(b.internalDate ?? 0) - Number(a.internalDate ?? 0));
  const m = byDate.find((x) => x.labelIds?.includes('INBOX')) ?? byDate[0];
  if (!m) return null;
  const headers = m.payload?.headers ?? undefined;
  return {
    id: m.id ?? '',
    threadId: m.threadId ?? '',
    from: displayName(header(headers, 'From')) || '(unknown sender)',
    subject: header(headers, 'Subject'),
    snippet: decodeEntities(m.snippet ?? ''),
    date: isoDate(header(headers, 'Date'), m.internalDate),
    unread: usable.some((x) => x.labelIds?.includes('UNREAD')),
    count: usable.length,
  };
}

/** A Gmail API client as every Gmail call here makes it: Node's fetch, no retries, a limit per request. */
export function gmailApi(auth: GmailAuth, rootUrl: string | undefined, timeoutMs: number): gmail_v1.Gmail {
  return gmail({ version: 'v1', auth, rootUrl, retry: false, fetchImplementation: platformFetch, timeout: timeoutMs });
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class GmailMailProvider implements MailProvider {
  private readonly api: gmail_v1.Gmail;

  constructor(private readonly options: GmailProviderOptions) {
    this.api = gmailApi(options.auth, options.rootUrl, options.timeoutMs);
  }

  /** Every Gmail call goes through here: its failure becomes a toast-ready PluginError. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.options.onError?.(error);
      throw toMailError(error);
    }
  }

  async list({ query, pageToken, pageSize }: ListQuery): Promise<MailPage> {
    return this.call(async () => {
      // Conversations, as Gmail's inbox shows them: threads, each read with its messages' headers.
      const listed = await this.api.users.threads.list({
        userId: 'me',
        labelIds: ['INBOX'],
        maxResults: pageSize,
        ...(query ? { q: query } : {}),
        ...(pageToken ? { pageToken } : {}),
      });
      // Ids go into routes and component ids: anything but Gmail's usual shape is left out.
      const ids = (listed.data.threads ?? []).map((t) => t.id ?? '').filter((id) => EMAIL_ID_PATTERN.test(id));
      const rows = await mapLimited(ids, LIST_CONCURRENCY, async (id) => {
        const got = await this.api.users.threads.get({ userId: 'me', id, format: 'metadata', metadataHeaders: SUMMARY_HEADERS });
        return toSummary(got.data.messages ?? []);
      });
      return { messages: rows.filter((row): row is MailSummary => row !== null), nextPageToken: listed.data.nextPageToken ?? null };
    });
  }

  async thread(emailId: string): Promise<MailThread> {
    return this.call(async () => {
      const anchor = await this.api.users.messages.get({ userId: 'me', id: emailId, format: 'minimal' });
      const threadId = anchor.data.threadId;
      if (!threadId) throw new PluginError('UPSTREAM_ERROR', 'Gmail did not say which thread the message belongs to.');
      const thread = await this.api.users.threads.get({ userId: 'me', id: threadId, format: 'full' });
      const messages = (thread.data.messages ?? []).map(toMessage).filter((m) => EMAIL_ID_PATTERN.test(m.id));
      messages.sort((a, b) => a.date.localeCompare(b.date));
      return { id: threadId, subject: messages[0]?.subject ?? '', messages };
    });
  }

  async send(mail: OutgoingMail): Promise<{ id: string }> {
    return this.call(async () => {
      let threadId: string | undefined;
      let inReplyTo: string | null = null;
      let references: string | null = null;
      if (mail.inReplyTo !== null) {
        const original = await this.api.users.messages.get({ userId: 'me', id: mail.inReplyTo, format: 'metadata', metadataHeaders: REPLY_HEADERS });
        threadId = original.data.threadId ?? undefined;
        const headers = original.data.payload?.headers ?? undefined;
        // One line each: a folded header from the original must not fold (or break) ours.
        inReplyTo = header(headers, 'Message-ID').replace(/\s+/g, '') || null;
        references = header(headers, 'References').replace(/\s+/g, ' ').trim() || null;
      }
      // buildMessage refuses control characters in headers and a bad address list (INVALID_INPUT).
      const raw = buildMessage({ from: this.options.address, to: mail.to, subject: mail.subject, body: mail.body, inReplyTo, references });
      const sent = await this.api.users.messages.send({ userId: 'me', requestBody: { raw: toBase64Url(raw), ...(threadId ? { threadId } : {}) } });
      return { id: sent.data.id ?? '' };
    });
  }

  async archive(emailId: string): Promise<void> {
    await this.modifyThread(emailId, 'INBOX');
  }

  async markRead(emailId: string): Promise<void> {
    await this.modifyThread(emailId, 'UNREAD');
  }

  /** Takes `label` off the conversation holding `emailId` (Gmail's archive and read act on threads). */
  private async modifyThread(emailId: string, label: string): Promise<void> {
    await this.call(async () => {
      const anchor = await this.api.users.messages.get({ userId: 'me', id: emailId, format: 'minimal' });
      const threadId = anchor.data.threadId;
      if (!threadId) throw new PluginError('UPSTREAM_ERROR', 'Gmail did not say which thread the message belongs to.');
      await this.api.users.threads.modify({ userId: 'me', id: threadId, requestBody: { removeLabelIds: [label] } });
    });
  }
}
