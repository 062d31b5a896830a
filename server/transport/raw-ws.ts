/**
 * The raw WebSocket (`/ws`): plain JSON text messages `{"type": …, …fields}` for clients written
 * against documented WebSocket protocols (the agent server's `subscribe`/`input`/`ping`, the chat
 * gateway's `chat`/`tool_approval_response`), which speak neither socket.io nor SSE. It is mounted on
 * the HTTP server's `upgrade` event beside socket.io (which keeps its own path), and is an adapter
 * over declared handlers, as endpoints.ts and socket-events.ts are: the modules declare their
 * messages (`wsMessages`, agents/endpoint.ts) and never import ws.
 *
 * Security, the same as every other door:
 * - the upgrade needs the token as a Bearer header or the `a2ui_token` cookie (a browser page on this
 *   origin sends the cookie by itself; other clients set the header). No token in the URL (it would
 *   end up in logs and histories) and no `Sec-WebSocket-Protocol` trick;
 * - a browser's upgrade must come from this origin (origin.ts), failed authentications count against
 *   the client address's limit (a 429 past it), and the connection counts as one of the user's open
 *   streams (stream-limit.ts);
 * - a refused upgrade is answered in the one error shape, with its HTTP status, before any WebSocket
 *   exists;
 * - a message is at most the body limit (larger ones close the connection, 1009), is JSON no deeper
 *   than 32 levels (bounded-json.ts), matches its handler's schema, and counts against the token's
 *   rate limit.
 *
 * Messages of a connection are handled in arrival order, each as soon as it arrives (a long chat turn
 * does not hold back the approval that turn waits for). `ping` is the transport's own: `{"type":
 * "pong"}` (both documents define it so). A refused message answers `{"type": "error", "error":
 * <message>, "code", "request": <type>}` and the connection stays open.
 *
 * Backpressure: feeds a handler follows go through the outbox's pause-and-resume policy with a Sink
 * over `ws.bufferedAmount` (past 1 MB unsent the feed stops; when the TCP socket drains it resumes from
 * the last seq delivered).
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import type { Caller, SocketChannel, SocketEvent } from '../../agents/endpoint';
import type { TokenAuth } from './auth';
import { PluginError, errorFields, parseInput, wireError } from './errors';
import { isForeignOrigin } from './origin';
import { connectionChannel } from './channel';
import type { Sink } from './outbox';
import type { RateLimiter } from './rate-limit';
import type { StreamLimiter } from './stream-limit';

export const RAW_WS_PATH = '/ws';

/** Unsent bytes past which a connection is behind (as an SSE response). */
const MAX_UNSENT_BYTES = 1024 * 1024;

export interface RawWsDeps {
  auth: TokenAuth;
  rateLimiter: RateLimiter;
  streams: StreamLimiter;
  /** The largest message. */
  bodyLimitBytes: number;
  /** Every module's messages. */
  messages: readonly SocketEvent[];
  /** Upgrades whose URL starts with this are socket.io's (engine.io answers them). */
  socketIoPath: string;
}

export interface RawWebSocket {
  /** Open connections. */
  clients(): number;
  /** Ends every connection (server shutdown). */
  close(): void;
}

/** What every message is before its own schema: a type and its fields. */
const envelope = z.looseObject({ type: z.string().min(1).max(64) });

export function attachRawWebSocket(server: http.Server, deps: RawWsDeps): RawWebSocket {
  const byType = new Map<string, SocketEvent>();
  for (const message of deps.messages) {
    if (message.name === 'ping') throw new Error('the WebSocket message type ping is the transport\'s own');
    if (byType.has(message.name)) throw new Error(`the WebSocket message type ${message.name} is declared twice`);
    byType.set(message.name, message);
  }
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.bodyLimitBytes, perMessageDeflate: false });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').startsWith(deps.socketIoPath)) return;
    socket.on('error', () => socket.destroy());
    try {
      const caller = admit(req, deps);
      // Released when the TCP connection ends, whether or not the handshake completed.
      socket.once('close', deps.streams.acquire(caller.userId));
      wss.handleUpgrade(req, socket, head, (ws) => connect(ws, socket, caller, byType, deps));
    } catch (error) {
      refuse(socket, error);
    }
  });

  return {
    clients: () => wss.clients.size,
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

/**
 * The caller of an upgrade to `/ws`, or a refusal (403 another origin, 401, 429, then 404 another
 * path: as under `/api`, nobody without a token learns where the endpoints are).
 */
function admit(req: http.IncomingMessage, deps: RawWsDeps): Caller {
  if (isForeignOrigin(req.headers.origin, req.headers.host)) throw new PluginError('FORBIDDEN', 'Requests from other origins are refused.');
  const caller = deps.auth.require(req.headers, req.socket.remoteAddress);
  deps.rateLimiter.enforce(caller.tokenKey);
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (pathname !== RAW_WS_PATH) throw new PluginError('NOT_FOUND', `No WebSocket endpoint at ${pathname}; it is ${RAW_WS_PATH}.`);
  return caller;
}

/** Answers a refused upgrade as an HTTP response in the one error shape, and closes the connection. */
function refuse(socket: Duplex, error: unknown): void {
  const { status, body, headers } = wireError(error, 'ws');
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
    ...Object.entries(headers ?? {}).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}

/** The connection as the outbox sees it. */
function wsSink(ws: WebSocket, tcp: Duplex): Sink {
  return {
    behind: () => ws.bufferedAmount > MAX_UNSENT_BYTES,
    onDrain: (callback) => tcp.once('drain', callback),
    open: () => ws.readyState === WebSocket.OPEN,
  };
}

/** The connection as a module sees it: `emit(type, fields)` sends `{"type", …fields}`. */
function wsChannel(ws: WebSocket, tcp: Duplex, caller: Caller): SocketChannel {
  const sink = wsSink(ws, tcp);
  return connectionChannel({
    caller,
    sink,
    // `type` first for whoever reads the text, and it wins over a field of the same name.
    send: (type, data) => {
      if (sink.open()) ws.send(JSON.stringify(Object.assign({ type }, data, { type })));
    },
    closed: () => ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED,
    onClose: (listener) => void ws.on('close', listener),
  });
}

function connect(ws: WebSocket, tcp: Duplex, caller: Caller, byType: ReadonlyMap<string, SocketEvent>, deps: RawWsDeps): void {
  const channel = wsChannel(ws, tcp, caller);
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: RawData, isBinary: boolean) => {
    let type: string | undefined;
    const refused = (error: unknown) => {
      const { code, message } = errorFields(error, 'ws');
      channel.emit('error', { error: message, code, ...(type ? { request: type } : {}) });
    };
    try {
      deps.rateLimiter.enforce(caller.tokenKey);
      const { type: named, ...fields } = parseInput(envelope, parseMessage(data, isBinary));
      type = named;
      if (named === 'ping') return channel.emit('pong', {});
      const handler = byType.get(named);
      if (!handler) throw new PluginError('INVALID_INPUT', `Unknown message type "${named}".`);
      Promise.resolve(handler.handle(parseInput(handler.schema, fields), channel)).catch(refused);
    } catch (error) {
      refused(error);
    }
  });
}

function parseMessage(data: RawData, isBinary: boolean): unknown {
  if (isBinary) throw new PluginError('INVALID_INPUT', 'Messages are JSON text, not binary.');
  const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new PluginError('INVALID_INPUT', 'A message must be JSON.');
  }
}
