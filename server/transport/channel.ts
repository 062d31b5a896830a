/**
 * A connection as a module sees it (agents/endpoint.ts `SocketChannel`), one implementation for every
 * socket transport (socket.io, the raw WebSocket): events sent as the transport writes them, feeds
 * followed through the outbox's pause-and-resume policy, and cleanups run once when it closes.
 */
import type { Caller, SocketChannel } from '../../agents/endpoint';
import { followFeed, type Sink } from './outbox';

/** What a transport tells about one of its connections. */
export interface Connection {
  caller: Caller;
  /** How far behind it is (the outbox's view). */
  sink: Sink;
  /** Writes one server event. */
  send(event: string, data: unknown): void;
  /** True once it has closed (or is closing). */
  closed(): boolean;
  /** Calls `listener` once when it closes. */
  onClose(listener: () => void): void;
}

export function connectionChannel(connection: Connection): SocketChannel {
  const follows = new Map<string, () => void>();
  const cleanups: Array<() => void> = [];
  connection.onClose(() => {
    for (const stop of follows.values()) stop();
    follows.clear();
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  return {
    caller: connection.caller,
    emit: (event, data) => connection.send(event, data),
    follow(key, feed, after, as) {
      follows.get(key)?.();
      follows.set(key, followFeed(connection.sink, feed, after, (event) => connection.send(event.event, event.data), as));
    },
    unfollow(key) {
      follows.get(key)?.();
      follows.delete(key);
    },
    onClose(cleanup) {
      if (connection.closed()) cleanup();
      else cleanups.push(cleanup);
    },
  };
}
