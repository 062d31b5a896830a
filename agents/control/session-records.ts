/**
 * The agent session records as this process knows them. The store's copy is the truth that lasts;
 * with several processes a record changed by another process reaches this one's store copy a little
 * after the events that changed it (writes are coalesced, then announced). Every event from another
 * process carries its session's record as it left that process (shared-event-log.ts), kept here
 * while it is newer than the store's copy, so a screen that folds the event in reads a record at least
 * as new as the event.
 */
import type { PersistentStore } from '../types';
import type { AgentSessionsFile, SessionRecord } from './session-record';

/** Whether `a` is a later state of the session than `b`: every status change is an event, so seq first. */
function isNewer(a: SessionRecord, b: SessionRecord): boolean {
  return a.lastSeq > b.lastSeq || (a.lastSeq === b.lastSeq && a.updatedAt > b.updatedAt);
}

export class SessionRecords {
  private readonly fresher = new Map<string, SessionRecord>();

  constructor(private readonly store: PersistentStore<AgentSessionsFile>) {}

  get(sessionId: string): SessionRecord | undefined {
    const sessions = this.store.data.sessions;
    const stored = Object.hasOwn(sessions, sessionId) ? sessions[sessionId] : undefined;
    const heard = this.fresher.get(sessionId);
    if (!heard) return stored;
    if (!stored || isNewer(heard, stored)) return heard;
    this.fresher.delete(sessionId); // the store caught up
    return stored;
  }

  all(): SessionRecord[] {
    const ids = new Set([...Object.keys(this.store.data.sessions), ...this.fresher.keys()]);
    return [...ids].map((id) => this.get(id)!);
  }

  /** A record another process sent with an event. */
  heard(record: SessionRecord): void {
    const known = this.get(record.id);
    if (!known || isNewer(record, known)) this.fresher.set(record.id, record);
  }

  /** Puts `record` in the store's copy (the caller writes the store). */
  put(record: SessionRecord): void {
    this.store.data.sessions[record.id] = record;
    this.fresher.delete(record.id);
  }
}
