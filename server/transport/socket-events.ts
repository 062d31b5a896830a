/**
 * The adapter from declared socket events (agents/endpoint.ts) to an authenticated socket.io socket:
 * each event's payload is checked against its schema and counted against the token's rate limit; the
 * handler's result is the ack, and a refusal acks `{error: {code, message}}` (or, without an ack, is
 * emitted as `<event>_error`). Feeds a handler follows go through the outbox's pause-and-resume policy.
 */
import type { Socket } from 'socket.io';
import type { Caller, SocketChannel, SocketEvent } from '../../agents/endpoint';
import { errorFields, parseInput } from './errors';
import { connectionChannel } from './channel';
import type { Sink } from './outbox';
import type { RateLimiter } from './rate-limit';

type Ack = (answer: unknown) => void;

/** Packets engine.io still holds for the socket because its transport is busy writing earlier ones. */
export function unsentPackets(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
}

/** A socket.io socket as the outbox sees it: behind past `maxPending` unsent packets. */
export function socketSink(socket: Socket, maxPending: number): Sink {
  return {
    behind: () => unsentPackets(socket) >= maxPending,
    onDrain: (callback) => socket.conn.once('drain', callback),
    open: () => socket.connected,
  };
}

/** A socket.io socket as a module sees it. */
export function socketChannel(socket: Socket, caller: Caller, maxPending: number): SocketChannel {
  return connectionChannel({
    caller,
    sink: socketSink(socket, maxPending),
    send: (event, data) => void socket.emit(event, data),
    closed: () => socket.disconnected,
    onClose: (listener) => void socket.on('disconnect', listener),
  });
}

/** Attaches `events` to an authenticated socket, whose module-facing side is `channel`. */
export function attachSocketEvents(socket: Socket, channel: SocketChannel, events: readonly SocketEvent[], rateLimiter: RateLimiter): void {
  const caller = channel.caller;
  for (const declared of events) {
    socket.on(declared.name, (raw: unknown, ack?: Ack) => {
      void (async () => {
        let answer: unknown;
        try {
          rateLimiter.enforce(caller.tokenKey);
          answer = await declared.handle(parseInput(declared.schema, raw), channel);
        } catch (error) {
          answer = { error: errorFields(error, `socket ${declared.name}`) };
          if (typeof ack !== 'function') socket.emit(`${declared.name}_error`, answer);
        }
        if (typeof ack === 'function') ack(answer);
      })();
    });
  }
}
