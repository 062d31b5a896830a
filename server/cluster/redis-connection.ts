/**
 * The process's connections to Redis: one for commands, one subscribed to the channels this process
 * listens on (a subscribed connection can run no other command). Channels are routed to handlers
 * here, so every part of the cluster layer shares the two connections. Keys and channels carry the
 * deployment's prefix, so several deployments can share one Redis.
 */
import crypto from 'node:crypto';
import Redis from 'ioredis';

export type ChannelHandler = (message: Buffer) => void;

export class RedisConnection {
  readonly command: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, ChannelHandler>();
  private readonly readyListeners = new Set<() => void>();

  private constructor(
    url: string,
    /** Prepended to every key and channel (`a2ui:` by default). */
    readonly prefix: string,
  ) {
    const options = { lazyConnect: true, connectionName: 'a2ui', maxRetriesPerRequest: 3 };
    this.command = new Redis(url, options);
    this.subscriber = new Redis(url, { ...options, connectionName: 'a2ui-sub' });
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.handlers.get(channel.toString())?.(message));
    // After a reconnection, what was published meanwhile was missed: the parts that keep copies resync.
    let connectedOnce = false;
    this.subscriber.on('ready', () => {
      if (connectedOnce) for (const listener of this.readyListeners) listener();
      connectedOnce = true;
    });
    // ioredis reconnects by itself; an error event without a listener would crash the process.
    for (const client of [this.command, this.subscriber]) client.on('error', (error: Error) => console.warn(`[redis] ${error.message}`));
  }

  /** Connects both connections; a Redis that cannot be reached stops the start, naming the URL's host. */
  static async open(url: string, prefix = 'a2ui:'): Promise<RedisConnection> {
    const connection = new RedisConnection(url, prefix);
    try {
      await Promise.all([connection.command.connect(), connection.subscriber.connect()]);
    } catch (error) {
      connection.command.disconnect();
      connection.subscriber.disconnect();
      const where = (() => {
        try {
          return new URL(url).host;
        } catch {
          return 'the configured address';
        }
      })();
      throw new Error(`A2UI_REDIS_URL: could not connect to Redis at ${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return connection;
  }

  /**
   * A Lua script as a function of its keys and arguments, run by its SHA (EVALSHA): the text goes to
   * Redis only when Redis does not know it yet (first use, or after a restart of Redis).
   */
  script(lua: string): (keys: readonly string[], ...args: Array<string | number>) => Promise<unknown> {
    const sha = crypto.createHash('sha1').update(lua).digest('hex');
    return async (keys, ...args) => {
      try {
        return await this.command.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return this.command.eval(lua, keys.length, ...keys, ...args);
      }
    };
  }

  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** Routes `channel` (unprefixed) to `handler`; one handler per channel. */
  async subscribe(channel: string, handler: ChannelHandler): Promise<void> {
    const full = this.key(channel);
    this.handlers.set(full, handler);
    await this.subscriber.subscribe(full);
  }

  async unsubscribe(channel: string): Promise<void> {
    const full = this.key(channel);
    this.handlers.delete(full);
    await this.subscriber.unsubscribe(full).catch(() => undefined);
  }

  publish(channel: string, message: string | Buffer): Promise<number> {
    return this.command.publish(this.key(channel), message);
  }

  /** Called after each reconnection of the subscriber (messages may have been missed). */
  onReconnect(listener: () => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  /** Both connections are up. */
  connected(): boolean {
    return this.command.status === 'ready' && this.subscriber.status === 'ready';
  }

  async close(): Promise<void> {
    await Promise.all([this.command.quit().catch(() => this.command.disconnect()), this.subscriber.quit().catch(() => this.subscriber.disconnect())]);
  }
}
