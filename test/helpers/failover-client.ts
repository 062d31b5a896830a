/**
 * A client that rides out the loss of a server process, as a browser behind a load balancer does: when
 * its connection drops it connects to the next process of the list, joins its view again with the
 * version it holds (catch-up by version, or a snapshot), and sends the action it had no answer for
 * again, with the same id. Its actions are numbered (`<client>:<n>`), one at a time; it keeps the
 * numbers the server acknowledged, to be checked against the server's journal.
 */
import { applyOps, type Doc } from './client';
import { io, type Socket } from 'socket.io-client';
import type { ActionAck, Frame } from '../../server/transport/protocol';

export class FailoverClient {
  doc: Doc | undefined;
  version = -1;
  /** The action numbers the server acknowledged, in order, and when. */
  readonly acked: number[] = [];
  readonly ackedAt: number[] = [];
  /** Answers that said the action had been applied before (a resend after a lost answer). */
  duplicates = 0;
  /** When the client last joined a view (after a drop or a move). */
  joinedAt = 0;
  /** How each join after a drop caught up. */
  readonly catchUps = { byVersion: 0, bySnapshot: 0 };
  /** The longest time from a drop to a joined view on another process (ms). */
  longestOutage = 0;
  reconnects = 0;
  private socket: Socket | undefined;
  private ready = false;
  private downSince: number | undefined;
  private next = 0;
  private stopped = false;
  private urlIndex: number;
  private resyncing = false;
  private moving = false;

  constructor(
    /** The processes to try, in order (shared: the test adds a process it starts). */
    private readonly urls: string[],
    private readonly token: string,
    readonly viewId: string,
    readonly clientId: string,
    first: number,
  ) {
    this.urlIndex = first;
  }

  /** Connects and joins; resolves once joined. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** The number of the action it sends next (acknowledged are all before it). */
  get nextNumber(): number {
    return this.next;
  }

  /**
   * Sends actions one after another until `stop()`, `pauseMs` apart; each is retried with its id until
   * acknowledged. Rejects when the server refuses one for a reason other than a move.
   */
  async run(actionOf: (n: number) => { action: string; payload: Record<string, unknown> }, pauseMs = 0): Promise<void> {
    while (!this.stopped) {
      if (!this.ready || !this.socket) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      const n = this.next;
      const action = actionOf(n);
      const socket = this.socket;
      let ack: ActionAck | undefined;
      try {
        ack = (await socket.timeout(5000).emitWithAck('action', { ...action, surface_id: this.viewId, base_version: this.version, action_id: `${this.clientId}:${n}` })) as ActionAck;
      } catch {
        ack = undefined; // no answer: the connection went (or the process); sent again once joined
      }
      if (ack?.status === 'success' && ack.frame) {
        this.acked.push(n);
        this.ackedAt.push(Date.now());
        if (ack.duplicate) this.duplicates++;
        this.next = n + 1;
        this.receive(ack.frame);
        if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      } else if (ack?.status === 'error' && ack.error?.code !== 'UNAVAILABLE' && ack.error?.code !== 'NOT_FOUND') {
        throw new Error(`${this.clientId}: action ${n} failed: ${JSON.stringify(ack.error)}`);
      } else {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** Leaves its process for `urls[index]`, as a load balancer moving a connection would. */
  moveTo(index: number): void {
    this.urlIndex = index;
    this.moving = true;
    this.socket?.disconnect();
  }

  stop(): void {
    this.stopped = true;
  }

  close(): void {
    this.stopped = true;
    this.socket?.removeAllListeners();
    this.socket?.close();
  }

  private async connect(): Promise<void> {
    for (;;) {
      const url = this.urls[this.urlIndex % this.urls.length]!;
      const socket = io(url, { auth: { token: this.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 2000 });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        const frame = (await socket.timeout(5000).emitWithAck('join', { surface_id: this.viewId, ...(this.version >= 0 ? { version: this.version } : {}) })) as Frame & { error?: unknown };
        if (!frame.ops) throw new Error(`join refused: ${JSON.stringify(frame.error)}`);
        if (this.downSince !== undefined) {
          if (frame.from === null) this.catchUps.bySnapshot++;
          else this.catchUps.byVersion++;
        }
        this.socket = socket;
        socket.on('frame', (f: Frame) => this.receive(f));
        socket.once('disconnect', () => this.dropped(socket));
        this.applyJoin(frame);
        this.ready = true;
        this.joinedAt = Date.now();
        if (this.downSince !== undefined && !this.moving) {
          this.longestOutage = Math.max(this.longestOutage, Date.now() - this.downSince);
          this.downSince = undefined;
          this.reconnects++;
        }
        this.downSince = undefined;
        this.moving = false;
        return;
      } catch {
        socket.removeAllListeners();
        socket.close();
        if (this.stopped) return;
        this.urlIndex++;
        this.moving = false; // its target is gone too: from here on it is an outage
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  private dropped(socket: Socket): void {
    if (this.socket !== socket) return;
    this.ready = false;
    this.socket = undefined;
    socket.removeAllListeners();
    this.downSince ??= Date.now();
    if (!this.stopped) void this.connect();
  }

  private applyJoin(frame: Frame): void {
    if (frame.from === null || frame.from === this.version) {
      this.doc = applyOps(this.doc, frame.ops);
      this.version = frame.to;
    }
  }

  private receive(frame: Frame): void {
    if (frame.from === null || frame.from === this.version) {
      if (frame.ops.length) this.doc = applyOps(this.doc, frame.ops);
      this.version = frame.to;
      return;
    }
    if (frame.to <= this.version || this.resyncing || !this.socket) return;
    // A gap: ask for what was missed (the socket keeps order, so the answer covers it).
    this.resyncing = true;
    const socket = this.socket;
    void (socket.timeout(5000).emitWithAck('resync', { version: this.version }) as Promise<Frame>)
      .then((answer) => {
        if (answer.ops && (answer.from === null || answer.from === this.version)) {
          this.doc = applyOps(this.doc, answer.ops);
          this.version = answer.to;
        }
      })
      .catch(() => undefined)
      .finally(() => (this.resyncing = false));
  }
}
