/**
 * What a module declares for the network, without knowing the network: HTTP endpoints, socket
 * events and raw WebSocket messages as schema + handler. The transport (server/transport/) mounts them, with the product's one
 * auth, origin check, rate limit, body limit, error shape and backpressure, on express, socket.io and
 * the raw WebSocket alike. A module never imports express, socket.io or ws.
 *
 * Streams are declared as feeds, not written: a `SeqFeed` (an agent's events, numbered) is delivered
 * by the transport's outbox, which pauses a reader that falls behind and resumes it from its last
 * seq, so one policy serves SSE, socket.io and the raw WebSocket. See docs/architecture.md.
 */
import type { z } from 'zod';

/** Who is calling, as the transport authenticated them (never from a body). */
export interface Caller {
  userId: string;
  /** A stable, non-secret key of the token (rate limits, logs). */
  tokenKey: string;
  /** An admin (users.json `role: "admin"`, or the main user) sees every user's shared resources. */
  admin: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface EndpointRequest<P, Q, B> {
  caller: Caller;
  params: P;
  query: Q;
  body: B;
  /** A request header (lower-case name), e.g. `last-event-id`. */
  header(name: string): string | undefined;
  /** Aborted when the client hangs up. */
  signal: AbortSignal;
}

/** One event of a stream: SSE writes `id:`/`event:`/`data:`, socket transports send `event` with `data`. */
export interface FeedEvent {
  event: string;
  data: unknown;
  /**
   * `data` already serialised as JSON, when the producer has it (a model's event relayed as it came):
   * written as it is instead of serialising `data` again.
   */
  readonly raw?: string;
  /** The seq a reader resumes after (SSE `id:`, `Last-Event-ID`). */
  id?: number;
}

/**
 * A numbered, replayable source of events (an agent's output). `follow(after, emit)` calls `emit` for
 * every event after seq `after` (replayed from storage first, then live; `undefined` = live only), in
 * order, each once; `emit` answers false when the reader cannot take more (the feed stops there and
 * the transport resumes it later with the last seq it delivered). Answers the unsubscribe.
 */
export interface SeqFeed {
  follow(after: number | undefined, emit: (event: FeedEvent & { id: number }) => boolean): () => void;
  /** The newest seq, so `after` from the future means "now". */
  lastSeq(): number;
}

export type EndpointResult =
  | { json: unknown; status?: number; headers?: Readonly<Record<string, string>> }
  | { html: string; status?: number; headers?: Readonly<Record<string, string>> }
  | { redirect: string; status?: 302 | 303 }
  | { stream: EventStream };

/** An SSE response: a resumable feed, or a one-shot sequence of events (a model's streamed answer). */
export type EventStream = FeedStream | OneShotStream;

/** A long-lived SSE response: `hello` first, then the feed from the reader's `Last-Event-ID`. */
export interface FeedStream {
  hello?: readonly FeedEvent[];
  feed: SeqFeed;
  /** Where to start when the reader names no `Last-Event-ID` (undefined = live only). */
  after?: number;
  /** Sent every `ms` while open, so proxies keep the connection. */
  heartbeat?: { ms: number; event: () => FeedEvent };
}

/**
 * A one-shot SSE response: each event of `events` in order (pulled only as fast as the client reads),
 * then the end. The iterator is returned early (`return()`) when the client hangs up.
 */
export interface OneShotStream {
  events: AsyncIterable<FeedEvent>;
  status?: number;
  headers?: Readonly<Record<string, string>>;
}

/**
 * `auth`: `user` (default) = the product's token (Bearer or cookie), same-origin for browsers, per
 * token rate limit; `none` = public (the handler authenticates itself when it must, e.g. the OAuth
 * callback, whose single-use state is the credential, or the model gateway's own tokens).
 */
export interface Endpoint<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod;
  /** Absolute path with `:name` parameters, e.g. `/api/worktrees/:path`. */
  path: string;
  auth?: 'user' | 'none';
  params?: z.ZodType<P, unknown>;
  query?: z.ZodType<Q, unknown>;
  /** A JSON body checked against this schema; without it, a request with a body is refused. */
  body?: z.ZodType<B, unknown>;
  /** The largest body this endpoint takes, when not the server's limit (a model request carries a whole conversation). */
  bodyLimitBytes?: number;
  /** Counts against the per-user cap on open streams (SSE endpoints). */
  stream?: boolean;
  handle(request: EndpointRequest<P, Q, B>): EndpointResult | Promise<EndpointResult>;
}

/** Declares an endpoint: the handler's types come from its schemas. */
export function endpoint<P = Record<string, never>, Q = Record<string, never>, B = undefined>(definition: Endpoint<P, Q, B>): Endpoint {
  return definition as unknown as Endpoint;
}

/** The socket a socket event arrived on, as the module sees it (socket.io or the raw WebSocket). */
export interface SocketChannel {
  readonly caller: Caller;
  /**
   * Sends a server event to this socket: on socket.io the event `event` with `data`; on the raw
   * WebSocket the JSON message `{"type": event, …data}` (`data` an object).
   */
  emit(event: string, data: unknown): void;
  /**
   * Follows a feed on this socket under `key` (replacing the key's earlier follow): the transport's
   * outbox pauses when the socket falls behind and resumes from the last seq it delivered. `as`
   * renames an event for this transport (socket.io sends every agent event as `agent_event`).
   */
  follow(key: string, feed: SeqFeed, after: number | undefined, as?: (event: FeedEvent & { id: number }) => FeedEvent): void;
  unfollow(key: string): void;
  /** Runs `cleanup` when the socket closes. */
  onClose(cleanup: () => void): void;
}

/**
 * A client → server event: its payload schema and its handler, whose result is the ack (socket.io).
 * The raw WebSocket's messages are declared the same way (`PluginModule.wsMessages`): `name` is the
 * message's `type`, the payload is the message's other fields, and, the raw protocol having no acks,
 * the handler answers with `channel.emit` (what it returns is not sent; a refusal is sent as
 * `{"type": "error", "error": <message>, "code", "request": <type>}`).
 */
export interface SocketEvent<P = unknown> {
  name: string;
  schema: z.ZodType<P, unknown>;
  handle(payload: P, channel: SocketChannel): unknown | Promise<unknown>;
}

/** Declares a socket event: the handler's payload type comes from its schema. */
export function socketEvent<P>(definition: SocketEvent<P>): SocketEvent {
  return definition as unknown as SocketEvent;
}
