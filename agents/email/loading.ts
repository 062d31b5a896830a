/**
 * Loading what the Email screens show: the inbox page and a thread. `enter` calls these when a view
 * enters a route whose data the user state lacks (the inbox on the first visit or stale after a send,
 * a thread reached by a link, a reload or Back), so views stay pure. A failure is kept in the state
 * (the screen says why, and nothing asks again in a loop) and shown as an error toast.
 */
import { PluginError } from '../errors';
import type { ActionResult, SideEffect } from '../types';
import type { MailService } from './service';
import { inboxState, withThread, type EmailState, type EmailTab } from './state';

function messageOf(error: unknown): string {
  if (error instanceof PluginError) return error.message;
  console.error('[email] load failed:', error);
  return 'The mail could not be loaded.';
}

const errorToast = (message: string): SideEffect => ({ type: 'toast', variant: 'error', message });

/** The inbox page `state.inbox` points at (the first page when there is none), read now. */
export async function loadInbox(service: MailService, userId: string, state: EmailState): Promise<ActionResult<EmailState, EmailTab>> {
  const query = state.inbox?.query ?? '';
  const pageTokens = state.inbox?.pageTokens ?? [null];
  try {
    const page = await service.inboxPage(userId, query, pageTokens.at(-1) ?? null);
    return { state: { ...state, inbox: inboxState(query, pageTokens, page, state.inbox?.rows) } };
  } catch (error) {
    const message = messageOf(error);
    const inbox = { query, pageTokens, rows: state.inbox?.rows ?? [], nextPageToken: state.inbox?.nextPageToken ?? null, stale: false, error: message };
    return { state: { ...state, inbox }, sideEffects: [errorToast(message)] };
  }
}

/** The thread that holds `emailId`, read now and kept under that id. */
export async function loadThread(service: MailService, userId: string, state: EmailState, emailId: string): Promise<ActionResult<EmailState, EmailTab>> {
  try {
    const thread = await (await service.providerFor(userId)).thread(emailId);
    return { state: withThread(state, emailId, { emailId, thread, error: null }) };
  } catch (error) {
    const message = messageOf(error);
    return { state: withThread(state, emailId, { emailId, thread: null, error: message }), sideEffects: [errorToast(message)] };
  }
}
