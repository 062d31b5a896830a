/**
 * A socket.io client that keeps a surface document the way the thin client does: it applies a frame
 * when `from` matches its version (or `from` is null: a snapshot), and asks to resync on a gap. Also
 * the socket plumbing tests share, and the server's own document read over REST.
 */
import { applyPatch, deepClone, type Operation } from 'fast-json-patch';
import { io, type Socket } from 'socket.io-client';
import type { ActionAck, Frame } from '../../server/transport/protocol';
import { waitFor } from './wait';

export type Doc = { components: Record<string, unknown>; dataModel: Record<string, unknown> };

/** The header that authenticates an HTTP request as the token's user. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export function connect(url: string, token: string | undefined, extra: Record<string, unknown> = {}): Socket {
  return io(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true, ...extra });
}

/** Resolves once the socket is connected; rejects with the handshake's error (`UNAUTHORIZED`, …). */
export function connected(socket: Socket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
}

/**
 * Stops reading the socket's TCP connection, so the server's writes back up in engine.io's buffer
 * (its backpressure); `resume` reads again.
 */
export function pauseReading(socket: Socket): { resume(): void } {
  const tcp = (socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
  tcp.pause();
  return { resume: () => tcp.resume() };
}

/** The user's whole surface now (`GET /api/a2ui/surface`, a snapshot), and its version. */
export async function surfaceOf(url: string, token: string): Promise<{ doc: Doc; version: number }> {
  const res = await fetch(`${url}/api/a2ui/surface`, { headers: bearer(token) });
  const frame = (await res.json()) as Frame;
  return { doc: (frame.ops[0] as { value: Doc }).value, version: frame.to };
}

/** Polls the surface until `predicate` holds (background frames: a loaded inbox, a streamed draft). */
export async function waitForSurface(url: string, token: string, predicate: (doc: Doc) => boolean, timeoutMs = 10_000): Promise<{ doc: Doc; version: number }> {
  let last: Doc | undefined;
  return waitFor(
    async () => {
      const surface = await surfaceOf(url, token);
      last = surface.doc;
      return predicate(surface.doc) ? surface : undefined;
    },
    () => `the surface to reach the expected state; components: ${Object.keys(last?.components ?? {}).slice(0, 40).join(', ')}`,
    timeoutMs,
  );
}

export function emitAck<T>(socket: Socket, event: string, payload: unknown, timeoutMs = 15000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

export function applyOps(doc: Doc | undefined, ops: Operation[]): Doc {
  return applyPatch(deepClone(doc ?? { components: {}, dataModel: {} }), deepClone(ops), true, false).newDocument as Doc;
}

export class LiveClient {
  doc: Doc | undefined;
  version = -1;
  readonly frames: Frame[] = [];
  gaps = 0;
  /** When true, frames are dropped as if the network lost them (to make a gap). */
  deaf = false;
  private resyncing = false;

  constructor(readonly socket: Socket) {
    socket.on('frame', (frame: Frame) => {
      if (this.deaf) return;
      this.frames.push(frame);
      void this.receive(frame);
    });
  }

  /** The view it shows: the token's own (`main`, the one REST calls without a surface id share) unless named. */
  viewId = 'main';

  /** A client joined to `viewId` (default `main`: the token's own view, shared with REST helpers). */
  static async open(url: string, token: string, viewId = 'main'): Promise<LiveClient> {
    const client = new LiveClient(connect(url, token));
    client.viewId = viewId;
    await connected(client.socket);
    client.apply(await emitAck<Frame>(client.socket, 'join', { surface_id: viewId }));
    return client;
  }

  /** Applies a frame it can; false when it is not for this version. */
  apply(frame: Frame): boolean {
    if (frame.from !== null && frame.from !== this.version) return false;
    if (frame.ops.length) this.doc = applyOps(this.doc, frame.ops);
    this.version = frame.to;
    return true;
  }

  /**
   * A frame ahead of us means we missed some: ask once, and drop frames until the answer comes. The
   * socket keeps order, so the answer covers every frame sent before it; later ones arrive after it.
   */
  private async receive(frame: Frame): Promise<void> {
    if (this.resyncing || this.apply(frame) || frame.to <= this.version) return;
    this.gaps++;
    this.resyncing = true;
    try {
      this.apply(await emitAck<Frame>(this.socket, 'resync', { version: this.version }));
    } finally {
      this.resyncing = false;
    }
  }

  /** Sends an action; the ack's frame is this tab's copy of the change, applied like any frame. */
  async action(action: string, payload: Record<string, unknown> = {}): Promise<ActionAck & { frame: Frame }> {
    const ack = await emitAck<ActionAck>(this.socket, 'action', { action, payload, surface_id: this.viewId, base_version: this.version });
    if (!ack.frame) throw new Error(`action ${action} refused: ${JSON.stringify(ack.error)}`);
    this.frames.push(ack.frame);
    void this.receive(ack.frame);
    return ack as ActionAck & { frame: Frame };
  }

  /** Resolves when the client holds at least `version`. */
  async until(version: number, timeoutMs = 10000): Promise<void> {
    await waitFor(() => this.version >= version, () => `version ${version} (the client is stuck at ${this.version})`, timeoutMs);
  }

  /** Resolves when the document satisfies `predicate` (after any frame). */
  async waitFor(predicate: (doc: Doc) => boolean, timeoutMs = 10000): Promise<void> {
    await waitFor(() => this.doc !== undefined && predicate(this.doc), () => `the document to reach the expected state (at version ${this.version})`, timeoutMs);
  }

  /** The literal `text` of a Text component (undefined when absent or bound). */
  text(id: string): string | undefined {
    const component = this.doc?.components[id] as { text?: unknown } | undefined;
    return typeof component?.text === 'string' ? component.text : undefined;
  }

  /** The messages of the toasts on screen, oldest first. */
  toasts(): string[] {
    const area = this.doc?.components['app-toasts'] as { children?: string[] } | undefined;
    return (area?.children ?? []).map((id) => this.text(`${id}-text`) ?? '');
  }

  /** The route the server has this session on. */
  route(): string | undefined {
    return (this.doc?.dataModel.app as { route?: string } | undefined)?.route;
  }

  close(): void {
    this.socket.close();
  }
}
