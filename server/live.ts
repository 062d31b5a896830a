/**
 * socket.io live sessions. A socket authenticates in the handshake, `join`s its user's session (the
 * ack is the catch-up frame), then receives every frame of that session; `action` runs an action (the
 * ack, an ActionAck, carries this tab's copy of the change; the other tabs get it as a frame);
 * `resync {version}` answers the missed ops or a snapshot.
 *
 * Backpressure: when a socket's unsent packets pass a limit (a slow or stalled client), it stops
 * getting frames; once its buffer drains it gets one snapshot instead of the backlog.
 */
import type { Server, Socket } from 'socket.io';
import type { z } from 'zod';
import { TokenAuth, type Identity } from './auth';
import { ApiError, toApiError } from './errors';
import {
  SocketEvents,
  actionRequestSchema,
  describeZodError,
  joinRequestSchema,
  resyncRequestSchema,
  type ActionAck,
  type Frame,
} from './protocol';
import type { RateLimiter } from './rate-limit';
import type { FrameListener, Session } from './session';
import type { Sessions } from './sessions';

export interface LiveDeps {
  auth: TokenAuth;
  sessions: Sessions;
  rateLimiter: RateLimiter;
  maxPendingFrames: number;
  /** Plugins' own socket events (an agent's `subscribe`, `input`), attached to every authenticated socket. */
  socketHandlers?: readonly SocketHandler[];
}

/** Attaches one feature's events to an authenticated socket. */
export type SocketHandler = (socket: Socket, identity: Identity) => void;

type Ack = (answer: unknown) => void;

/** The handshake's token: socket.io `auth.token`, a Bearer header, or the cookie. */
function identify(socket: Socket, auth: TokenAuth): Identity | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  const token = typeof fromAuth === 'string' ? fromAuth : TokenAuth.tokenFromHeaders(socket.handshake.headers);
  return auth.identify(token);
}

export function attachLive(io: Server, deps: LiveDeps): void {
  io.use((socket, next) => {
    const identity = identify(socket, deps.auth);
    if (!identity) return next(new Error('UNAUTHORIZED'));
    socket.data.identity = identity;
    next();
  });
  io.on('connection', (socket) => connect(socket, deps));
}

function connect(socket: Socket, deps: LiveDeps): void {
  const identity = socket.data.identity as Identity;
  let session: Session | undefined;
  let sender: FrameListener | undefined;
  let unsubscribe: (() => void) | undefined;

  /** Opens the user's session and starts sending its frames to this socket, once. */
  const attach = async (): Promise<Session> => {
    if (!session) {
      session = await deps.sessions.get(identity.userId);
      sender = createSender(socket, session, deps.maxPendingFrames);
      unsubscribe = session.subscribe(sender);
    }
    return session;
  };

  socket.on(SocketEvents.join, (raw: unknown, ack?: Ack) => {
    void reply(ack, async () => {
      const request = parse(joinRequestSchema, raw ?? {});
      return (await attach()).catchUp(request.version);
    });
  });

  socket.on(SocketEvents.resync, (raw: unknown, ack?: Ack) => {
    void reply(ack, async () => (await attach()).catchUp(parse(resyncRequestSchema, raw).version));
  });

  socket.on(SocketEvents.action, (raw: unknown, ack?: Ack) => {
    void (async () => {
      let answer: ActionAck;
      try {
        if (!deps.rateLimiter.take(identity.tokenKey)) throw new ApiError('RATE_LIMITED', 'Too many actions; slow down and retry shortly.');
        const request = parse(actionRequestSchema, raw);
        const live = await attach();
        // This socket gets the change in the ack; the session sends it to the other tabs.
        answer = await live.dispatch(request, sender);
      } catch (error) {
        answer = { status: 'error', error: errorBody(error) }; // refused before it ran: nothing changed
      }
      if (typeof ack === 'function') ack(answer);
    })();
  });

  socket.on('disconnect', () => unsubscribe?.());
  for (const attachHandler of deps.socketHandlers ?? []) attachHandler(socket, identity);
}

function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError('INVALID_INPUT', describeZodError(parsed.error));
  return parsed.data;
}

function errorBody(error: unknown): { code: string; message: string } {
  if (!(error instanceof ApiError)) console.error('[live] unexpected error:', error);
  const apiError = toApiError(error);
  return { code: apiError.code, message: apiError.message };
}

/** Runs a handler and acks its result; a failure acks `{error: {code, message}}` instead of leaving the client waiting. */
async function reply(ack: Ack | undefined, run: () => Promise<unknown>): Promise<void> {
  let answer: unknown;
  try {
    answer = await run();
  } catch (error) {
    answer = { error: errorBody(error) };
  }
  if (typeof ack === 'function') ack(answer);
}

/** Sends frames to one socket, trading a backlog for one snapshot when the socket falls behind. */
function createSender(socket: Socket, session: Session, maxPending: number): (frame: Frame) => void {
  let stale = false;
  return (frame) => {
    if (stale) return;
    // engine.io keeps packets here while the transport is still busy writing earlier ones.
    const pending = (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
    if (pending < maxPending) {
      socket.emit(SocketEvents.frame, frame);
      return;
    }
    stale = true;
    socket.conn.once('drain', () => {
      stale = false;
      if (socket.connected) socket.emit(SocketEvents.frame, session.catchUp());
    });
  };
}
