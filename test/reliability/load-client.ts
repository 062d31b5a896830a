/**
 * A client under load for the kill -9 test: it acts continuously with numbered actions and remembers
 * which the server acknowledged, so that after a crash and restart each acknowledged one can be looked
 * for. Two kinds:
 *
 * - a tab (socket.io, its own view): alternately opens the compose page and sends a mail with a
 *   numbered subject, each action carrying the preferences `{n: <number>}`; a mail counts when the
 *   send's ack says success, the preferences when any action carrying them does;
 * - an agent starter (REST): starts a short-lived agent again and again; a session counts when the
 *   start answered 200 with its id.
 *
 * A tab keeps its document and version across connections (as the thin client does), so that after a
 * reconnect it can be compared with a fresh snapshot of the same view.
 */
import type { Frame } from '../../server/transport/protocol';
import { connect, connected, emitAck, LiveClient } from '../helpers/client';

export interface Acked {
  /** Subjects of mails the server acknowledged as sent. */
  mails: string[];
  /** The highest preferences number an acknowledged action carried (-1: none). */
  prefs: number;
  /** Agent session ids the server answered a start with. */
  sessions: string[];
}

/** Runs `step(i)` for i = 0, 1, … until `stop()` (or the first failure, which ends the loop quietly: the server is gone). */
async function loop(step: (i: number) => Promise<void>, stopped: () => boolean, from: number): Promise<number> {
  let i = from;
  while (!stopped()) {
    try {
      await step(i);
    } catch {
      return i;
    }
    i++;
  }
  return i;
}

export class LoadTab {
  readonly acked: Acked = { mails: [], prefs: -1, sessions: [] };
  private client: LiveClient | undefined;
  private next = 0;

  constructor(
    readonly name: string,
    private readonly token: string,
    readonly viewId: string,
  ) {}

  /** The document and version this tab holds. */
  get holds(): { doc: LiveClient['doc']; version: number } {
    return { doc: this.client?.doc, version: this.client?.version ?? -1 };
  }

  /**
   * Connects (again): joins its view with the version it holds. Answers false when the join's frame
   * does not apply to what it holds (a diff from another version): a stale or broken screen.
   */
  async connect(url: string): Promise<boolean> {
    const before = this.client;
    this.client?.close();
    const client = new LiveClient(connect(url, this.token));
    client.viewId = this.viewId;
    if (before) {
      client.doc = before.doc;
      client.version = before.version;
    }
    await connected(client.socket);
    const frame = await emitAck<Frame>(client.socket, 'join', { surface_id: this.viewId, ...(before ? { version: before.version } : {}) });
    this.client = client;
    // The restored view may be on another page than the last action left it: the next action opens compose.
    this.next += this.next % 2;
    return client.apply(frame);
  }

  /** Acts until `stopped()` or until the server stops answering. */
  async act(stopped: () => boolean): Promise<void> {
    this.next = await loop((i) => this.step(i), stopped, this.next);
  }

  private async step(i: number): Promise<void> {
    const client = this.client!;
    const sending = i % 2 === 1;
    const subject = `${this.name}-mail-${i}`;
    const payload = sending ? { to: 'someone@example.com', subject, body: `body ${i}` } : { to: '/email/compose' };
    const ack = await emitAck<{ status: string; frame?: Frame }>(
      client.socket,
      'action',
      { action: sending ? 'send' : 'navigate', payload, surface_id: this.viewId, base_version: client.version, context: { user_prefs: { n: i } } },
      10_000,
    );
    if (ack.frame) {
      client.frames.push(ack.frame);
      client.apply(ack.frame);
    }
    if (ack.status !== 'success') throw new Error(`${this.name}: action ${i} answered ${JSON.stringify(ack).slice(0, 300)}`);
    this.acked.prefs = Math.max(this.acked.prefs, i);
    if (sending) this.acked.mails.push(subject);
  }

  close(): void {
    this.client?.close();
  }
}

/** Starts the agent `agentId` over REST, again and again. */
export class AgentStarter {
  readonly acked: Acked = { mails: [], prefs: -1, sessions: [] };
  /** The last answer that was neither a start nor a refusal for a running session (for the report). */
  refused: string | undefined;
  private next = 0;

  constructor(
    private readonly token: string,
    private readonly agentId: string,
  ) {}

  async act(url: string, stopped: () => boolean): Promise<void> {
    this.next = await loop(
      async (i) => {
        const res = await fetch(`${url}/api/agents/${this.agentId}/start`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ prompt: `start ${i}` }),
        });
        const body = (await res.json()) as { session?: { id?: string } };
        // A start while the last one still runs is refused (409): not acknowledged, tried again.
        if ((res.status === 200 || res.status === 201) && body.session?.id) this.acked.sessions.push(body.session.id);
        else if (res.status !== 409) {
          this.refused = `start ${i} answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`;
          throw new Error(this.refused);
        }
      },
      stopped,
      this.next,
    );
  }
}
