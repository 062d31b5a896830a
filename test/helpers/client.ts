/**
 * A socket.io client that keeps a surface document the way the thin client does: it applies a frame
 * when `from` matches its version (or `from` is null: a snapshot), and asks to resync on a gap.
 */
import { applyPatch, deepClone, type Operation } from 'fast-json-patch';
import { io, type Socket } from 'socket.io-client';
import type { ActionAck, Frame } from '../../server/protocol';

export type Doc = { components: Record<string, unknown>; dataModel: Record<string, unknown> };

export function connect(url: string, token: string | undefined, extra: Record<string, unknown> = {}): Socket {
  return io(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true, ...extra });
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

  static async open(url: string, token: string): Promise<LiveClient> {
    const client = new LiveClient(connect(url, token));
    await new Promise<void>((resolve, reject) => {
      client.socket.once('connect', resolve);
      client.socket.once('connect_error', reject);
    });
    client.apply(await emitAck<Frame>(client.socket, 'join', { surface_id: 'main' }));
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
    const ack = await emitAck<ActionAck>(this.socket, 'action', { action, payload, surface_id: 'main', base_version: this.version });
    if (!ack.frame) throw new Error(`action ${action} refused: ${JSON.stringify(ack.error)}`);
    this.frames.push(ack.frame);
    void this.receive(ack.frame);
    return ack as ActionAck & { frame: Frame };
  }

  /** Resolves when the client holds at least `version`. */
  async until(version: number, timeoutMs = 10000): Promise<void> {
    const start = Date.now();
    while (this.version < version) {
      if (Date.now() - start > timeoutMs) throw new Error(`client stuck at ${this.version}, waiting for ${version}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Resolves when the document satisfies `predicate` (after any frame). */
  async waitFor(predicate: (doc: Doc) => boolean, timeoutMs = 10000): Promise<void> {
    const start = Date.now();
    while (!this.doc || !predicate(this.doc)) {
      if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms at version ${this.version}`);
      await new Promise((r) => setTimeout(r, 10));
    }
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
