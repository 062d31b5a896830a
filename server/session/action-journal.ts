/**
 * Which actions a user's session has applied, by the id their client gave them (`action_id`): a client
 * that sent an action and lost its answer (its socket dropped, its process died) sends it again with
 * the same id, and an id already applied is answered without running it twice.
 *
 * The session records an id after the action ran and before it answers, so an acknowledged action is
 * always in the journal. One process keeps it in memory (a restart loses the in-memory effects too);
 * several processes keep it in Redis, written only by the user's owner (server/cluster/).
 */
import type { ActionError } from './frame';

/** How an applied action ended: what its answer said, said again to a resend. */
export interface JournalEntry {
  status: 'success' | 'error';
  error?: ActionError;
}

export interface ActionJournal {
  /** How the user's session's action `actionId` ended, when it was applied already. */
  seen(userId: string, actionId: string): JournalEntry | undefined | Promise<JournalEntry | undefined>;
  /** Records that the user's session applied `actionId` (before the action is answered). */
  record(userId: string, actionId: string, entry: JournalEntry): void | Promise<void>;
}

/** The ids kept per user: a client retries its last few actions, not thousands. */
export const JOURNAL_IDS_PER_USER = 4096;

/** The journal of one process. */
export class MemoryActionJournal implements ActionJournal {
  private readonly byUser = new Map<string, Map<string, JournalEntry>>();

  seen(userId: string, actionId: string): JournalEntry | undefined {
    return this.byUser.get(userId)?.get(actionId);
  }

  record(userId: string, actionId: string, entry: JournalEntry): void {
    let ids = this.byUser.get(userId);
    if (!ids) this.byUser.set(userId, (ids = new Map()));
    remember(ids, actionId, entry);
  }
}

/** Adds an id, dropping the oldest past the bound (a Map iterates in insertion order). */
export function remember(ids: Map<string, JournalEntry>, actionId: string, entry: JournalEntry): void {
  ids.set(actionId, entry);
  if (ids.size > JOURNAL_IDS_PER_USER) ids.delete(ids.keys().next().value!);
}
