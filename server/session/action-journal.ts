/**
 * Which actions a user's session has applied, by the id their client gave them (`action_id`): a client
 * that sent an action and lost its answer (its socket dropped, its process died) sends it again with
 * the same id, and an id already applied is answered without running it twice.
 *
 * The session records an id after the action ran and before it answers, so an acknowledged action is
 * always in the journal. One process keeps it in memory (a restart loses the in-memory effects too);
 * several processes keep it in Redis, written only by the user's owner (server/cluster/).
 */
export interface ActionJournal {
  /** Whether the user's session applied `actionId` already. */
  seen(userId: string, actionId: string): boolean | Promise<boolean>;
  /** Records that the user's session applied `actionId` (before the action is answered). */
  record(userId: string, actionId: string): void | Promise<void>;
}

/** The ids kept per user: a client retries its last few actions, not thousands. */
export const JOURNAL_IDS_PER_USER = 4096;

/** The journal of one process. */
export class MemoryActionJournal implements ActionJournal {
  private readonly byUser = new Map<string, Set<string>>();

  seen(userId: string, actionId: string): boolean {
    return this.byUser.get(userId)?.has(actionId) ?? false;
  }

  record(userId: string, actionId: string): void {
    let ids = this.byUser.get(userId);
    if (!ids) this.byUser.set(userId, (ids = new Set()));
    ids.add(actionId);
    // A Set iterates in insertion order: the oldest id goes first.
    if (ids.size > JOURNAL_IDS_PER_USER) ids.delete(ids.values().next().value!);
  }
}
