/**
 * Agents when several server processes share one store (the cluster port of module.ts). An agent's
 * OS process is a child of the server process that started it, and its session record names that
 * process (`node`). So:
 * - stop, input and permission answers for a session live on another process are forwarded to it
 *   (only it holds the process's stdin and signals);
 * - a process sees to the sessions it started only: at start-up it recovers its own records (same
 *   `A2UI_NODE_ID`), never another living process's;
 * - when a process dies, the others notice within the lease time (it no longer listens on the store)
 *   and suspend its live sessions (resumable, as after a restart), stopping its agents when they run
 *   on the same machine (the process stamp says so).
 * Without the port (one process, `npm start`) nothing here does anything.
 */
import type { ClusterPort } from '../module';
import type { SessionRecord } from './session-record';
import { isLive } from './status';

/** Suspends (or ends) a live session of a process that is gone. */
type Orphaned = (record: SessionRecord) => Promise<void>;

/** The methods one process answers for the others. */
export const AGENT_METHODS = { stop: 'agents.stop', input: 'agents.input', answer: 'agents.answer' } as const;

export class AgentNodes {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly port: ClusterPort | undefined) {}

  /** This process's id; undefined for one process alone. */
  get node(): string | undefined {
    return this.port?.node;
  }

  /** Whether this process sees to `record` at start-up: its own, or one from before records named a process. */
  isMine(record: SessionRecord): boolean {
    return !this.port || !record.node || record.node === this.port.node;
  }

  /** Whether a live session runs on another process (living or not). */
  mayBeElsewhere(record: SessionRecord): boolean {
    return !!this.port && !!record.node && record.node !== this.port.node && isLive(record.status);
  }

  /**
   * The process a live session runs on when that is another living one. A session whose process is
   * gone is handed to `orphaned` first (so the caller acts on it here, as on a suspended one).
   */
  async elsewhere(record: SessionRecord | undefined, orphaned: Orphaned): Promise<string | undefined> {
    if (!record || !this.mayBeElsewhere(record)) return undefined;
    if (await this.port!.alive(record.node!)) return record.node;
    await orphaned(record);
    return undefined;
  }

  forward<T>(node: string, method: string, args: unknown): Promise<T> {
    return this.port!.request<T>(node, method, args);
  }

  handle(method: string, handler: (args: any) => unknown): void {
    this.port?.handle(method, handler);
  }

  /** Live sessions of processes that are gone go to `orphaned` (at start, then from `watch`). */
  async sweep(records: () => SessionRecord[], orphaned: Orphaned): Promise<void> {
    const port = this.port;
    if (!port) return;
    const others = new Set(records().flatMap((r) => (r.node && r.node !== port.node && isLive(r.status) ? [r.node] : [])));
    for (const node of others) {
      if (await port.alive(node)) continue;
      for (const record of records()) if (record.node === node && isLive(record.status)) await orphaned(record);
    }
  }

  /** Every third of the lease time, a `sweep`. */
  watch(records: () => SessionRecord[], orphaned: Orphaned): void {
    const port = this.port;
    if (!port) return;
    let checking = false;
    this.timer = setInterval(() => {
      if (checking) return;
      checking = true;
      void this.sweep(records, orphaned)
        .catch((error: unknown) => console.warn('[agents] could not check the other server processes:', error instanceof Error ? error.message : error))
        .finally(() => (checking = false));
    }, Math.max(100, Math.floor(port.leaseMs / 3)));
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }
}
