/**
 * socket.io live sessions. A socket authenticates in the handshake, `join`s a view — the one its tab
 * keeps in sessionStorage (`surface_id`), or a new one — and the ack is the catch-up frame (its
 * `surfaceId` is the view's id); then it receives every frame of that view. `action` runs an action
 * on the view (the ack, an ActionAck, carries this socket's copy of the change; the view's other
 * sockets get it as a frame); `resync {version}` answers the missed ops or a snapshot.
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
  toActionCall,
} from './protocol';
import type { RateLimiter } from './rate-limit';
import type { FrameListener } from '../session/frame';
import type { Users } from '../session/users';
import { attachView, namedView, newViewId, type ViewRef } from './views';

export interface LiveDeps {
  auth: TokenAuth;
  users: Users;
  rateLimiter: RateLimiter;
  maxPendingFrames: number;
  /** The modules' socket events (an agent's `subscribe`, `input`), attached to every authenticated socket. */
  socketEvents: readonly SocketEvent[];
  /** The modules' hooks for a new socket (pushed events such as approval requests). */
  socketConnected(channel: SocketChannel): void;
}

type Ack = (answer: unknown) => void;

/** The handshake's token (socket.io `auth.token`, a Bearer header, or the cookie) from the client's address. */
function identify(socket: Socket, auth: TokenAuth): Identity {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  const token = typeof fromAuth === 'string' ? fromAuth : TokenAuth.tokenFromHeaders(socket.handshake.headers);
  return auth.authenticate(token, socket.handshake.address);
}

export function attachLive(io: Server, deps: LiveDeps): void {
  io.use((socket, next) => {
    try {
      socket.data.identity = identify(socket, deps.auth);
    } catch (error) {
      // The client's `connect_error` says UNAUTHORIZED or RATE_LIMITED, with the whole error as its data.
      const { code, message } = errorFields(error, 'live');
      return next(Object.assign(new Error(code), { data: { code, message } }));
    }
    next();
  });
  io.on('connection', (socket) => connect(socket, deps));
}

type Format = 'native' | typeof A2UI_V09_FORMAT;

/** The view a socket shows, and how it receives the view's changes. */
interface Joined extends ViewRef {
  format: Format;
  sender: FrameListener;
  unsubscribe(): void;
}

function connect(socket: Socket, deps: LiveDeps): void {
  const identity = socket.data.identity as Identity;
  let joined: Joined | undefined;

  /** From now on, this socket gets the view's changes in `format` (synchronous: nothing comes between). */
  const subscribe = (ref: ViewRef, format: Format): Joined => {
    joined?.unsubscribe();
    const sender = format === A2UI_V09_FORMAT ? createA2uiV09Sender(socket, ref, deps.maxPendingFrames) : createFrameSender(socket, ref, deps.maxPendingFrames);
    joined = { ...ref, format, sender, unsubscribe: ref.session.subscribe(ref.view, sender) };
    return joined;
  };

  /** The socket's view: the one it joined, else a new one (an action before any join). */
  const current = (): Joined | Promise<Joined> => joined ?? attachView(deps.users, identity, newViewId(), 'tab').then((ref) => subscribe(ref, 'native'));

  socket.on(SocketEvents.join, (raw: unknown, ack?: Ack) => {
    void reply(ack, async () => {
      const request = parseInput(joinRequestSchema, raw ?? {});
      const v09 = request.format === A2UI_V09_FORMAT;
      // The tab's own view; "main" (the seed protocol's id) is the token's own, as over REST; no id on a
      // socket that joined before is the view it has, else a new one.
      const named = request.surface_id !== undefined ? namedView(identity, request.surface_id) : undefined;
      const viewId = named?.id ?? (joined && joined.format === (request.format ?? 'native') ? joined.view.id : newViewId());
      const ref = await attachView(deps.users, identity, viewId, v09 ? 'stream' : (named?.kind ?? 'tab'), request.context);
      if (v09) {
        // The sync (a reset when this socket had this view already) goes out in the same step as the
        // subscription: no change can come between them.
        const again = joined?.view === ref.view && joined.format === A2UI_V09_FORMAT;
        if (!again) subscribe(ref, A2UI_V09_FORMAT);
        emitA2ui(socket, again ? encodeReset(ref.view.surface) : encodeSync(ref.view.surface));
        return { status: 'ok', surfaceId: ref.view.surfaceId };
      }
      if (joined?.view !== ref.view || joined.format !== 'native') subscribe(ref, 'native');
      return ref.session.catchUp(ref.view, request.version);
    });
  });

  socket.on(SocketEvents.resync, (raw: unknown, ack?: Ack) => {
    void reply(ack, async () => {
      const { version } = parseInput(resyncRequestSchema, raw);
      const { session, view } = await current();
      return session.catchUp(view, version);
    });
  });

  socket.on(SocketEvents.action, (raw: unknown, ack?: Ack) => {
    void reply(
      ack,
      async (): Promise<ActionAck> => {
        deps.rateLimiter.enforce(identity.tokenKey, 'actions');
        const request = parseInput(actionRequestSchema, raw);
        // Joined already (the usual case): no promise to wait for.
        const found = current();
        const mine = found instanceof Promise ? await found : found;
        // An action may name another of the user's views (a tab acting for another): it runs there,
        // and this socket is not that view's listener.
        const named = request.surface_id !== undefined ? namedView(identity, request.surface_id) : undefined;
        const target = named && named.id !== mine.view.id ? await attachView(deps.users, identity, named.id, named.kind) : mine;
        // This socket gets the change in the ack; the view sends it to its other listeners. (A v0.9
        // socket has no versions to tell a copy from a change: it gets the change as usual.)
        const origin = target === mine && mine.format === 'native' ? mine.sender : undefined;
        const result = await target.session.dispatch(target.view.id, toActionCall(request), origin);
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
        return answerClientMessage(raw, identity, deps.users);
      },
      refusedAction,
    );
  });

  socket.on('disconnect', () => joined?.unsubscribe());
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
function createFrameSender(socket: Socket, { session, view }: ViewRef, maxPending: number): FrameListener {
  return surfaceSender(
    socketSink(socket, maxPending),
    (frame: Frame) => socket.emit(SocketEvents.frame, frame),
    () => socket.emit(SocketEvents.frame, session.catchUp(view)),
  );
}

/** Sends changes as v0.9 messages; a socket that fell behind gets deleteSurface and a new sync. */
function createA2uiV09Sender(socket: Socket, { view }: ViewRef, maxPending: number): FrameListener {
  return surfaceSender(
    socketSink(socket, maxPending),
    (frame: Frame, surface: Surface) => emitA2ui(socket, encodeFrame(frame, surface)),
    () => emitA2ui(socket, encodeReset(view.surface)),
  );
}

function emitA2ui(socket: Socket, messages: A2uiV09Message[]): void {
  if (messages.length > 0) socket.emit(A2uiV09SocketEvents.messages, { messages });
}
