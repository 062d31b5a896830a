/**
 * The Email plugin (routes `/email/inbox`, `/email/thread/:id`, `/email/compose`): the user's mailbox
 * (local or Gmail, see service.ts), Google sign-in, and replies drafted by Claude.
 *
 * Each action does the work it asks for and answers with the next states and side effects (toasts,
 * navigation, the Google sign-in URL). The inbox and the loaded threads are the user's; the compose
 * form is each tab's. `enter` loads what a route shows when the state lacks it. Work that outlives an
 * action comes back through a host: a draft through its tab's (`tab.update`), a sign-in finished in
 * another browser tab through the user's (`host.update`).
 */
import { produce } from 'immer';
import { updateInBackground } from '../background';
import { PluginError } from '../errors';
import { actionsOf, type Plugin, type PluginHost, type SideEffect } from '../types';
import { EMAIL_ACTIONS, type EmailActionName } from './actions';
import { emailCard } from './card';
import { DraftRunner } from './draft-runner';
import { loadInbox, loadThread } from './loading';
import type { MailProvider } from './provider';
import { replyForm } from './reply';
import type { MailService } from './service';
import { EMPTY_COMPOSE, NEW_EMAIL_TAB, inboxState, initialState, readConversation, withThread, withoutConversation, type EmailState, type EmailTab } from './state';
import type { MailThread } from './types';
import { createEmailView } from './view';

const EMAIL_ROUTES = [
  { state: 'EMAIL_INBOX', path: '/email/inbox' },
  { state: 'EMAIL_THREAD', path: '/email/thread/:id' },
  { state: 'EMAIL_COMPOSE', path: '/email/compose' },
] as const;

const toast = (variant: 'success' | 'error' | 'info', message: string): SideEffect => ({ type: 'toast', variant, message });
const navigate = (to: string): SideEffect => ({ type: 'navigate', to });

/** Long user text inside a toast is cut (the toast says what happened, not the whole field). */
function short(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function createEmailPlugin(service: MailService): Plugin<EmailState, EmailTab> {
  const hosts = new Map<string, PluginHost<EmailState>>();
  const drafts = service.drafts ? new DraftRunner(service.drafts) : null;
  let draftRuns = 0;
  // A draft streaming when the server stops is aborted rather than left writing into closed sessions.
  if (drafts) service.onClose(() => drafts.close());

  // A sign-in finished in the browser tab Google sent back, or a sign-out: start over with the new
  // account, and load its inbox for the tabs that show it.
  service.onAccountChange((userId) => {
    drafts?.cancelUser(userId);
    const host = hosts.get(userId);
    if (!host) return;
    const account = service.account(userId);
    updateInBackground(host, 'email', (s) => ({ ...s, account, inbox: null, threads: {} }));
    if (account.signedIn) {
      void loadInbox(service, userId, initialState(account)).then(({ state, sideEffects }) =>
        updateInBackground(host, 'email', (s) => (s.account === account && s.inbox === null && state ? { ...s, inbox: state.inbox } : s), sideEffects),
      );
    }
  });

  const mailbox = (userId: string): Promise<MailProvider> => service.providerFor(userId);

  /** `state` with the inbox at the last of `pageTokens`, read now (unchanged rows kept identical). */
  async function withInbox(state: EmailState, userId: string, query: string, pageTokens: (string | null)[]): Promise<EmailState> {
    const page = await service.inboxPage(userId, query, pageTokens.at(-1) ?? null);
    return { ...state, inbox: inboxState(query, pageTokens, page, state.inbox?.rows) };
  }

  /** The thread holding `emailId`: a loaded one when it does, else fetched. */
  async function threadOf(state: EmailState, userId: string, emailId: string): Promise<MailThread> {
    for (const loaded of Object.values(state.threads)) if (loaded.thread?.messages.some((m) => m.id === emailId)) return loaded.thread;
    return (await mailbox(userId)).thread(emailId);
  }

  /** Opening a conversation reads it: unread messages are marked read (a failure leaves them unread). */
  async function markOpened(state: EmailState, userId: string, emailId: string, thread: MailThread): Promise<EmailState> {
    if (!thread.messages.some((m) => m.unread)) return state;
    try {
      await (await mailbox(userId)).markRead(emailId);
    } catch (error) {
      console.error('[email] marking an opened conversation read failed:', error);
      return state;
    }
    return readConversation(state, thread.id);
  }

  /** The conversation (thread id) of a message on screen, when known. */
  const threadIdOf = (state: EmailState, emailId: string): string | undefined =>
    state.inbox?.rows.find((r) => r.id === emailId)?.threadId ??
    Object.values(state.threads).find((t) => t.thread?.messages.some((m) => m.id === emailId))?.thread?.id;

  const action = actionsOf<EmailState, EmailTab>();
  const A = EMAIL_ACTIONS;
  const actions = {
    open_thread: action(A.open_thread, async ({ state, payload, host }) => {
      const id = payload.email_id;
      const thread = await (await mailbox(host.userId)).thread(id);
      const opened = withThread(state, id, { emailId: id, thread, error: null });
      return { state: await markOpened(opened, host.userId, id, thread), sideEffects: [navigate(`/email/thread/${id}`)] };
    }),

    reply: action(A.reply, async ({ state, payload, host, tab }) => {
      const id = payload.email_id;
      const thread = await threadOf(state, host.userId, id);
      const message = thread.messages.find((m) => m.id === id);
      if (!message) throw new PluginError('NOT_FOUND', `There is no message ${id} in that thread.`);
      drafts?.cancel(host.userId, tab.viewId);
      return { view: { compose: replyForm(message, state.account.email) }, sideEffects: [navigate('/email/compose')] };
    }),

    compose: action(A.compose, ({ host, tab }) => {
      drafts?.cancel(host.userId, tab.viewId);
      return { view: { compose: EMPTY_COMPOSE }, sideEffects: [navigate('/email/compose')] };
    }),

    send: action(A.send, async ({ state, payload, host, tab }) => {
      const { to, subject, body } = payload;
      const inReplyTo = payload.in_reply_to ?? null;
      const provider = await mailbox(host.userId);
      await provider.send({ to: to.trim(), subject, body, inReplyTo });
      // Sent: a draft still streaming must not write into the next message.
      drafts?.cancel(host.userId, tab.viewId);
      // Mail to yourself lands in the inbox: every tab that shows it gets the new row now; should the
      // reload fail, the inbox is reloaded when a view next enters it.
      const inbox = state.inbox && (await withInbox(state, host.userId, state.inbox.query, state.inbox.pageTokens).then((s) => s.inbox, () => ({ ...state.inbox!, stale: true })));
      let next: EmailState = { ...state, inbox };
      if (inReplyTo !== null) {
        // The reply is part of its thread now; if the thread cannot be read back, the route loads it.
        const thread = await provider.thread(inReplyTo).catch(() => null);
        const { [inReplyTo]: _old, ...others } = next.threads;
        next = thread ? withThread(next, inReplyTo, { emailId: inReplyTo, thread, error: null }) : { ...next, threads: others };
      }
      return {
        state: next,
        view: { compose: EMPTY_COMPOSE },
        sideEffects: [toast('success', `Sent to ${short(to.trim())}.`), navigate(inReplyTo ? `/email/thread/${inReplyTo}` : '/email/inbox')],
      };
    }),

    archive: action(A.archive, async ({ state, payload, host, route }) => {
      const id = payload.email_id;
      await (await mailbox(host.userId)).archive(id);
      const subject =
        state.inbox?.rows.find((r) => r.id === id)?.subject ?? Object.values(state.threads).flatMap((t) => t.thread?.messages ?? []).find((m) => m.id === id)?.subject;
      const threadId = threadIdOf(state, id);
      const next = threadId
        ? withoutConversation(state, threadId)
        : produce(state, (d) => {
            if (d.inbox) d.inbox.rows = d.inbox.rows.filter((r) => r.id !== id);
          });
      const effects = [toast('success', subject ? `Archived “${short(subject)}”.` : 'Archived.')];
      if (route.state !== 'EMAIL_INBOX') effects.push(navigate('/email/inbox'));
      return { state: next, sideEffects: effects };
    }),

    mark_read: action(A.mark_read, async ({ state, payload, host }) => {
      const id = payload.email_id;
      await (await mailbox(host.userId)).markRead(id);
      const threadId = threadIdOf(state, id);
      const next = threadId
        ? readConversation(state, threadId)
        : produce(state, (d) => {
            const row = d.inbox?.rows.find((r) => r.id === id);
            if (row) row.unread = false;
          });
      return { state: next, sideEffects: [toast('success', 'Marked as read.')] };
    }),

    search: action(A.search, async ({ state, payload, host }) => ({ state: await withInbox(state, host.userId, payload.query.trim(), [null]) })),

    next_page: action(A.next_page, async ({ state, host }) => {
      const inbox = state.inbox;
      if (!inbox?.nextPageToken) throw new PluginError('INVALID_INPUT', 'There is no next page.');
      return { state: await withInbox(state, host.userId, inbox.query, [...inbox.pageTokens, inbox.nextPageToken]) };
    }),

    refresh: action(A.refresh, async ({ state, host }) => ({ state: await withInbox(state, host.userId, state.inbox?.query ?? '', state.inbox?.pageTokens ?? [null]) })),

    draft_with_ai: action(A.draft_with_ai, async ({ state, view, payload, host, tab, signal }) => {
      if (!drafts) throw new PluginError('INVALID_INPUT', 'Drafting with Claude needs ANTHROPIC_API_KEY: set it and restart the server.');
      if (view.compose.drafting) throw new PluginError('CONFLICT', 'Claude is already writing a draft.');
      const id = payload.email_id;
      const thread = await threadOf(state, host.userId, id);
      if (!thread.messages.some((m) => m.id === id)) throw new PluginError('NOT_FOUND', `There is no message ${id} in that thread.`);
      // The action already failed with a timeout toast (the thread took too long): start nothing that
      // would stream into a form the user was told is not being drafted.
      if (signal.aborted) throw new PluginError('CONFLICT', 'The draft was not started: loading the thread took too long.');
      const typed = { to: payload.to ?? view.compose.to, subject: payload.subject ?? view.compose.subject, body: payload.body ?? view.compose.body };
      const run = ++draftRuns;
      drafts.start({ userId: host.userId, tab, run, thread, replyToId: id, typedBody: typed.body });
      return { view: { compose: { ...typed, inReplyTo: id, drafting: true, draftRun: run } } };
    }),

    sign_in: action(A.sign_in, ({ host }) => {
      if (service.kind !== 'gmail') throw new PluginError('INVALID_INPUT', 'Sign-in with Google is only used when MAIL_PROVIDER is gmail.');
      return { sideEffects: [{ type: 'open_url', url: service.loginUrl(host.userId) }, toast('info', 'Finish signing in with Google in the new tab.')] };
    }),

    sign_out: action(A.sign_out, async ({ state, host }) => {
      if (service.kind !== 'gmail') throw new PluginError('INVALID_INPUT', 'Sign-out is only used when MAIL_PROVIDER is gmail.');
      drafts?.cancelUser(host.userId);
      await service.signOut(host.userId);
      return {
        state: { ...state, account: service.account(host.userId), inbox: null, threads: {} },
        view: { compose: EMPTY_COMPOSE },
        sideEffects: [toast('success', 'Signed out of Google.')],
      };
    }),
  } satisfies Record<EmailActionName, unknown>;

  return {
    id: 'email',
    title: 'Email',
    nav: { id: 'email', label: 'Email', path: '/email/inbox', description: 'Your mailbox: read, search, reply, and draft replies with Claude.', icon: 'mail' },
    routes: EMAIL_ROUTES,
    card: emailCard(service),
    actions,
    init(host) {
      hosts.set(host.userId, host);
      host.onClose(() => {
        if (hosts.get(host.userId) === host) hosts.delete(host.userId);
      });
      return initialState(service.account(host.userId));
    },
    initView: () => NEW_EMAIL_TAB,
    /** Loads what the route shows when the user state lacks it (see loading.ts). */
    async enter({ state, route, host }) {
      if (!state.account.signedIn) return {};
      if (route.state === 'EMAIL_THREAD') {
        const id = route.params.id ?? '';
        if (state.threads[id]?.thread) return {};
        const loaded = await loadThread(service, host.userId, state, id);
        const thread = loaded.state?.threads[id]?.thread;
        return thread ? { ...loaded, state: await markOpened(loaded.state!, host.userId, id, thread) } : loaded;
      }
      if (route.state === 'EMAIL_INBOX') return state.inbox && !state.inbox.stale ? {} : loadInbox(service, host.userId, state);
      return {};
    },
    createView: () => createEmailView(drafts !== null),
  };
}
