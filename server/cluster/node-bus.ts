/**
 * Requests from one process to another: a process that receives an action for a user it does not own
 * forwards it to the owner and relays the answer. Each process listens on its own Redis channel
 * (`node:<id>`); a request names its method, and the answer comes back on the asker's channel.
 *
 * A process is alive while its channel has a listener: PUBLISH answers how many received a message,
 * so a request to a process that died (its connection to Redis closed) fails at once with NodeGone
 * instead of waiting for a timeout; the caller then takes the user over (leases.ts).
 */
import crypto from 'node:crypto';
import { ERROR_STATUS, PluginError, type ErrorCode } from '../../agents/errors';
import type { RedisConnection } from './redis-connection';

export type Handler = (args: any, from: string) => unknown;

/** The process asked is gone (no listener on its channel) or did not answer in time. */
export class NodeGone extends Error {
  constructor(readonly node: string, why: string) {
    super(`process ${node} ${why}`);
  }
}

interface Request {
  kind: 'request';
  id: string;
  from: string;
  method: string;
  args: unknown;
}

interface Reply {
  kind: 'reply';
  id: string;
  result?: unknown;
  error?: { code: string; message: string; details?: unknown };
}

interface Notice {
  kind: 'notice';
  from: string;
  method: string;
  args: unknown;
}

export const nodeChannel = (node: string) => `node:${node}`;

export class NodeBus {
  private readonly handlers = new Map<string, Handler>();
  private readonly waiting = new Map<string, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly redis: RedisConnection,
    readonly node: string,
    /** The longest wait for an answer. */
    private readonly timeoutMs: number,
  ) {}

  /** Starts listening on this process's channel: from then on it is alive for the others. */
  start(): Promise<void> {
    return this.redis.subscribe(nodeChannel(this.node), (message) => this.received(message));
  }

  /** Stops listening: to the others this process is gone. */
  async stop(): Promise<void> {
    await this.redis.unsubscribe(nodeChannel(this.node));
    for (const [id, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(new NodeGone(this.node, 'is stopping'));
      this.waiting.delete(id);
    }
  }

  handle(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  /** Asks `node` to run `method`; rejects with NodeGone, or with the handler's error (a PluginError keeps its code). */
  async call<T>(node: string, method: string, args: unknown): Promise<T> {
    const id = crypto.randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new NodeGone(node, `did not answer ${method} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
    });
    const request: Request = { kind: 'request', id, from: this.node, method, args };
    const receivers = await this.redis.publish(nodeChannel(node), JSON.stringify(request)).catch(() => -1);
    if (receivers <= 0) {
      const waiting = this.waiting.get(id);
      if (waiting) {
        clearTimeout(waiting.timer);
        this.waiting.delete(id);
      }
      throw new NodeGone(node, receivers === 0 ? 'is gone' : 'could not be reached (Redis)');
    }
    return (await answer) as T;
  }

  /** Tells `node` something without waiting for an answer; false when it is gone. */
  async notify(node: string, method: string, args: unknown): Promise<boolean> {
    const notice: Notice = { kind: 'notice', from: this.node, method, args };
    return (await this.redis.publish(nodeChannel(node), JSON.stringify(notice)).catch(() => 0)) > 0;
  }

  private received(raw: Buffer): void {
    let message: Request | Reply | Notice;
    try {
      message = JSON.parse(raw.toString()) as Request | Reply | Notice;
    } catch {
      return;
    }
    if (message.kind === 'reply') {
      const waiting = this.waiting.get(message.id);
      if (!waiting) return;
      clearTimeout(waiting.timer);
      this.waiting.delete(message.id);
      if (message.error) {
        const code = (Object.hasOwn(ERROR_STATUS, message.error.code) ? message.error.code : 'INTERNAL_ERROR') as ErrorCode;
        waiting.reject(new PluginError(code, message.error.message, message.error.details as Record<string, unknown> | undefined));
      }
      else waiting.resolve(message.result);
      return;
    }
    const handler = this.handlers.get(message.method);
    if (message.kind === 'notice') {
      if (handler) void Promise.resolve().then(() => handler(message.args, message.from)).catch((error: unknown) => console.error(`[cluster] ${message.method} from ${message.from} failed:`, error));
      return;
    }
    void this.answer(message, handler);
  }

  private async answer(request: Request, handler: Handler | undefined): Promise<void> {
    let reply: Reply;
    try {
      if (!handler) throw new PluginError('NOT_FOUND', `no method ${request.method}`);
      reply = { kind: 'reply', id: request.id, result: await handler(request.args, request.from) };
    } catch (error) {
      const code = error instanceof PluginError ? error.code : 'INTERNAL_ERROR';
      if (!(error instanceof PluginError)) console.error(`[cluster] ${request.method} for ${request.from} failed:`, error);
      const details = error instanceof PluginError ? error.details : undefined;
      reply = { kind: 'reply', id: request.id, error: { code, message: error instanceof Error ? error.message : String(error), ...(details ? { details } : {}) } };
    }
    await this.redis.publish(nodeChannel(request.from), JSON.stringify(reply)).catch((error: unknown) => console.warn(`[cluster] could not answer ${request.from}:`, error));
  }
}
