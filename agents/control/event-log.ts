/**
 * One append-only JSONL file per session under `<data>/agent-logs/`: every event, in seq order,
 * forever (the screens keep only the last lines; the log keeps everything).
 *
 * Appends are synchronous, made before the event is handed to anyone: an event a listener has seen is
 * always already in the file. That is what lets a replay subscribe first, read the file second and
 * merge by seq without losing or repeating an event.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { AgentEvent } from './events';
import { SESSION_ID } from './ids';

export class EventLog {
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

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.release(id);
  }

  /** The session's events with seq > `after`, in order, read line by line (logs can be large). */
  async *read(sessionId: string, after = 0): AsyncGenerator<AgentEvent> {
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
  tail(sessionId: string, count: number): AgentEvent[] {
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
function parse(line: string): AgentEvent | undefined {
  if (!line) return undefined;
  try {
    const event = JSON.parse(line) as AgentEvent | null;
    // Anything but an event object (a line of `null`, `[]`, a number) is skipped like a cut line.
    return typeof event === 'object' && event !== null && typeof event.seq === 'number' && typeof event.type === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}
