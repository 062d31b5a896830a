/**
 * Where an agent's events are kept, one interface with two homes:
 * - `FileEventLog` (here, the embedded default): one append-only JSONL file per session under
 *   `<data>/agent-logs/`, every event in seq order, forever (the screens keep only the last lines).
 * - `SharedEventLog` (shared-event-log.ts, several processes): one Redis stream per user and agent,
 *   so any process replays and follows an agent wherever it runs, and the log outlives its process.
 *
 * Either way an append is made before the event is handed to anyone (the file: synchronously; the
 * stream: queued on the connection every later read of this process goes through), so an event a
 * listener has seen is always in the log for the next read. That is what lets a replay subscribe
 * first, read second and merge by seq without losing or repeating an event (follow.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { AgentEvent } from './events';
import { SESSION_ID } from './ids';
import type { SessionRecord } from './session-record';

export type RemoteEventListener = (event: AgentEvent, record: SessionRecord) => void;

export interface AgentEventLog {
  /** Appends `event`; `record` is its session's record as the event leaves it. */
  append(event: AgentEvent, record: SessionRecord): void;
  /**
   * The user's events of an agent with seq > `after`, in order. `sessions` are the user's sessions of
   * that agent, oldest first (what a per-session log reads; a per-agent one needs only the ids).
   */
  read(userId: string, agentId: string, sessions: readonly SessionRecord[], after: number): AsyncIterable<AgentEvent>;
  /** The last `count` events of a session. */
  tail(record: SessionRecord, count: number): Promise<AgentEvent[]>;
  /** The highest seq the log holds of the user's agent (0 before any): the truth when a record lags. */
  lastSeq(userId: string, agentId: string, sessions: readonly SessionRecord[]): Promise<number>;
  /** The session is done for now (a file is closed; it reopens on the next append). */
  release(sessionId: string): void;
  /** Resolves when everything appended is stored. */
  close(): Promise<void>;
  /** Events other server processes append, as they come (only a shared log has any). */
  onRemote?(listener: RemoteEventListener): void;
  /** Called when remote events may have been missed (the store's connection came back). */
  onGap?(listener: () => void): void;
}

export class FileEventLog implements AgentEventLog {
  private readonly open = new Map<string, number>();

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  fileOf(sessionId: string): string {
    // Session ids come from our own generator; checked again because they name a file.
    if (!SESSION_ID.test(sessionId)) throw new Error(`not a session id: ${sessionId}`);
    return path.join(this.dir, `${sessionId}.jsonl`);
  }

  append(event: AgentEvent): void {
    let fd = this.open.get(event.session_id);
    if (fd === undefined) {
      fd = fs.openSync(this.fileOf(event.session_id), 'a', 0o600);
      this.open.set(event.session_id, fd);
    }
    fs.writeSync(fd, `${JSON.stringify(event)}\n`);
  }

  /** Closes a session's file (it reopens on the next append). */
  release(sessionId: string): void {
    const fd = this.open.get(sessionId);
    if (fd === undefined) return;
    this.open.delete(sessionId);
    fs.closeSync(fd);
  }

  async close(): Promise<void> {
    for (const id of [...this.open.keys()]) this.release(id);
  }

  async *read(_userId: string, _agentId: string, sessions: readonly SessionRecord[], after: number): AsyncGenerator<AgentEvent> {
    for (const session of sessions) {
      if (session.lastSeq <= after) continue;
      yield* this.readSession(session.id, after);
    }
  }

  async tail(record: SessionRecord, count: number): Promise<AgentEvent[]> {
    return this.tailOf(record.id, count);
  }

  async lastSeq(_userId: string, _agentId: string, sessions: readonly SessionRecord[]): Promise<number> {
    let last = 0;
    for (const session of sessions) last = Math.max(last, session.lastSeq, this.tailOf(session.id, 1)[0]?.seq ?? 0);
    return last;
  }

  /** The session's events with seq > `after`, in order, read line by line (logs can be large). */
  private async *readSession(sessionId: string, after: number): AsyncGenerator<AgentEvent> {
    const file = this.fileOf(sessionId);
    if (!fs.existsSync(file)) return;
    const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        const event = parse(line);
        if (event && event.seq > after) yield event;
      }
    } finally {
      lines.close();
    }
  }

  /** The last `count` events of a session (reads the file's end only). */
  private tailOf(sessionId: string, count: number): AgentEvent[] {
    const file = this.fileOf(sessionId);
    if (!fs.existsSync(file)) return [];
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      let start = size;
      let newlines = 0;
      const blocks: Buffer[] = [];
      // Read backwards in blocks until there are enough complete lines; decode once at the end, so a
      // character split between two blocks stays whole.
      while (start > 0 && newlines <= count) {
        const length = Math.min(64 * 1024, start);
        start -= length;
        const buffer = Buffer.alloc(length);
        fs.readSync(fd, buffer, 0, length, start);
        blocks.unshift(buffer);
        for (const byte of buffer) if (byte === 0x0a) newlines++;
      }
      const lines = Buffer.concat(blocks).toString('utf8').split('\n');
      if (start > 0) lines.shift(); // the first one may be cut
      const events: AgentEvent[] = [];
      for (const line of lines) {
        const event = parse(line);
        if (event) events.push(event);
      }
      return events.slice(-count);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** A log line as an event; a line cut short (a crash mid-write) is skipped. */
export function parse(line: string): AgentEvent | undefined {
  if (!line) return undefined;
  try {
    const event = JSON.parse(line) as AgentEvent | null;
    // Anything but an event object (a line of `null`, `[]`, a number) is skipped like a cut line.
    return typeof event === 'object' && event !== null && typeof event.seq === 'number' && typeof event.type === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}
