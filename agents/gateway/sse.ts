/**
 * Server-Sent Events, read: text chunks in, whole events out (`event:` name and `data:` parsed as
 * JSON). Both vendors send one JSON document per event; a `data:` that is not JSON (OpenAI's legacy
 * `[DONE]`) is skipped. Synchronous and allocation-light, because every event of every streamed answer
 * passes through here.
 */
import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  /** The `event:` line; the data's own `type` when the stream names none. */
  event: string;
  data: any;
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
  if (data === undefined) return undefined;
  let parsed: any;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  const event = name ?? (parsed && typeof parsed.type === 'string' ? parsed.type : 'message');
  return { event, data: parsed };
}
