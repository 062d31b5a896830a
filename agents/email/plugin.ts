/**
 * The Email plugin (routes `/email/inbox`, `/email/thread/:id`, `/email/compose`): the user's mailbox
 * (local or Gmail, see service.ts), Google sign-in, and replies drafted by Claude.
 *
 * `handle` does the work an action asks for and answers with the next state and side effects (toasts,
 * navigation, the Google sign-in URL). Work that outlives an action (a draft streaming in, a page
 * loaded for a screen reached by a link, a sign-in finished in another tab) comes back through the
 * user's `host.update`.
 */
import { produce } from 'immer';
import { updateInBackground } from '../background';
import { PluginError } from '../errors';
import type { HandleInput, HandleResult, Plugin, PluginHost, SideEffect } from '../types';
import { EMAIL_ACTIONS, type EmailActionName, type EmailPayload } from './actions';
import { DraftRunner } from './draft-runner';
import { MailLoader } from './loader';
import type { MailProvider } from './provider';
import { replyForm } from './reply';
import type { MailService } from './service';
import { EMPTY_COMPOSE, inboxState, initialState, type EmailState, type ThreadState } from './state';
import type { MailThread } from './types';
import { createEmailView } from './view';

const EMAIL_ROUTES = [
  { state: 'EMAIL_INBOX', path: '/email/inbox' },
  { state: 'EMAIL_THREAD', path: '/email/thread/:id' },
  { state: 'EMAIL_COMPOSE', path: '/email/compose' },
] as const;

type Result = HandleResult<EmailState>;

const toast = (variant: 'success' | 'error' | 'info', message: string): SideEffect => ({ type: 'toast', variant, message });
const navigate = (to: string): SideEffect => ({ type: 'navigate', to });

/** Long user text inside a toast is cut (the toast says what happened, not the whole field). */
function short(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function createEmailPlugin(service: MailService): Plugin<EmailState> {
  const hosts = new Map<string, PluginHost<EmailState>>();
  const loader = new MailLoader(service, (userId) => hosts.get(userId));
  const drafts = service.drafts ? new DraftRunner(service.drafts) : null;
  let draftRuns = 0;
  // A draft streaming when the server stops is aborted rather than left writing into closed sessions.
  if (drafts) service.onClose(() => drafts.close());

  // A sign-in finished in the browser tab Google sent back, or a sign-out: start over with the new
  // account (the inbox reloads when shown).
  service.onAccountChange((userId) => {
    drafts?.cancel(userId);
    const host = hosts.get(userId);
    if (host) updateInBackground(host, 'email', (s) => ({ ...s, account: service.account(userId), inbox: null, thread: null, compose: { ...s.compose, drafting: false } }));
  });

  const mailbox = (userId: string): Promise<MailProvider> => service.providerFor(userId);

  /** `state` with the inbox at the last of `pageTokens`, read now (unchanged rows kept identical). */
  async function withInbox(state: EmailState, userId: string, query: string, pageTokens: (string | null)[]): Promise<EmailState> {
    const page = await service.inboxPage(userId, query, pageTokens.at(-1) ?? null);
    return { ...state, inbox: inboxState(query, pageTokens, page, state.inbox?.rows) };
  }

  /** The thread holding `emailId`: the one on screen when it does, else fetched. */
  async function threadOf(state: EmailState, userId: string, emailId: string): Promise<MailThread> {
    const shown = state.thread?.thread;
    if (shown?.messages.some((m) => m.id === emailId)) return shown;
    return (await mailbox(userId)).thread(emailId);
  }

  const handlers: { [N in EmailActionName]: (input: HandleInput<EmailState, EmailPayload<N>>) => Promise<Result> } = {
    async open_thread({ state, action, host }) {
      const id = action.payload.email_id;
      const thread = await (await mailbox(host.userId)).thread(id);
      return { state: { ...state, thread: { emailId: id, thread, error: null } }, sideEffects: [navigate(`/email/thread/${id}`)] };
    },

    async reply({ state, action, host }) {
      const id = action.payload.email_id;
      const thread = await threadOf(state, host.userId, id);
      const message = thread.messages.find((m) => m.id === id);
      if (!message) throw new PluginError('NOT_FOUND', `There is no message ${id} in that thread.`);
      drafts?.cancel(host.userId);
      return { state: { ...state, compose: replyForm(message, state.account.email) }, sideEffects: [navigate('/email/compose')] };
    },

    async compose({ state, host }) {
      drafts?.cancel(host.userId);
      return { state: { ...state, compose: EMPTY_COMPOSE }, sideEffects: [navigate('/email/compose')] };
    },

    async send({ state, action, host }) {
      const { to, subject, body } = action.payload;
      const inReplyTo = action.payload.in_reply_to ?? null;
      const provider = await mailbox(host.userId);
      await provider.send({ to: to.trim(), subject, body, inReplyTo });
      // Sent: a draft still streaming must not write into the next message.
      drafts?.cancel(host.userId);
      let thread: ThreadState | null = state.thread;
      if (inReplyTo !== null) {
        // The reply is part of its thread now; if the thread cannot be read back, the view reloads it.
        thread = await provider.thread(inReplyTo).then(
          (t): ThreadState => ({ emailId: inReplyTo, thread: t, error: null }),
          () => null,
        );
      }
      return {
        state: {
          ...state,
          thread,
          compose: EMPTY_COMPOSE,
          inbox: state.inbox && { ...state.inbox, stale: true },
        },
        sideEffects: [toast('success', `Sent to ${short(to.trim())}.`), navigate(inReplyTo ? `/email/thread/${inReplyTo}` : '/email/inbox')],
      };
    },

    async archive({ state, action, host, route }) {
      const id = action.payload.email_id;
      await (await mailbox(host.userId)).archive(id);
      const subject = state.inbox?.rows.find((r) => r.id === id)?.subject ?? state.thread?.thread?.messages.find((m) => m.id === id)?.subject;
      const next = produce(state, (d) => {
        if (d.inbox) d.inbox.rows = d.inbox.rows.filter((r) => r.id !== id);
      });
      const effects = [toast('success', subject ? `Archived “${short(subject)}”.` : 'Archived.')];
      if (route.state !== 'EMAIL_INBOX') effects.push(navigate('/email/inbox'));
      return { state: next, sideEffects: effects };
    },

    async mark_read({ state, action, host }) {
      const id = action.payload.email_id;
      await (await mailbox(host.userId)).markRead(id);
      const next = produce(state, (d) => {
        const row = d.inbox?.rows.find((r) => r.id === id);
        if (row) row.unread = false;
        const message = d.thread?.thread?.messages.find((m) => m.id === id);
        if (message) message.unread = false;
      });
      return { state: next, sideEffects: [toast('success', 'Marked as read.')] };
    },

    async search({ state, action, host }) {
      const query = action.payload.query.trim();
      return { state: await withInbox(state, host.userId, query, [null]), sideEffects: [] };
    },

    async next_page({ state, host }) {
      const inbox = state.inbox;
      if (!inbox?.nextPageToken) throw new PluginError('INVALID_INPUT', 'There is no next page.');
      return { state: await withInbox(state, host.userId, inbox.query, [...inbox.pageTokens, inbox.nextPageToken]) };
    },

    async refresh({ state, host }) {
      return { state: await withInbox(state, host.userId, state.inbox?.query ?? '', state.inbox?.pageTokens ?? [null]) };
    },

    async draft_with_ai({ state, action, host, signal }) {
      if (!drafts) throw new PluginError('INVALID_INPUT', 'Drafting with Claude needs ANTHROPIC_API_KEY: set it and restart the server.');
      if (state.compose.drafting) throw new PluginError('CONFLICT', 'Claude is already writing a draft.');
      const id = action.payload.email_id;
      const thread = await threadOf(state, host.userId, id);
      if (!thread.messages.some((m) => m.id === id)) throw new PluginError('NOT_FOUND', `There is no message ${id} in that thread.`);
      // The action already failed with a timeout toast (the thread took too long): start nothing that
      // would stream into a form the user was told is not being drafted.
      if (signal.aborted) throw new PluginError('CONFLICT', 'The draft was not started: loading the thread took too long.');
      const typed = {
        to: action.payload.to ?? state.compose.to,
        subject: action.payload.subject ?? state.compose.subject,
        body: action.payload.body ?? state.compose.body,
      };
      const run = ++draftRuns;
      drafts.start({ host, run, thread, replyToId: id, typedBody: typed.body });
      return {
        state: {
          ...state,
          thread: state.thread?.thread === thread ? state.thread : { emailId: id, thread, error: null },
          compose: { ...typed, inReplyTo: id, drafting: true, draftRun: run },
        },
      };
    },

    async sign_in({ host }) {
      if (service.kind !== 'gmail') throw new PluginError('INVALID_INPUT', 'Sign-in with Google is only used when MAIL_PROVIDER is gmail.');
      return {
        sideEffects: [{ type: 'open_url', url: service.loginUrl(host.userId) }, toast('info', 'Finish signing in with Google in the new tab.')],
      };
    },

    async sign_out({ state, host }) {
      if (service.kind !== 'gmail') throw new PluginError('INVALID_INPUT', 'Sign-out is only used when MAIL_PROVIDER is gmail.');
      drafts?.cancel(host.userId);
      await service.signOut(host.userId);
      return {
        state: { ...state, account: service.account(host.userId), inbox: null, thread: null, compose: EMPTY_COMPOSE },
        sideEffects: [toast('success', 'Signed out of Google.')],
      };
    },
  };

  return {
    id: 'email',
    title: 'Email',
    nav: { id: 'email', label: 'Email', path: '/email/inbox', description: 'Your mailbox: read, search, reply, and draft replies with Claude.' },
    routes: EMAIL_ROUTES,
    actions: EMAIL_ACTIONS,
    init(host) {
      hosts.set(host.userId, host);
      host.onClose(() => {
        if (hosts.get(host.userId) === host) hosts.delete(host.userId);
      });
      return initialState(service.account(host.userId));
    },
    handle(input) {
      const name = input.action.name;
      const handler = Object.hasOwn(handlers, name) ? (handlers[name as EmailActionName] as (input: HandleInput<EmailState>) => Promise<Result>) : undefined;
      if (!handler) throw new PluginError('INVALID_INPUT', `Unknown email action ${input.action.name}.`);
      return handler(input);
    },
    createView: () => createEmailView(loader, drafts !== null),
    status: () => service.status(),
  };
}
