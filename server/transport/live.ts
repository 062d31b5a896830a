/**
 * socket.io live sessions. A socket authenticates in the handshake, `join`s its user's session (the
 * ack is the catch-up frame), then receives every frame of that session; `action` runs an action (the
 * ack, an ActionAck, carries this tab's copy of the change; the other tabs get it as a frame);
 * `resync {version}` answers the missed ops or a snapshot.
 *
 * A2UI v0.9 form: `join {format: "a2ui-v0.9"}` switches the socket to `a2ui` events, each
 * `{messages}` of one change, the first one the sync; `a2ui_action` takes a v0.9 client message
 * (a2ui-v09-protocol.ts). v0.9 has no versions, so order is what keeps a client right: the sync is
 * emitted in the same step as the subscription, and the socket gets its own actions' changes as
 * `a2ui` events too (at commit, before the ack), like every other change.
 *
 * Backpressure: when a socket's unsent packets pass a limit (a slow or stalled client), it stops
 * getting frames; once its buffer drains it gets one snapshot (v0.9: deleteSurface and a new sync)
 * instead of the backlog.
 */
import type { Server, Socket } from 'socket.io';
import { encodeReset, encodeSync, type A2uiV09Message } from './a2ui-v09';
import { answerClientMessage } from './a2ui-v09/actions';
import { A2UI_V09_FORMAT, A2uiV09SocketEvents, encodeFrame } from './a2ui-v09/protocol';
import { TokenAuth, type Identity } from './auth';
import type { SocketChannel, SocketEvent } from '../../agents/endpoint';
import { errorFields, parseInput } from './errors';
import { surfaceSender } from './outbox';
import { attachSocketEvents, socketChannel, socketSink } from './socket-events';
import type { Surface } from '../../renderer';
import {
  SocketEvents,
  actionRequestSchema,
  joinRequestSchema,
  resyncRequestSchema,
  type ActionAck,
  type Frame,
} from './protocol';
import type { RateLimiter } from './rate-limit';
import type { FrameListener, Session } from '../session/session';
import type { Sessions } from '../session/sessions';

export interface LiveDeps {
  auth: TokenAuth;
  sessions: Sessions;
  rateLimiter: RateLimiter;
  maxPendingFrames: number;
  /** The modules' socket events (an agent's `subscribe`, `input`), attached to every authenticated socket. */
  socketEvents: readonly SocketEvent[];
  /** The modules' hooks for a new socket (pushed events such as approval requests). */
  socketConnected(channel: SocketChannel): void;
}

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

type Format = 'native' | typeof A2UI_V09_FORMAT;

function connect(socket: Socket, deps: LiveDeps): void {
  const identity = socket.data.identity as Identity;
  let session: Session | undefined;
  let format: Format = 'native';
  let sender: FrameListener | undefined;
  let unsubscribe: (() => void) | undefined;

  const open = async (): Promise<Session> => (session ??= await deps.sessions.get(identity.userId));

  /** From now on, this socket gets the session's changes in `wanted` form (synchronous). */
  const subscribe = (live: Session, wanted: Format): void => {
    unsubscribe?.();
    format = wanted;
    sender = wanted === A2UI_V09_FORMAT ? createA2uiV09Sender(socket, live, deps.maxPendingFrames) : createFrameSender(socket, live, deps.maxPendingFrames);
    unsubscribe = live.subscribe(sender);
  };

  /** Opens the user's session and, once, starts sending its frames to this socket. */
  const attach = async (): Promise<Session> => {
    const live = await open();
    if (!sender) subscribe(live, 'native');
    return live;
  };

  socket.on(SocketEvents.join, (raw: unknown, ack?: Ack) => {
    void reply(ack, async () => {
      const request = parseInput(joinRequestSchema, raw ?? {});
      const live = await open();
      if (request.format === A2UI_V09_FORMAT) {
        // The sync (a reset when this socket had one already) goes out in the same step as the
        // subscription: no change can come between them.
        const again = sender !== undefined && format === A2UI_V09_FORMAT;
        if (!again) subscribe(live, A2UI_V09_FORMAT);
        emitA2ui(socket, again ? encodeReset(live.currentSurface) : encodeSync(live.currentSurface));
        return { status: 'ok' };
      }
      if (!sender || format !== 'native') subscribe(live, 'native');
      return live.catchUp(request.version);
    });
  });

  socket.on(SocketEvents.resync, (raw: unknown, ack?: Ack) => {
    void reply(ack, async () => (await attach()).catchUp(parseInput(resyncRequestSchema, raw).version));
  });

  socket.on(SocketEvents.action, (raw: unknown, ack?: Ack) => {
    void reply(
      ack,
      async (): Promise<ActionAck> => {
        deps.rateLimiter.enforce(identity.tokenKey, 'actions');
        const request = parseInput(actionRequestSchema, raw);
        const live = await attach();
        // This socket gets the change in the ack; the session sends it to the other tabs. (A v0.9
        // socket has no versions to tell a copy from a change: it gets the change as usual.)
        const result = await live.dispatch(request, format === 'native' ? sender : undefined);
        return { status: result.status, ...(result.error ? { error: result.error } : {}), frame: result.frame };
      },
      refusedAction,
    );
  });

  socket.on(A2uiV09SocketEvents.action, (raw: unknown, ack?: Ack) => {
    void reply(
      ack,
      () => {
        deps.rateLimiter.enforce(identity.tokenKey, 'actions');
        return answerClientMessage(raw, identity.userId, open);
      },
      refusedAction,
    );
  });

  socket.on('disconnect', () => unsubscribe?.());
  const channel = socketChannel(socket, identity, deps.maxPendingFrames);
  attachSocketEvents(socket, channel, deps.socketEvents, deps.rateLimiter);
  deps.socketConnected(channel);
}

type ErrorFields = ReturnType<typeof errorFields>;

/** An action refused before it ran (nothing changed): its ack. */
const refusedAction = (error: ErrorFields) => ({ status: 'error', error });

/**
 * Runs a handler and acks its result; a failure acks `refused(error)` (by default `{error: {code,
 * message}}`) instead of leaving the client waiting.
 */
async function reply(ack: Ack | undefined, run: () => Promise<unknown>, refused = (error: ErrorFields): unknown => ({ error })): Promise<void> {
  let answer: unknown;
  try {
    answer = await run();
  } catch (error) {
    answer = refused(errorFields(error, 'live'));
  }
  if (typeof ack === 'function') ack(answer);
}

/** Sends frames to one socket, trading a backlog for one snapshot when the socket falls behind (outbox.ts). */
function createFrameSender(socket: Socket, session: Session, maxPending: number): FrameListener {
  return surfaceSender(
    socketSink(socket, maxPending),
    (frame: Frame) => socket.emit(SocketEvents.frame, frame),
    () => socket.emit(SocketEvents.frame, session.catchUp()),
  );
}

/** Sends changes as v0.9 messages; a socket that fell behind gets deleteSurface and a new sync. */
function createA2uiV09Sender(socket: Socket, session: Session, maxPending: number): FrameListener {
  return surfaceSender(
    socketSink(socket, maxPending),
    (frame: Frame, surface: Surface) => emitA2ui(socket, encodeFrame(frame, surface)),
    () => emitA2ui(socket, encodeReset(session.currentSurface)),
  );
}

function emitA2ui(socket: Socket, messages: A2uiV09Message[]): void {
  if (messages.length > 0) socket.emit(A2uiV09SocketEvents.messages, { messages });
}
