/**
 * Runs a Claude draft in the background after `draft_with_ai` has answered: every chunk replaces the
 * compose body (one small data-model op per chunk), the end says so in a toast, and a failure puts
 * back exactly what the user had typed, with an error toast.
 *
 * The draft is written into the compose form of the tab that asked for it (its view host), above
 * what was typed (for a reply, the quote of the original). A draft belongs to its run: a send, or a
 * newer draft in that tab, makes it stale, and a stale run changes nothing.
 */
import { produce } from 'immer';
import { describeClaudeError } from '../ai/errors';
import { updateInBackground } from '../background';
import { PluginError } from '../errors';
import type { ViewHost } from '../types';
import type { DraftWriter } from './drafts';
import type { EmailTab } from './state';
import type { MailThread } from './types';

/** The body while Claude writes: the draft so far, then what the user had typed. */
export function draftedBody(draft: string, typed: string): string {
  const rest = typed.replace(/^\s+/, '');
  return rest === '' ? draft : `${draft.replace(/\s+$/, '')}\n\n${rest}`;
}

export interface DraftJob {
  userId: string;
  tab: ViewHost<EmailTab>;
  run: number;
  thread: MailThread;
  replyToId: string;
  /** The body as the user left it when they asked for the draft. */
  typedBody: string;
}

/** One running draft per tab (keyed by user and view). */
function keyOf(userId: string, viewId: string): string {
  return `${userId}\u0000${viewId}`;
}

export class DraftRunner {
  private readonly running = new Map<string, { run: number; controller: AbortController; tab: ViewHost<EmailTab> }>();

  constructor(private readonly writer: DraftWriter) {}

  start({ userId, tab, run, thread, replyToId, typedBody }: DraftJob): void {
    const key = keyOf(userId, tab.viewId);
    this.cancel(userId, tab.viewId);
    const controller = new AbortController();
    this.running.set(key, { run, controller, tab });
    const current = () => this.running.get(key)?.run === run;
    const mine = (s: EmailTab) => s.compose.drafting && s.compose.draftRun === run;
    const setBody = (body: string, done: boolean) => (s: EmailTab) =>
      mine(s)
        ? produce(s, (d) => {
            d.compose.body = body;
            if (done) d.compose.drafting = false;
          })
        : s;

    this.writer
      .write({
        userId,
        thread,
        replyToId,
        signal: controller.signal,
        // Not awaited: updates queue in order behind the session's other changes.
        onText: (snapshot) => updateInBackground(tab, 'email', setBody(draftedBody(snapshot, typedBody), false)),
      })
      .then(
        (text) => {
          if (!current()) return;
          this.running.delete(key);
          updateInBackground(tab, 'email', setBody(draftedBody(text, typedBody), true), [
            { type: 'toast', variant: 'success', message: "Claude's draft is in the message: edit it, then press Send." },
          ]);
        },
        (error: unknown) => {
          if (!current()) return; // cancelled by a send or a newer draft, which own the form now
          this.running.delete(key);
          if (!(error instanceof PluginError)) console.error('[email] draft failed:', error);
          const reason = describeClaudeError(error).message;
          updateInBackground(tab, 'email', setBody(typedBody, true), [
            { type: 'toast', variant: 'error', message: `Claude could not write the draft: ${reason} Your text was kept.` },
          ]);
        },
      );
  }

  /**
   * Stops the tab's running draft, if any: its later chunks change nothing, and the form stops saying
   * Claude is writing (unless a newer run owns it by then).
   */
  cancel(userId: string, viewId: string): void {
    const key = keyOf(userId, viewId);
    const running = this.running.get(key);
    if (!running) return;
    this.running.delete(key);
    running.controller.abort();
    const { run, tab } = running;
    updateInBackground(tab, 'email', (s: EmailTab) => (s.compose.drafting && s.compose.draftRun === run ? { ...s, compose: { ...s.compose, drafting: false } } : s));
  }

  /** Stops every draft of the user (they signed out). */
  cancelUser(userId: string): void {
    for (const key of [...this.running.keys()]) if (key.startsWith(`${userId}\u0000`)) this.cancel(userId, key.slice(userId.length + 1));
  }

  close(): void {
    for (const running of this.running.values()) running.controller.abort();
    this.running.clear();
  }
}
