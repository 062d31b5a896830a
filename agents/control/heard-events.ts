/**
 * Events of sessions other server processes run (a shared event log, shared-event-log.ts), handed to
 * this process's listeners in seq order, each once, per user and agent.
 *
 * Live copies arrive in the order they were written. One that skips ahead means copies were missed
 * (the connection to the store dropped while they were published): the missing events are read back
 * from the log first, and while that read runs, later copies of the same agent wait behind it. After
 * a reconnection, what the listeners' agents wrote meanwhile is read back the same way (`catchUp`).
 * Whatever cannot be read back (trimmed away, the store unreachable) is skipped: the order holds.
 */
import type { AgentEventLog } from './event-log';
import type { AgentEvent } from './events';
import type { SessionRecord } from './session-record';

export interface HeardEventsDeps {
  log: AgentEventLog;
  /** The last seq this process knows of the user's agent (undefined: none). */
  known(key: string): number | undefined;
  /** The user's sessions of the agent, oldest first (for the log's reads). */
  sessionsOf(userId: string, agentId: string): SessionRecord[];
  /** This process's copy of a record, if any. */
  record(sessionId: string): SessionRecord | undefined;
  /** Hands an event to the user's listeners here; `heard` is the record that came with it, if one did. */
  deliver(event: AgentEvent, record: SessionRecord, heard: boolean): void;
}

export function agentKey(userId: string, agentId: string): string {
  return `${userId}\u0000${agentId}`;
}

export class HeardEvents {
  /** Per user and agent: the last seq handed to the listeners here. */
  private readonly delivered = new Map<string, number>();
  /** Per user and agent: a read-back in progress, later copies chained behind it. */
  private readonly filling = new Map<string, Promise<void>>();

  constructor(private readonly deps: HeardEventsDeps) {}

  /** An event of this process's own went to the listeners (they are one line of seqs with the heard ones). */
  sent(key: string, seq: number): void {
    this.delivered.set(key, seq);
  }

  /** A live copy of another process's event, with its session's record as it left that process. */
  heard(event: AgentEvent, record: SessionRecord): void {
    const key = agentKey(record.userId, record.agentId);
    // The first event heard of an agent continues from what this process knew of it (from the log at
    // start, or what it wrote itself): anything in between was missed and is read back.
    if (!this.delivered.has(key)) this.delivered.set(key, Math.min(this.deps.known(key) ?? event.seq - 1, event.seq - 1));
    const waiting = this.filling.get(key);
    const next = waiting ? waiting.then(() => this.inOrder(key, event, record)) : this.inOrder(key, event, record);
    if (!next) return;
    const chained = next.finally(() => {
      if (this.filling.get(key) === chained) this.filling.delete(key);
    });
    this.filling.set(key, chained);
  }

  /** After the store's connection came back: reads back what the agents of `wanted` wrote meanwhile. */
  async catchUp(wanted: ReadonlyArray<{ userId: string; agentId: string }>): Promise<void> {
    for (const { userId, agentId } of wanted) {
      const key = agentKey(userId, agentId);
      const after = this.delivered.get(key) ?? this.deps.known(key) ?? 0;
      try {
        for await (const event of this.deps.log.read(userId, agentId, this.deps.sessionsOf(userId, agentId), after)) {
          const record = this.deps.record(event.session_id);
          if (record) this.heard(event, record);
        }
      } catch (error) {
        console.warn(`[agents] could not catch up with the events of ${agentId} (${userId}):`, error instanceof Error ? error.message : error);
      }
    }
  }

  /** Delivers `event` after the last one delivered; answers a promise only when a gap must be read back first. */
  private inOrder(key: string, event: AgentEvent, record: SessionRecord): Promise<void> | undefined {
    const delivered = this.delivered.get(key)!;
    if (event.seq <= delivered) return undefined; // already delivered (read back, then heard live)
    if (event.seq > delivered + 1) return this.readBack(key, record.userId, record.agentId, delivered, event.seq).then(() => this.inOrder(key, event, record));
    this.delivered.set(key, event.seq);
    this.deps.deliver(event, record, true);
    return undefined;
  }

  /** Delivers the logged events numbered between `after` and `before` (both excluded). */
  private async readBack(key: string, userId: string, agentId: string, after: number, before: number): Promise<void> {
    try {
      for await (const missed of this.deps.log.read(userId, agentId, this.deps.sessionsOf(userId, agentId), after)) {
        if (missed.seq >= before) break;
        if (missed.seq <= (this.delivered.get(key) ?? after)) continue;
        this.delivered.set(key, missed.seq);
        const record = this.deps.record(missed.session_id);
        if (record) this.deps.deliver(missed, record, false);
      }
    } catch (error) {
      console.warn(`[agents] could not read back the events of ${agentId} (${userId}):`, error instanceof Error ? error.message : error);
    }
    this.delivered.set(key, Math.max(this.delivered.get(key) ?? 0, before - 1));
  }
}
