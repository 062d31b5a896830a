/**
 * The assistant's mail and sign-in tools. Reading tools ask the mail service directly; acting tools
 * (reply, archive, mark read) run as the Email plugin's own actions for the user (`actAs`), so the
 * Email screens change exactly as if the user had clicked. Sending asks for the user's approval first.
 *
 * The sign-in tools (`auth_status`, `auth_login`, `auth_logout`) never sign anyone in or out
 * themselves: they answer the link the user opens (a sign-in goes through Google's consent page in the
 * user's browser; a sign-out is the user's own request with their token). A result's `login_url` or
 * `logout_url` is carried into the answer of `POST /events/message` too.
 */
import { z } from 'zod';
import { PluginError } from '../errors';
import type { AssistantTool, ModulePorts } from '../module';
import { MAX_BODY_CHARS as MAX_REPLY_CHARS } from './actions';
import { emailIdSchema } from './ids';
import { replyForm } from './reply';
import type { MailService } from './service';

/** How much of each message's text `mail_get` hands to Claude. */
const MAX_BODY_CHARS = 4_000;
// The ids the Email plugin accepts itself: a tool refuses what its actions would.
const emailId = emailIdSchema.describe('The id of a message, from mail_list');

/** An action's failure becomes the tool's failure, in the action's own words. */
async function act(ports: ModulePorts, userId: string, action: string, payload: Record<string, unknown>): Promise<void> {
  const result = await ports.actAs(userId, 'email', action, payload);
  if (result.status === 'error') throw new PluginError('CONFLICT', result.error?.message ?? `${action} failed`);
}

/** A tool that is one Email action on one message. */
function emailAction(ports: ModulePorts, name: string, action: string, description: string, resultKey: string): AssistantTool<{ email_id: string }> {
  return {
    name,
    description,
    input: z.object({ email_id: emailId }),
    needsApproval: false,
    async run(userId, input) {
      await act(ports, userId, action, { email_id: input.email_id });
      return { [resultKey]: input.email_id };
    },
  };
}

export function mailTools(mail: MailService, ports: ModulePorts): AssistantTool[] {
  const threadOf = async (userId: string, id: string) => (await mail.providerFor(userId)).thread(id);
  return [
    {
      name: 'mail_list',
      description: "List messages in the user's inbox, newest first. `query` filters (words, from:, to:, subject:, is:unread). The Email inbox shows the same search.",
      input: z.object({ query: z.string().max(500).optional(), page_size: z.number().int().min(1).max(25).optional() }),
      needsApproval: false,
      async run(userId, input: { query?: string; page_size?: number }) {
        const provider = await mail.providerFor(userId);
        const page = await provider.list({ query: input.query ?? '', pageToken: null, pageSize: input.page_size ?? 10 });
        // The inbox screen follows the search; its failure does not fail the listing.
        await ports.actAs(userId, 'email', 'search', { query: input.query ?? '' }).catch(() => undefined);
        return { messages: page.messages.map(({ id, from, subject, snippet, date, unread }) => ({ id, from, subject, snippet, date, unread })), more: page.nextPageToken !== null };
      },
    },
    {
      name: 'mail_get',
      description: 'Read the thread that holds a message: every message with sender, date, subject and text.',
      input: z.object({ email_id: emailId }),
      needsApproval: false,
      async run(userId, input: { email_id: string }) {
        const thread = await threadOf(userId, input.email_id);
        return {
          subject: thread.subject,
          messages: thread.messages.map((m) => ({ id: m.id, from: m.from, to: m.to, date: m.date, subject: m.subject, unread: m.unread, body: m.body.slice(0, MAX_BODY_CHARS) })),
        };
      },
    },
    {
      name: 'mail_reply',
      description: 'Send a reply to a message (to its sender, same subject, in its thread).',
      input: z.object({ email_id: emailId, body: z.string().min(1).max(MAX_REPLY_CHARS).describe('The text of the reply') }),
      needsApproval: true,
      async run(userId, input: { email_id: string; body: string }) {
        const thread = await threadOf(userId, input.email_id);
        const message = thread.messages.find((m) => m.id === input.email_id);
        if (!message) throw new PluginError('NOT_FOUND', `No message ${input.email_id}.`);
        const form = replyForm(message, mail.account(userId).email);
        await act(ports, userId, 'send', { to: form.to, subject: form.subject, body: input.body, in_reply_to: input.email_id });
        return { sent: true, to: form.to, subject: form.subject };
      },
    },
    emailAction(ports, 'mail_archive', 'archive', 'Archive a message (take it out of the inbox).', 'archived'),
    emailAction(ports, 'mail_mark_read', 'mark_read', 'Mark a message as read.', 'marked_read'),
  ];
}

/** The sign-in tools: whether the user is signed in to their mail, and the links that sign in and out. */
export function authTools(mail: MailService): AssistantTool[] {
  const none = z.object({});
  return [
    {
      name: 'auth_status',
      description: "Whether the user is signed in to their mail (Gmail: with Google), and as whom.",
      input: none,
      needsApproval: false,
      async run(userId) {
        const account = mail.account(userId);
        return { provider: account.provider, signed_in: account.signedIn, email: account.email };
      },
    },
    {
      name: 'auth_login',
      description: 'The link that signs the user in to Gmail with Google. Give it to the user to open in their browser: nothing is signed in until they do.',
      input: none,
      needsApproval: false,
      async run(userId) {
        const account = mail.account(userId);
        if (account.provider === 'local') return { signed_in: true, login_url: null, note: 'The local mailbox needs no sign-in.' };
        if (account.signedIn) return { signed_in: true, email: account.email, login_url: null };
        return { signed_in: false, login_url: mail.loginUrl(userId) };
      },
    },
    {
      name: 'auth_logout',
      description: 'The link that signs the user out of Gmail (opening it revokes the access and deletes the stored tokens). Give it to the user to open.',
      input: none,
      needsApproval: false,
      async run(userId) {
        const account = mail.account(userId);
        if (account.provider === 'local') return { signed_in: true, logout_url: null, note: 'The local mailbox has no sign-in to end.' };
        if (!account.signedIn) return { signed_in: false, logout_url: null };
        return { signed_in: true, email: account.email, logout_url: mail.logoutUrl() };
      },
    },
  ];
}
