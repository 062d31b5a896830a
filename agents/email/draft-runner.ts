/**
 * Runs a Claude draft in the background after `draft_with_ai` has answered: every chunk replaces the
 * compose body (one small data-model op per chunk), the end says so in a toast, and a failure puts
 * back exactly what the user had typed, with an error toast.
 *
 * The draft is written above what was typed (for a reply, the quote of the original). A draft belongs
 * to its run: a send, or a newer draft, makes it stale, and a stale run changes nothing.
 */
import { produce } from 'immer';
import { describeClaudeError } from '../ai/errors';
import { updateInBackground } from '../background';
import { PluginError } from '../errors';
import type { PluginHost } from '../types';
import type { DraftWriter } from './drafts';
import type { EmailState } from './state';
import type { MailThread } from './types';

/** The body while Claude writes: the draft so far, then what the user had typed. */
export function draftedBody(draft: string, typed: string): string {
  const rest = typed.replace(/^\s+/, '');
  return rest === '' ? draft : `${draft.replace(/\s+$/, '')}\n\n${rest}`;
}

export interface DraftJob {
  host: PluginHost<EmailState>;
  run: number;
  thread: MailThread;
  replyToId: string;
  /** The body as the user left it when they asked for the draft. */
  typedBody: string;
}

export class DraftRunner {
  private readonly running = new Map<string, { run: number; controller: AbortController }>();

  constructor(private readonly writer: DraftWriter) {}

  start({ host, run, thread, replyToId, typedBody }: DraftJob): void {
    const userId = host.userId;
    this.cancel(userId);
    const controller = new AbortController();
    this.running.set(userId, { run, controller });
    const current = () => this.running.get(userId)?.run === run;
    const mine = (s: EmailState) => s.compose.drafting && s.compose.draftRun === run;
    const setBody = (body: string, done: boolean) => (s: EmailState) =>
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
        onText: (snapshot) => updateInBackground(host, 'email', setBody(draftedBody(snapshot, typedBody), false)),
      })
      .then(
        (text) => {
          if (!current()) return;
          this.running.delete(userId);
          updateInBackground(host, 'email', setBody(draftedBody(text, typedBody), true), [
            { type: 'toast', variant: 'success', message: "Claude's draft is in the message: edit it, then press Send." },
          ]);
        },
        (error: unknown) => {
          if (!current()) return; // cancelled by a send or a newer draft, which own the form now
          this.running.delete(userId);
          if (!(error instanceof PluginError)) console.error('[email] draft failed:', error);
          const reason = describeClaudeError(error).message;
          updateInBackground(host, 'email', setBody(typedBody, true), [
            { type: 'toast', variant: 'error', message: `Claude could not write the draft: ${reason} Your text was kept.` },
          ]);
        },
      );
  }

  /** Stops the user's running draft, if any; its later chunks change nothing. */
  cancel(userId: string): void {
    const running = this.running.get(userId);
    if (!running) return;
    this.running.delete(userId);
    running.controller.abort();
  }

  close(): void {
    for (const userId of [...this.running.keys()]) this.cancel(userId);
  }
}
