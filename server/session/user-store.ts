/**
 * Where users' records (preferences, each view's last route) survive a restart: one document per user,
 * so one user's data can never stop another's from being saved. A write that fails is logged and
 * shown by `/api/health` (`store`) until a later write succeeds; nothing is lost silently.
 */
import { z } from 'zod';
import type { PersistentStore } from '../../agents/types';
import type { UserRecord } from './user-session';

/** A user record as stored: anything else is not trusted (the user starts with defaults). */
export const userRecordSchema = z.object({
  prefs: z.record(z.string(), z.unknown()),
  views: z.record(z.string(), z.object({ route: z.string().max(2048), used_at: z.number() })),
});

export interface UserSessionStore {
  load(userId: string): Promise<UserRecord | undefined>;
  /** Saves the record (writes coalesce: the latest record wins); settles once written or its failure logged. */
  save(userId: string, record: UserRecord): Promise<void>;
  /** The last failed write's cause, while no later write succeeded. */
  health(): { status: 'ok' } | { status: 'error'; detail: string };
  close(): Promise<void>;
}

/** The user records as documents of the server's store (`<data>/sessions/<user>.json` by default). */
export class DocumentUserStore implements UserSessionStore {
  private readonly documents = new Map<string, Promise<PersistentStore<UserRecord>>>();
  private readonly failures = new Map<string, string>();
  private readonly pending = new Set<Promise<void>>();

  /** `open`: the user's document (`userId` for stores that fence each user's writes). */
  constructor(private readonly open: (name: string, defaults: UserRecord, userId: string) => Promise<PersistentStore<UserRecord>>) {}

  private document(userId: string): Promise<PersistentStore<UserRecord>> {
    let document = this.documents.get(userId);
    if (!document) {
      // User ids are [A-Za-z0-9_.-]{1,64} (auth.ts): a file name, never a path.
      document = this.open(`sessions/${userId}`, { prefs: {}, views: {} }, userId);
      this.documents.set(userId, document);
      document.catch(() => this.documents.delete(userId));
    }
    return document;
  }

  /** The user's record (checked against `userRecordSchema` by the store when read; a new user's is empty). */
  async load(userId: string): Promise<UserRecord> {
    return (await this.document(userId)).data;
  }

  save(userId: string, record: UserRecord): Promise<void> {
    const write = this.document(userId)
      .then((document) => {
        document.data = record;
        return document.write();
      })
      .then(
        () => void this.failures.delete(userId),
        (error: unknown) => {
          const detail = `the session record of ${userId} could not be saved: ${error instanceof Error ? error.message : String(error)}`;
          console.error(`[sessions] ${detail}`);
          this.failures.set(userId, detail);
        },
      );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
    return write;
  }

  health(): { status: 'ok' } | { status: 'error'; detail: string } {
    const first = this.failures.values().next();
    return first.done ? { status: 'ok' } : { status: 'error', detail: first.value };
  }

  async close(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
