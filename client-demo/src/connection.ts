/**
 * The transport: socket.io when connected, `POST /api/a2ui/action` when not, and the version
 * bookkeeping that keeps the client's document in step with the server's (versions.ts).
 *
 * - On every connect (first and reconnect) the client joins its view (the id this tab keeps, see
 *   page.ts) with its version and its context (route, time zone, screen size); the answer is a
 *   snapshot or the ops it missed. A view the server no longer has is made again from that context.
 * - Frames are pushed to every socket of the view. The acting socket gets its action's change in the answer
 *   (socket: `ActionAck {status, frame}`; REST: `ActionResponse` with `a2ui_json`). Should the same
 *   change also arrive as a pushed frame, whichever comes first applies and the other is a duplicate.
 * - Without a socket, the surface is loaded and kept up to date over REST (`GET /api/a2ui/surface`,
 *   polled), and actions are posted.
 * - A gap (a frame that starts past the client's version) asks for the missed ops (`resync`); an op
 *   that does not apply leaves the document untrustworthy, so then the client re-joins without a
 *   version, which answers a snapshot.
 */
import { io, type Socket } from 'socket.io-client';
import type { ActionAck, ActionRequest, ActionResponse, ClientContext, Frame, Operation, SideEffect } from '../../server/transport/protocol';
import type { SurfaceView } from './surface-view';
import { isObject } from './values';
import { frameDisposition } from './versions';
import { describeError, knownErrorMessage, postJson } from './http';
import { viewId } from './page';

/** Mirrors server/transport/protocol.ts (the client imports its types only). */
const EVENTS = { join: 'join', action: 'action', resync: 'resync', frame: 'frame' } as const;
const ACTION_URL = '/api/a2ui/action';
/** The REST form of `join`: a snapshot, or the ops since `?version=`. */
const SURFACE_URL = '/api/a2ui/surface';
/** Without a socket, background changes (agent output, new mail) arrive by polling this often. */
const POLL_MS = 3000;
/** How long an acknowledgement may take before the client says the server is not answering. */
const ACK_TIMEOUT_MS = 15_000;

export type ConnectionState = 'connecting' | 'socket' | 'rest';

/** How a frame reached the client: an action's own answer, or pushed / catch-up. */
export interface FrameReceipt {
  /** The frame's ops were applied now (false: already applied, or it waits for a resync). */
  applied: boolean;
  /** It is the answer to an action this tab sent. */
  answer: boolean;
}

export interface ConnectionOptions {
  view: SurfaceView;
  /** Shows a transport problem to the user (null clears it). */
  notice(message: string | null): void;
  /** Every frame after it was handled: side effects, the URL. */
  onFrame(frame: Frame, receipt: FrameReceipt): void;
  /** The first document arrived (once per page load). */
  onFirstDocument?(): void;
  onStateChange?(state: ConnectionState): void;
  /** The server does not know this browser (no token cookie, or a wrong one). */
  onUnauthorized?(): void;
  context(): ClientContext;
}

export class Connection {
  /** This tab's view: the surface id of its frames. */
  readonly viewId = viewId();
  private version: number | null = null;
  private socket: Socket | null = null;
  private catchingUp = false;
  private hadDocument = false;
  private state: ConnectionState = 'connecting';
  private pollTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: ConnectionOptions) {}

  get currentVersion(): number | null {
    return this.version;
  }

  start(): void {
    // Same origin: the auth cookie goes along with the handshake.
    const socket = io({ withCredentials: true });
    this.socket = socket;
    socket.on('connect', () => {
      this.setState('socket');
      this.options.notice(null);
      this.join();
    });
    socket.on('disconnect', (reason) => {
      this.setState('rest');
      // An intentional client-side close is not a problem to report.
      if (reason !== 'io client disconnect') this.options.notice('Connection lost. Reconnecting…');
    });
    socket.on('connect_error', (error: Error) => {
      this.setState('rest');
      this.options.notice(describeConnectError(error));
      if (error.message === 'UNAUTHORIZED') this.options.onUnauthorized?.();
    });
    socket.on(EVENTS.frame, (frame: unknown) => this.receive(frame, false));
  }

  stop(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.stopPolling();
  }

  /**
   * Sends an action over the socket, or over REST when the socket is down; resolves once the answer
   * has been handled (or the attempt failed, which the notice reports).
   */
  async sendAction(name: string, payload: Record<string, unknown>, componentId?: string): Promise<void> {
    const request: ActionRequest = {
      action: name,
      payload,
      context: this.options.context(),
      surface_id: this.viewId,
      ...(componentId !== undefined ? { component_id: componentId } : {}),
      // The server answers the ops missed since this version too, so a REST answer never leaves a gap.
      ...(this.version !== null ? { base_version: this.version } : {}),
    };
    const socket = this.socket;
    if (socket?.connected) {
      const answer = await this.emit(socket, EVENTS.action, request);
      if (answer !== undefined) this.answer(answer);
      return;
    }
    await this.post(request);
  }

  // ---------------------------------------------------------------------------------------------

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    if (state === 'rest') this.startPolling();
    else this.stopPolling();
    this.options.onStateChange?.(state);
  }

  /** While the socket is down: load the surface over REST at once, then catch up every POLL_MS. */
  private startPolling(): void {
    if (this.pollTimer !== null) return;
    void this.poll();
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS);
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private async poll(): Promise<void> {
    const known = this.version !== null && !this.options.view.stale;
    let response: Response;
    try {
      const query = `surface_id=${encodeURIComponent(this.viewId)}${known ? `&version=${this.version}` : ''}`;
      response = await fetch(`${SURFACE_URL}?${query}`, { credentials: 'same-origin' });
    } catch {
      return; // the connect error already told the user; the next poll tries again
    }
    if (this.state !== 'rest') return; // the socket came back meanwhile: its join catches up
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) this.options.notice(describeError(isObject(body) ? body.error : undefined, response.status));
    else this.receive(body, false);
  }

  /** Joins with the current version (none the first time, or when the document is not trusted). */
  private join(): void {
    const socket = this.socket;
    if (!socket) return;
    const fresh = this.version === null || this.options.view.stale;
    const join = { surface_id: this.viewId, context: this.options.context() };
    this.catchUp(socket, EVENTS.join, fresh ? join : { ...join, version: this.version });
  }

  /** Asks for the ops after the current version (or a snapshot, by re-joining, when that is unusable). */
  private resync(): void {
    const socket = this.socket;
    // Without a socket the next connect's join catches up; a REST answer never has a gap.
    if (!socket?.connected || this.catchingUp) return;
    if (this.version === null || this.options.view.stale) {
      this.join();
      return;
    }
    this.catchUp(socket, EVENTS.resync, { version: this.version });
  }

  /** A join or resync: its answer is the catch-up frame; no other resync starts while it is pending. */
  private catchUp(socket: Socket, event: string, data: unknown): void {
    this.catchingUp = true;
    void this.emit(socket, event, data).then((frame) => {
      this.catchingUp = false;
      if (frame !== undefined) this.receive(frame, false);
    });
  }

  /** A frame from a push, a join or a resync (`answer` false), or an action's answer. */
  private receive(raw: unknown, answer: boolean): void {
    const frame = asFrame(raw);
    if (!frame) {
      // A join or resync refused by the server answers an error body instead of a frame.
      if (isObject(raw) && isObject(raw.error)) this.options.notice(describeError(raw.error));
      else console.warn('a2ui: ignored a malformed frame', raw);
      return;
    }
    if (frame.surfaceId !== this.viewId) return; // this tab shows its own view only
    const disposition = frameDisposition(this.version, frame);
    if (disposition === 'duplicate' || disposition === 'gap') {
      this.options.onFrame(frame, { applied: false, answer });
      if (disposition === 'gap') this.resync();
      return;
    }
    const recovering = this.options.view.stale;
    if (!this.options.view.applyOps(frame.ops)) {
      this.options.notice('The page fell out of step with the server. Reloading its content…');
      this.catchingUp = false;
      this.resync();
      return;
    }
    this.version = frame.to;
    if (recovering) this.options.notice(null); // the snapshot that ends a resync after a failed op
    // Before onFrame: a deep link must claim the URL before the frame's route would overwrite it.
    if (!this.hadDocument && frame.from === null) {
      this.hadDocument = true;
      this.options.onFirstDocument?.();
    }
    this.options.onFrame(frame, { applied: true, answer });
  }

  /**
   * An action's answer: a socket `ActionAck` (`{status, error?, frame?}`: no frame when the action was
   * refused before it ran) or a REST `ActionResponse` (the frame's ops as the `a2ui_json` string).
   */
  private answer(raw: unknown): void {
    if (!isObject(raw)) return;
    let frame: unknown;
    if (typeof raw.a2ui_json === 'string') {
      const response = raw as unknown as ActionResponse;
      let ops: Operation[];
      try {
        ops = JSON.parse(response.a2ui_json) as Operation[];
      } catch {
        this.options.notice('The server sent an answer this page cannot read.');
        return;
      }
      frame = { surfaceId: response.surface_id ?? this.viewId, from: response.from, to: response.to, ops, side_effects: response.side_effects };
    } else {
      frame = (raw as unknown as ActionAck).frame;
    }
    if (raw.status === 'error' || (raw.status === undefined && isObject(raw.error))) {
      console.warn('a2ui: action failed', raw.error);
      // The server renders a toast for failures it handled; say something only when it did not.
      const effects = isObject(frame) && Array.isArray(frame.side_effects) ? (frame.side_effects as SideEffect[]) : [];
      // A refused payload whose reason the form shows at its fields (the server's frame with the
      // verdicts came before this answer, on the same socket) needs no red bar as well.
      const atTheField = isObject(raw.error) && raw.error.code === 'INVALID_INPUT' && this.options.view.showsFieldError();
      if (!atTheField && !effects.some((effect) => effect.type === 'toast')) this.options.notice(describeError(raw.error));
    } else {
      this.options.notice(null); // the server answered: any earlier transport problem is over
    }
    if (frame !== undefined) this.receive(frame, true);
  }

  private async post(request: ActionRequest): Promise<void> {
    const result = await postJson(ACTION_URL, request);
    if (!result.ok) this.options.notice(result.problem);
    else this.answer(result.body);
  }

  /** socket.emit with an acknowledgement; undefined when it timed out (the notice says so). */
  private emit(socket: Socket, event: string, data: unknown): Promise<unknown> {
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, data, (error: Error | null, answer: unknown) => {
        if (error) {
          this.options.notice('The server is not answering. Retrying when the connection recovers…');
          resolve(undefined);
        } else {
          resolve(answer);
        }
      });
    });
  }
}

/** A frame's shape checked at the edge: the rest of the client can rely on it. */
function asFrame(raw: unknown): Frame | null {
  if (!isObject(raw)) return null;
  const from = raw.from;
  if (!(from === null || typeof from === 'number') || typeof raw.to !== 'number' || !Array.isArray(raw.ops)) return null;
  return {
    surfaceId: typeof raw.surfaceId === 'string' ? raw.surfaceId : '',
    from,
    to: raw.to,
    ops: raw.ops as Operation[],
    side_effects: Array.isArray(raw.side_effects) ? (raw.side_effects as SideEffect[]) : [],
  };
}

function describeConnectError(error: Error): string {
  // A handshake refused by the server's auth middleware carries its error code as the message.
  return knownErrorMessage(error.message) ?? 'Cannot connect to the server. Retrying…';
}
