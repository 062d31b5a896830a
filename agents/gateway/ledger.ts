/**
 * What the models cost: every answer's tokens and price, summed per agent session, per worktree, per
 * user and per provider, and persisted (`<data>/gateway-usage.json`), at most once a second and at
 * shutdown: a file write per answer would cost more than the answer's whole relay. The latest answers are also kept in memory for the Models
 * screen. Bounded: the newest `sessionsKept` sessions keep their own totals (the user's and the
 * worktree's totals keep counting).
 */
import { z } from 'zod';
import { Listeners } from '../listeners';
import type { PersistentStore } from '../types';
import type { SessionRef } from './grants';
import type { TokenUsage } from './usage';

const totalsShape = {
  requests: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_read_tokens: z.number(),
  cache_write_tokens: z.number(),
  cost_usd: z.number(),
  /** Answers from models without a price: their tokens count, their cost is unknown. */
  unpriced_requests: z.number(),
};
const totalsSchema = z.object(totalsShape);
export type UsageTotals = z.infer<typeof totalsSchema>;

const sessionTotalsSchema = z.object({ ...totalsShape, user_id: z.string(), agent_id: z.string(), worktree: z.string().nullable(), updated_at: z.string() });
export type SessionTotals = z.infer<typeof sessionTotalsSchema>;

export const usageFileSchema = z.object({
  users: z.record(z.string(), totalsSchema),
  sessions: z.record(z.string(), sessionTotalsSchema),
  worktrees: z.record(z.string(), totalsSchema),
  providers: z.record(z.string(), totalsSchema),
});
export type UsageFile = z.infer<typeof usageFileSchema>;

export const EMPTY_USAGE_FILE: UsageFile = { users: {}, sessions: {}, worktrees: {}, providers: {} };

/** One answer's usage. */
export interface UsageEntry {
  at: string;
  /** Null for the product's own calls made for no one in particular. */
  userId: string | null;
  session?: SessionRef;
  provider: string;
  model: string;
  usage: TokenUsage;
  costUsd: number | null;
}

export function emptyTotals(): UsageTotals {
  return { requests: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, cost_usd: 0, unpriced_requests: 0 };
}

function add<T extends UsageTotals>(totals: T, entry: UsageEntry): T {
  return {
    ...totals,
    requests: totals.requests + 1,
    input_tokens: totals.input_tokens + entry.usage.input,
    output_tokens: totals.output_tokens + entry.usage.output,
    cache_read_tokens: totals.cache_read_tokens + entry.usage.cacheRead,
    cache_write_tokens: totals.cache_write_tokens + entry.usage.cacheWrite,
    cost_usd: Math.round((totals.cost_usd + (entry.costUsd ?? 0)) * 1e6) / 1e6,
    unpriced_requests: totals.unpriced_requests + (entry.costUsd === null ? 1 : 0),
  };
}

const RECENT_KEPT = 50;
const WRITE_EVERY_MS = 1000;

export class UsageLedger {
  private readonly recentEntries: UsageEntry[] = [];
  private readonly changes = new Listeners<[UsageEntry]>('gateway');
  private sessionCount: number;
  private pendingWrite: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: PersistentStore<UsageFile>,
    private readonly sessionsKept = 2000,
  ) {
    this.sessionCount = Object.keys(store.data.sessions).length;
  }

  record(entry: UsageEntry): void {
    const data = this.store.data;
    if (entry.userId !== null) data.users[entry.userId] = add(data.users[entry.userId] ?? emptyTotals(), entry);
    data.providers[entry.provider] = add(data.providers[entry.provider] ?? emptyTotals(), entry);
    const session = entry.session;
    if (session) {
      const known = Object.hasOwn(data.sessions, session.sessionId);
      if (!known) this.sessionCount++;
      const previous = known ? data.sessions[session.sessionId]! : { ...emptyTotals(), user_id: session.userId, agent_id: session.agentId, worktree: session.worktree, updated_at: entry.at };
      // Deleted and set again, so the object's key order is the order of use (the oldest go first).
      delete data.sessions[session.sessionId];
      data.sessions[session.sessionId] = { ...add(previous, entry), updated_at: entry.at };
      if (session.worktree) data.worktrees[session.worktree] = add(data.worktrees[session.worktree] ?? emptyTotals(), entry);
      this.prune();
    }
    this.recentEntries.push(entry);
    if (this.recentEntries.length > RECENT_KEPT) this.recentEntries.shift();
    this.pendingWrite ??= setTimeout(() => void this.flush(), WRITE_EVERY_MS).unref();
    this.changes.emit(entry);
  }

  /** Writes what was counted since the last write (the server stopping calls it too). */
  async flush(): Promise<void> {
    clearTimeout(this.pendingWrite);
    this.pendingWrite = undefined;
    await this.store.write().catch((error: unknown) => console.error('[gateway] could not write the usage file:', error));
  }

  forSession(sessionId: string): SessionTotals | undefined {
    return Object.hasOwn(this.store.data.sessions, sessionId) ? this.store.data.sessions[sessionId] : undefined;
  }

  forUser(userId: string): UsageTotals {
    return Object.hasOwn(this.store.data.users, userId) ? this.store.data.users[userId]! : emptyTotals();
  }

  forWorktree(worktree: string): UsageTotals {
    return Object.hasOwn(this.store.data.worktrees, worktree) ? this.store.data.worktrees[worktree]! : emptyTotals();
  }

  forProvider(name: string): UsageTotals {
    return Object.hasOwn(this.store.data.providers, name) ? this.store.data.providers[name]! : emptyTotals();
  }

  /** The latest answers, newest first. */
  recent(): readonly UsageEntry[] {
    return [...this.recentEntries].reverse();
  }

  /** Every answer as it is counted (screens that show usage live). */
  subscribe(listener: (entry: UsageEntry) => void): () => void {
    return this.changes.subscribe(listener);
  }

  private prune(): void {
    if (this.sessionCount <= this.sessionsKept) return;
    const sessions = this.store.data.sessions;
    const ids = Object.keys(sessions);
    for (let i = 0; i < ids.length - this.sessionsKept; i++) delete sessions[ids[i]!];
    this.sessionCount = Math.min(ids.length, this.sessionsKept);
  }
}
