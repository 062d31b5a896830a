/**
 * Server-Sent Events, read: text chunks in, whole events out (`event:` name and `data:`, one JSON
 * object per event at both vendors; a `data:` that is not an object, such as OpenAI's legacy
 * `[DONE]`, is skipped). Synchronous and allocation-light, because every event of every streamed
 * answer passes through here.
 *
 * The data is parsed only when someone reads it: a text delta relayed as it came (most of a stream)
 * is written out with its original JSON text (`raw`), never parsed and serialised again.
 */
import { StringDecoder } from 'node:string_decoder';
import { UpstreamError } from './upstream-error';

export interface SseEvent {
  /** The `event:` line; the data's own `type` when the stream names none. */
  event: string;
  data: any;
  /** The data's JSON text, while it is known to be what `data` holds (see endpoint.ts `FeedEvent.raw`). */
  readonly raw?: string;
}

const UNPARSED = Symbol('unparsed');

/** An event as read: its data parsed on first access; from then on it may change, so `raw` is gone. */
class ReadEvent implements SseEvent {
  private parsed: any = UNPARSED;

  constructor(
    readonly event: string,
    private readonly text: string,
  ) {}

  get data(): any {
    if (this.parsed === UNPARSED) {
      try {
        this.parsed = JSON.parse(this.text);
      } catch {
        throw new UpstreamError('stream', `sent a "${this.event}" event whose data is not JSON`);
      }
    }
    return this.parsed;
  }

  set data(value: any) {
    this.parsed = value;
  }

  get raw(): string | undefined {
    return this.parsed === UNPARSED ? this.text : undefined;
  }
}

export class SseDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';

  /** Feeds a chunk of bytes; answers the events it completed. */
  push(chunk: Buffer | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (let end = this.buffer.indexOf('\n\n'); end !== -1; end = this.buffer.indexOf('\n\n', start)) {
      const event = parseBlock(this.buffer.slice(start, end));
      if (event) events.push(event);
      start = end + 2;
    }
    if (start > 0) this.buffer = this.buffer.slice(start);
    return events;
  }

  /** The stream ended: a last event not followed by a blank line still counts. */
  end(): SseEvent[] {
    const rest = this.buffer + this.decoder.end();
    this.buffer = '';
    const event = rest.trim() ? parseBlock(rest) : undefined;
    return event ? [event] : [];
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let name: string | undefined;
  let data: string | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      data = data === undefined ? value : `${data}\n${value}`;
    } else if (line.startsWith('event:')) {
      name = line.slice(line.charCodeAt(6) === 32 ? 7 : 6);
    }
    // `id:`, `retry:` and `:` comments carry nothing a model stream needs.
  }
  if (data === undefined || data.charCodeAt(0) !== 123 /* { */) return undefined;
  const event = new ReadEvent(name ?? 'message', data);
  if (name !== undefined) return event;
  // No `event:` line: the data's own type names it.
  const type = event.data?.type;
  return typeof type === 'string' ? { event: type, data: event.data } : event;
}
