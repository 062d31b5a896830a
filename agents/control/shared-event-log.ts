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
 * Appends are queued in order on the store's connection, which every read of this process also goes
 * through: a read made after an event was handed out finds it. An append the store refuses (another
 * process numbered past it: two processes acting on one user's agent at once) is logged; the event
 * was seen here but is not in the shared log.
 */
import type { SharedLogs } from '../module';
import { parse, type AgentEventLog, type RemoteEventListener } from './event-log';
import type { AgentEvent } from './events';
import type { SessionRecord } from './session-record';

/** Entries read per round trip of a replay. */
const PAGE = 500;

/** What travels live: the event and its session's record. */
interface LiveEvent {
  event: AgentEvent;
  record: SessionRecord;
}

export function logOf(userId: string, agentId: string): string {
  return `${userId}/${agentId}`;
}

export class SharedEventLog implements AgentEventLog {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly logs: SharedLogs) {}

  append(event: AgentEvent, record: SessionRecord): void {
    const live: LiveEvent = { event, record };
    const write = this.logs
      .append(logOf(record.userId, record.agentId), event.seq, JSON.stringify(event), JSON.stringify(live))
      .catch((error: unknown) => console.error(`[agents] event ${event.seq} of ${record.agentId} (${record.userId}) is not in the shared log:`, error instanceof Error ? error.message : error))
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  async *read(userId: string, agentId: string, _sessions: readonly SessionRecord[], after: number): AsyncGenerator<AgentEvent> {
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
    return (await this.logs.last(logOf(userId, agentId), 1))[0]?.seq ?? 0;
  }

  release(): void {}

  async close(): Promise<void> {
    await Promise.all(this.pending);
  }

  onRemote(listener: RemoteEventListener): void {
    this.logs.onLive((_log, text) => {
      const live = JSON.parse(text) as LiveEvent;
      listener(live.event, live.record);
    });
  }

  onGap(listener: () => void): void {
    this.logs.onGap(listener);
  }
}
