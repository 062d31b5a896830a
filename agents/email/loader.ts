/**
 * Loads what a screen shows but the state lacks: the inbox page when the inbox is shown (first visit,
 * after a sign-in, stale after a send), the thread when `/email/thread/:id` is reached by a link, a
 * reload or Back rather than by `open_thread`.
 *
 * Navigation is a global action the plugin never sees, so the view is what notices the gap: it asks
 * here and renders "Loading…" meanwhile. The request is idempotent (one load per user and key at a
 * time) and the result arrives through `host.update` like any background change. A failure is stored
 * in the state (so the view does not ask again in a loop) and shown as an error toast.
 */
import { PluginError } from '../errors';
import type { PluginHost } from '../types';
import type { MailService } from './service';
import { inboxState, type EmailState, type InboxState } from './state';

function messageOf(error: unknown): string {
  if (error instanceof PluginError) return error.message;
  console.error('[email] load failed:', error);
  return 'The mail could not be loaded.';
}

export class MailLoader {
  private readonly inFlight = new Set<string>();
  /** The thread each user's screen wants now: an older answer arriving late is dropped. */
  private readonly wantedThread = new Map<string, string>();

  constructor(
    private readonly service: MailService,
    private readonly hostOf: (userId: string) => PluginHost<EmailState> | undefined,
  ) {}

  /** Loads the inbox page `inbox` points at (the first page when null). */
  requestInbox(userId: string, inbox: InboxState | null): void {
    const query = inbox?.query ?? '';
    const pageTokens = inbox?.pageTokens ?? [null];
    const token = pageTokens.at(-1) ?? null;
    this.once(userId, 'inbox', async (host) => {
      try {
        const page = await this.service.inboxPage(userId, query, token);
        await host.update((s) =>
          // A search or a page turn that happened meanwhile owns the inbox now.
          s.inbox !== null && (!s.inbox.stale || s.inbox.query !== query || s.inbox.pageTokens.at(-1) !== token)
            ? s
            : { ...s, inbox: inboxState(query, pageTokens, page, s.inbox?.rows) },
        );
      } catch (error) {
        const message = messageOf(error);
        await host.update(
          (s) => ({ ...s, inbox: { query, pageTokens, rows: s.inbox?.rows ?? [], nextPageToken: s.inbox?.nextPageToken ?? null, stale: false, error: message } }),
          [{ type: 'toast', variant: 'error', message }],
        );
      }
    });
  }

  requestThread(userId: string, emailId: string): void {
    this.wantedThread.set(userId, emailId);
    this.once(userId, `thread:${emailId}`, async (host) => {
      let thread: EmailState['thread'];
      let toast: string | null = null;
      try {
        const provider = await this.service.providerFor(userId);
        thread = { emailId, thread: await provider.thread(emailId), error: null };
      } catch (error) {
        toast = messageOf(error);
        thread = { emailId, thread: null, error: toast };
      }
      if (this.wantedThread.get(userId) !== emailId) return;
      await host.update((s) => ({ ...s, thread }), toast ? [{ type: 'toast', variant: 'error', message: toast }] : []);
    });
  }

  /** Runs `load` unless the same load for the user is already running. */
  private once(userId: string, key: string, load: (host: PluginHost<EmailState>) => Promise<void>): void {
    const host = this.hostOf(userId);
    const id = `${userId}\u0000${key}`;
    if (!host || this.inFlight.has(id)) return;
    this.inFlight.add(id);
    // Started after the current render: the view that asked is still being built.
    queueMicrotask(() => {
      load(host)
        .catch((error: unknown) => console.error('[email] background load failed:', error))
        .finally(() => this.inFlight.delete(id));
    });
  }
}
