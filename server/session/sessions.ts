/**
 * All users' sessions: opened on first use, one per user however many tabs they have, and persisted
 * (context, route, version) to `<data>/sessions.json` after every change.
 */
import type { Store } from '../app/store';
import { Session, type PersistedSession, type SessionDeps } from './session';

export interface SessionsFile {
  sessions: Record<string, PersistedSession>;
}

export class Sessions {
  private readonly open = new Map<string, Promise<Session>>();

  constructor(
    private readonly store: Store<SessionsFile>,
    private readonly deps: Omit<SessionDeps, 'persist'>,
  ) {}

  /** The session of a user, opened (and restored from the file) on first use. */
  get(userId: string): Promise<Session> {
    let session = this.open.get(userId);
    if (!session) {
      const persisted = Object.hasOwn(this.store.data.sessions, userId) ? this.store.data.sessions[userId] : undefined;
      session = Session.open(userId, persisted, { ...this.deps, persist: (id, record) => this.persist(id, record) });
      this.open.set(userId, session);
      session.catch(() => this.open.delete(userId));
    }
    return session;
  }

  private persist(userId: string, record: PersistedSession): void {
    this.store.data.sessions[userId] = record;
    this.store.write().catch((error: unknown) => console.error('[sessions] could not write the session file:', error));
  }

  /** Stops every session and waits for the last write. */
  async close(): Promise<void> {
    for (const session of this.open.values()) (await session.catch(() => undefined))?.close();
    this.open.clear();
    await this.store.write();
  }
}
