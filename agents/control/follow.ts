/**
 * Replay, then live, with no gap and no duplicate: what an SSE stream with `Last-Event-ID` and a
 * socket `subscribe {lastSeq}` both need.
 *
 * 1. Subscribe to live events first, buffering them.
 * 2. Read the log for the events after `after`. Appends are made before an event is handed out
 *    (event-log.ts), so every event emitted before step 1 is in the log for this read.
 * 3. Drain the buffer and switch to live delivery in one synchronous step, so no event slips in
 *    between. Every event passes one filter, `seq > last delivered`, which drops whatever the logs
 *    and the buffer both hold.
 */
import type { AgentEvent } from './events';

export interface FollowSource {
  /** The last seq given out so far. */
  lastSeq(): number;
  subscribe(listener: (event: AgentEvent) => void): () => void;
  /** The events after `after`, in order, from the log. */
  read(after: number): AsyncIterable<AgentEvent>;
}

export function followEvents(source: FollowSource, after: number | undefined, deliver: (event: AgentEvent) => boolean | void): () => void {
  // An id from the future (a client of an older data dir) means nothing here: live only.
  let last = Math.min(after ?? Infinity, source.lastSeq());
  let replaying = after !== undefined;
  let stopped = false;
  const buffered: AgentEvent[] = [];
  const stop = () => {
    stopped = true;
    buffered.length = 0;
    unsubscribe();
  };
  const pass = (event: AgentEvent) => {
    if (stopped || event.seq <= last) return;
    last = event.seq;
    if (deliver(event) === false) stop();
  };
  const unsubscribe = source.subscribe((event) => {
    if (replaying) buffered.push(event);
    else pass(event);
  });
  if (replaying) {
    void (async () => {
      try {
        for await (const event of source.read(last)) {
          if (stopped) return;
          pass(event);
        }
      } catch (error) {
        console.error('[agents] replay failed:', error);
      } finally {
        for (const event of buffered) pass(event);
        buffered.length = 0;
        replaying = false;
      }
    })();
  }
  return stop;
}
