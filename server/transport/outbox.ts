/**
 * The outbound path's backpressure, one place for every connection (a socket.io socket, an SSE
 * response, a raw WebSocket). A reader that stops reading must not make the server hold an unbounded
 * backlog for it, and must not miss anything once it reads again. Two policies, by what is sent:
 *
 * - Surfaces (frames of a view): **drop and resync**. A surface is state, not history: once the
 *   connection is behind, later frames are dropped, and when it drains it gets one snapshot (or its
 *   format's reset) instead of the backlog. (`surfaceSender`)
 * - Numbered events (an agent's output): **pause and resume by seq**. Events are history: once the
 *   connection is behind, the feed is stopped, and when it drains the feed is followed again from the
 *   last seq delivered, replayed from the feed's storage, each event once, in order. (`followFeed`)
 */
import type { FeedEvent, SeqFeed } from '../../agents/endpoint';

/** A connection as the outbox sees it. */
export interface Sink {
  /** True while the connection's unsent data is past its limit. */
  behind(): boolean;
  /** Calls `callback` once when the unsent data has been written. */
  onDrain(callback: () => void): void;
  /** False once the connection is closed. */
  open(): boolean;
}

/**
 * Wraps `send` with drop-and-resync: while the sink is behind, values are dropped; once drained,
 * `resync()` sends the present state instead of what was dropped.
 */
export function surfaceSender<A extends unknown[]>(sink: Sink, send: (...args: A) => void, resync: () => void): (...args: A) => void {
  let stale = false;
  return (...args: A) => {
    if (stale) return;
    if (!sink.behind()) {
      send(...args);
      return;
    }
    stale = true;
    sink.onDrain(() => {
      stale = false;
      if (sink.open()) resync();
    });
  };
}

/**
 * Follows `feed` after `after` into `send`, pausing while the sink is behind and resuming from the
 * last delivered seq once it drains. Answers the stop function (stops the feed however often it was
 * resumed). `as` maps an event for this transport.
 */
export function followFeed(
  sink: Sink,
  feed: SeqFeed,
  after: number | undefined,
  send: (event: FeedEvent) => void,
  as: (event: FeedEvent & { id: number }) => FeedEvent = (event) => event,
): () => void {
  // As the feed counts it: an `after` from the future means now, and live-only starts from now.
  let delivered = Math.min(after ?? Infinity, feed.lastSeq());
  let stopped = false;
  let unfollow: () => void = () => undefined;
  const start = (from: number | undefined): void => {
    unfollow = feed.follow(from, (event) => {
      if (stopped || !sink.open()) return false;
      if (sink.behind()) {
        sink.onDrain(() => {
          if (!stopped && sink.open()) start(delivered);
        });
        return false;
      }
      send(as(event));
      delivered = event.id;
      return true;
    });
  };
  start(after);
  return () => {
    stopped = true;
    unfollow();
  };
}
