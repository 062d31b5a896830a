/**
 * Shared logs (agents/module.ts, SharedLogs) on Redis Streams: one stream per log, its entry ids the
 * writer's own numbers (`<seq>-0`), so an entry numbered at or below the last one is refused, and a
 * reader resumes with an exclusive range from the seq it has.
 *
 * `append` (a batch of entries) runs as one Lua script: the check of the numbering, the XADDs and the
 * PUBLISH of the live copy happen together or not at all. So a process that listens on the family's
 * channel (from the start) and then reads the stream sees every entry at least once: one appended
 * before its read is in the stream, one after is published to it. Both the entry and the live copy are encrypted with the store's key, bound to the
 * log's key name (store-cipher.ts).
 *
 * Streams are trimmed to about `keep` entries (`MAXLEN ~`, which trims whole radix nodes only: cheap,
 * and never below `keep`).
 */
import type { LogEntry, SharedLogs } from '../../agents/module';
import type { RedisConnection } from './redis-connection';
import type { StoreCipher } from './store-cipher';

/** A log's name: ids (user, agent) joined by `/`; never `:` or a space, which the store's keys use. */
const LOG_NAME = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const LOG_NAME_CHARS = 200;

/** KEYS: the stream. ARGV: bound, channel, live message, then seq and entry for each entry, in order. */
const APPEND = `local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if top then
  local last = tonumber(string.match(top[1], '^(%d+)'))
  if last >= tonumber(ARGV[4]) then return redis.error_reply('ERR entry ' .. ARGV[4] .. ' is not above the last one, ' .. last) end
end
for i = 4, #ARGV, 2 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[i] .. '-0', 't', ARGV[i + 1])
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1`;

/** What goes on a family's channel: who wrote, to which log, and the live copy (encrypted). */
interface LiveMessage {
  node: string;
  log: string;
  live: string;
}

export class RedisSharedLogs implements SharedLogs {
  private readonly liveListeners = new Set<(log: string, live: string) => void>();
  private readonly gapListeners = new Set<() => void>();
  private readonly appendScript: ReturnType<RedisConnection['script']>;
  /** Resolves once this process listens on the family's channel. */
  readonly listening: Promise<void>;

  constructor(
    private readonly redis: RedisConnection,
    private readonly cipher: StoreCipher,
    /** This process: its own appends are not handed back to it. */
    private readonly node: string,
    /** The family (`agent-events`): its streams are `log:<name>:<log>`, its channel `log:<name>`. */
    private readonly name: string,
    private readonly keep: number,
  ) {
    this.appendScript = redis.script(APPEND);
    this.listening = redis.subscribe(this.channel(), (message) => this.received(message));
    // Published while the subscriber was reconnecting is lost to it: readers catch up from the streams.
    redis.onReconnect(() => {
      for (const listener of this.gapListeners) listener();
    });
  }

  async append(log: string, entries: readonly LogEntry[], live: string): Promise<void> {
    const key = this.key(log);
    const args: Array<string | number> = [];
    let previous = 0;
    for (const { seq, text } of entries) {
      if (!Number.isSafeInteger(seq) || seq <= previous) throw new Error(`not an entry number in order: ${seq} after ${previous}`);
      previous = seq;
      args.push(seq, this.cipher.encrypt(text, key));
    }
    if (args.length === 0) return;
    const message: LiveMessage = { node: this.node, log, live: this.cipher.encrypt(live, this.channelKey(log)) };
    await this.appendScript([key], this.keep, this.redis.key(this.channel()), JSON.stringify(message), ...args);
  }

  async after(log: string, after: number, count: number): Promise<LogEntry[]> {
    const key = this.key(log);
    return this.entries(key, await this.redis.command.xrange(key, `(${Math.max(0, Math.floor(after))}-0`, '+', 'COUNT', count));
  }

  async last(log: string, count: number, from = 1, to?: number): Promise<LogEntry[]> {
    const key = this.key(log);
    const end = to === undefined ? '+' : `${Math.floor(to)}-0`;
    return this.entries(key, await this.redis.command.xrevrange(key, end, `${Math.max(1, Math.floor(from))}-0`, 'COUNT', count)).reverse();
  }

  onLive(listener: (log: string, live: string) => void): void {
    this.liveListeners.add(listener);
  }

  onGap(listener: () => void): void {
    this.gapListeners.add(listener);
  }

  private key(log: string): string {
    if (log.length > LOG_NAME_CHARS || !LOG_NAME.test(log)) throw new Error(`not a log name: ${log}`);
    return this.redis.key(`log:${this.name}:${log}`);
  }

  private channel(): string {
    return `log:${this.name}`;
  }

  /** What a live copy is bound to: its family's channel and its log. */
  private channelKey(log: string): string {
    return `${this.redis.key(this.channel())}\u0000${log}`;
  }

  /** Stream entries as log entries; one that does not decrypt (another key, tampered) is skipped and logged. */
  private entries(key: string, raw: Array<[id: string, fields: string[]]>): LogEntry[] {
    const entries: LogEntry[] = [];
    for (const [id, fields] of raw) {
      const seq = Number.parseInt(id, 10);
      try {
        entries.push({ seq, text: this.cipher.decrypt(fields[1] ?? '', key) });
      } catch (error) {
        console.warn(`[cluster] entry ${id} of ${key} is not readable with this A2UI_STORE_KEY; skipped (${error instanceof Error ? error.message : error})`);
      }
    }
    return entries;
  }

  private received(raw: Buffer): void {
    let message: LiveMessage;
    try {
      message = JSON.parse(raw.toString()) as LiveMessage;
      if (message.node === this.node || typeof message.log !== 'string' || typeof message.live !== 'string') return;
    } catch {
      return;
    }
    let live: string;
    try {
      live = this.cipher.decrypt(message.live, this.channelKey(message.log));
    } catch {
      console.warn(`[cluster] a live entry of ${message.log} from ${message.node} is not readable with this A2UI_STORE_KEY; skipped`);
      return;
    }
    for (const listener of this.liveListeners) {
      try {
        listener(message.log, live);
      } catch (error) {
        console.error(`[cluster] a listener of ${this.name} failed:`, error);
      }
    }
  }
}
