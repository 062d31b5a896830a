/**
 * Every user's session: opened on first use (restored from the user's record), one per user however
 * many views they have. Views no client has used for a while are dropped by a periodic sweep, with
 * their frame logs; the user's record (preferences, each view's last route) is kept by the store.
 */
import { PluginError } from '../../agents/errors';
import type { UserSessionStore } from './user-store';
import { UserSession, type SessionDeps } from './user-session';

export interface UsersOptions {
  /** A view without listeners for this long is dropped. */
  viewIdleMs: number;
}

export class Users {
  private readonly open = new Map<string, Promise<UserSession>>();
  private readonly sweeper: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly store: UserSessionStore,
    private readonly deps: Omit<SessionDeps, 'save'>,
    private readonly options: UsersOptions,
  ) {
    this.sweeper = setInterval(() => void this.sweep(Date.now()), Math.max(1000, Math.min(60_000, options.viewIdleMs / 2)));
    this.sweeper.unref();
  }

  /** The session of a user, opened (and restored from its record) on first use. */
  get(userId: string): Promise<UserSession> {
    if (this.closing) return Promise.reject(new PluginError('UNAVAILABLE', 'The server is stopping; reconnect and retry.'));
    let session = this.open.get(userId);
    if (!session) {
      session = this.store.load(userId).then((record) => UserSession.open(userId, record, { ...this.deps, save: (id, next) => this.store.save(id, next) }));
      this.open.set(userId, session);
      session.catch(() => this.open.delete(userId));
    }
    return session;
  }

  /** Drops idle views of every open session; answers how many went. */
  async sweep(now: number): Promise<number> {
    let dropped = 0;
    for (const session of this.open.values()) {
      const opened = await session.catch(() => undefined);
      if (opened) dropped += await opened.sweep(now, this.options.viewIdleMs);
    }
    return dropped;
  }

  /**
   * Closes one user's session after what is queued has run (its lease moved to another process, or
   * this one hands it over): its views and plugin hosts stop; the next `get` opens it again from its
   * record.
   */
  async drop(userId: string): Promise<void> {
    const session = this.open.get(userId);
    if (!session) return;
    this.open.delete(userId);
    const opened = await session.catch(() => undefined);
    await opened?.settled().catch(() => undefined);
    opened?.close();
  }

  /** Runs what is queued, stops every session and waits for the last writes. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    for (const userId of [...this.open.keys()]) await this.drop(userId);
    await this.store.close();
  }
}
