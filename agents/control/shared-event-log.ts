/**
 * Agent events when several server processes share one store (event-log.ts has the interface): one
 * shared log per user and agent (`<user>/<agent>`), numbered by the events' seq, so a user's sessions
 * of an agent are one line of ids in one stream and a replay after `Last-Event-ID` is one range read,
 * whichever process ran which session. The store keeps the last `A2UI_AGENT_EVENTS_KEPT` events of
 * each (config.ts); older ones are trimmed.
 *
 * Each append also goes live to the other processes with its session's record (the record as the
 * event left it: their copy of the records may not have caught up yet), which is how a screen, an SSE
 * stream or a raw WebSocket on another process follows an agent.
 *
 * The events of one tick go as one batch per agent (a burst of output is one script call and one
 * live message, not one per line). Batches are queued in order on the store's connection, and every
 * read of this process first sends what is waiting, on the same connection: a read made after an
 * event was handed out finds it. A batch the store refuses (another process numbered past it: two
 * processes acting on one user's agent at once) is logged; its events were seen here but are not in
 * the shared log.
 */
import type { SharedLogs } from '../module';
import { parse, type AgentEventLog, type RemoteEventListener } from './event-log';
import type { AgentEvent } from './events';
import type { SessionRecord } from './session-record';

/** Entries read per round trip of a replay. */
const PAGE = 500;

/** What travels live: a batch of one agent's events, and the records of their sessions as the batch left them. */
interface LiveBatch {
  events: AgentEvent[];
  records: SessionRecord[];
}

/** At most this many events go in one batch. */
const BATCH = 1000;

export function logOf(userId: string, agentId: string): string {
  return `${userId}/${agentId}`;
}

export class SharedEventLog implements AgentEventLog {
  private readonly pending = new Set<Promise<void>>();
  /** Per log: the events of this tick not sent yet, and their sessions' latest records. */
  private readonly waiting = new Map<string, { events: AgentEvent[]; records: Map<string, SessionRecord> }>();
  private flushScheduled = false;

  constructor(private readonly logs: SharedLogs) {}

  append(event: AgentEvent, record: SessionRecord): void {
    const log = logOf(record.userId, record.agentId);
    let batch = this.waiting.get(log);
    if (!batch) this.waiting.set(log, (batch = { events: [], records: new Map() }));
    batch.events.push(event);
    batch.records.set(record.id, record);
    if (batch.events.length >= BATCH) this.send(log);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends every waiting batch now (before a read, so that it finds them). */
  private flush(): void {
    this.flushScheduled = false;
    for (const log of [...this.waiting.keys()]) this.send(log);
  }

  private send(log: string): void {
    const batch = this.waiting.get(log);
    if (!batch) return;
    this.waiting.delete(log);
    const live: LiveBatch = { events: batch.events, records: [...batch.records.values()] };
    const entries = batch.events.map((event) => ({ seq: event.seq, text: JSON.stringify(event) }));
    const write = this.logs
      .append(log, entries, JSON.stringify(live))
      .catch((error: unknown) =>
        console.error(`[agents] events ${entries[0]!.seq}–${entries.at(-1)!.seq} of ${log} are not in the shared log:`, error instanceof Error ? error.message : error),
      )
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  async *read(userId: string, agentId: string, _sessions: readonly SessionRecord[], after: number): AsyncGenerator<AgentEvent> {
    this.flush();
    const log = logOf(userId, agentId);
    let from = after;
    for (;;) {
      const entries = await this.logs.after(log, from, PAGE);
      for (const entry of entries) {
        const event = parse(entry.text);
        if (event) yield event;
        from = entry.seq;
      }
      if (entries.length < PAGE) return;
    }
  }

  async tail(record: SessionRecord, count: number): Promise<AgentEvent[]> {
    this.flush();
    const log = logOf(record.userId, record.agentId);
    const ofSession = (entries: { text: string }[]) =>
      entries.flatMap((entry) => {
        const event = parse(entry.text);
        return event && event.session_id === record.id ? [event] : [];
      });
    // The stream is the agent's: the newest entries are this session's unless a later one began. Then
    // the record's own last seq (final once a later session runs) bounds the read.
    const newest = await this.logs.last(log, count, record.firstSeq);
    const events = ofSession(newest);
    return events.length === newest.length ? events : ofSession(await this.logs.last(log, count, record.firstSeq, record.lastSeq));
  }

  async lastSeq(userId: string, agentId: string): Promise<number> {
    this.flush();
    return (await this.logs.last(logOf(userId, agentId), 1))[0]?.seq ?? 0;
  }

  release(): void {}

  async close(): Promise<void> {
    this.flush();
    await Promise.all(this.pending);
  }

  onRemote(listener: RemoteEventListener): void {
    this.logs.onLive((_log, text) => {
      const live = JSON.parse(text) as LiveBatch;
      const records = new Map(live.records.map((record) => [record.id, record]));
      for (const event of live.events) {
        const record = records.get(event.session_id);
        if (record) listener(event, record);
      }
    });
  }

  onGap(listener: () => void): void {
    this.logs.onGap(listener);
  }
}
