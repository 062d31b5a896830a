/**
 * The store's JSON documents in Redis, for several processes at once. Modules keep their
 * `PersistentStore {data, write()}`; what changes is how a write lands:
 *
 * - A document whose every top-level field is a record (`{sessions: {<id>: …}}`, `{users: {<id>: …}}`)
 *   holds many users' data, and two processes may change it at the same time. It is stored as one
 *   Redis hash, one hash field per entry (`<field>/<key>`), and a write sends only the entries that
 *   changed since the last write (HSET / HDEL in one MULTI): two processes writing different entries
 *   never undo each other. Each write is announced on a channel; the other processes read the
 *   changed entries back into their copy of `data`, so every process sees every entry.
 * - Any other document (a user's mailbox, a user's record) has one writer at a time and is stored
 *   whole, as one value.
 *
 * Values are encrypted (store-cipher.ts). What is read is checked against the document's schema; an
 * entry (or a whole document) of the wrong shape is moved aside under `<key>:corrupt` and logged, as
 * the file store does with files.
 */
import type { z } from 'zod';
import type { PersistentStore } from '../../agents/types';
import type { DocumentLayout } from '../app/store-backend';
import type { RedisConnection } from './redis-connection';
import type { StoreCipher } from './store-cipher';
import { FENCE_CHECK } from './user-leases';

/**
 * The lease a fenced write must still hold: `[lease key, value]`, or undefined when this process does
 * not hold it (the write is refused without asking Redis).
 */
export type Fence = () => [string, string] | undefined;

const FENCED_SET = `${FENCE_CHECK}
return redis.call('SET', KEYS[2], ARGV[2])`;

const CHANGES_CHANNEL = 'doc-changes';

/** Announces which entries of a document one process wrote. */
interface ChangeNotice {
  node: string;
  doc: string;
  /** The entries written; absent for a whole document (read again whole). */
  fields?: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Entries when every top-level field of the defaults is a record (a document keyed by id). */
export function layoutOf(defaults: unknown): DocumentLayout {
  return isRecord(defaults) && Object.keys(defaults).length > 0 && Object.values(defaults).every(isRecord) ? 'entries' : 'whole';
}

/** Coalesces overlapping writes: while one is waiting to run, later calls share it (latest data wins). */
class WriteQueue {
  private scheduled: Promise<void> | null = null;
  private chain: Promise<void> = Promise.resolve();

  run(write: () => Promise<void>): Promise<void> {
    if (!this.scheduled) {
      const run = this.chain.then(() => {
        this.scheduled = null; // calls from now on schedule the next run
        return write();
      });
      this.scheduled = run;
      this.chain = run.catch(() => undefined);
    }
    return this.scheduled;
  }
}

export class RedisDocuments {
  private readonly entryDocuments = new Map<string, EntriesDocument<any>>();
  private readonly wholeDocuments = new Map<string, WholeDocument<any>>();
  private failure: string | undefined;
  private subscribed: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisConnection,
    private readonly cipher: StoreCipher,
    /** This process's id: its own change notices are not read back. */
    private readonly node: string,
  ) {
    redis.onReconnect(() => {
      // Notices published while the connection was down were missed: read every entry again.
      for (const document of this.entryDocuments.values()) void document.reload().catch((error: unknown) => this.failed(document.name, error));
    });
  }

  /** Opens the document `name` (layout from its defaults unless given), checked against `schema`. */
  async open<T>(name: string, defaults: T, schema: z.ZodType<T, unknown>, layout: DocumentLayout = layoutOf(defaults), fence?: Fence): Promise<PersistentStore<T>> {
    if (this.entryDocuments.has(name) || this.wholeDocuments.has(name)) throw new Error(`the document ${name} is open already`);
    this.subscribed ??= this.redis.subscribe(CHANGES_CHANNEL, (message) => this.changed(message));
    await this.subscribed;
    if (layout === 'whole' || fence) {
      const document = new WholeDocument<T>(name, this.redis, this.cipher, structuredClone(defaults), schema, this.node, (error) => this.failed(name, error), fence);
      this.wholeDocuments.set(name, document);
      await document.load();
      return document;
    }
    const document = new EntriesDocument<T>(name, this.redis, this.cipher, defaults, schema, this.node, (error) => this.failed(name, error));
    this.entryDocuments.set(name, document);
    await document.reload();
    return document;
  }

  /** The last failed write's cause, while no later write succeeded; and whether Redis is reachable. */
  health(): { status: 'ok' } | { status: 'error'; detail: string } {
    if (!this.redis.connected()) return { status: 'error', detail: 'Redis is not connected' };
    return this.failure ? { status: 'error', detail: this.failure } : { status: 'ok' };
  }

  private failed(name: string, error: unknown | undefined): void {
    if (error === undefined) {
      this.failure = undefined;
      return;
    }
    this.failure = `the document ${name} could not be saved: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`[store] ${this.failure}`);
  }

  private changed(message: Buffer): void {
    let notice: ChangeNotice;
    try {
      notice = JSON.parse(message.toString()) as ChangeNotice;
    } catch {
      return;
    }
    if (notice.node === this.node) return;
    const failed = (error: unknown) => console.error(`[store] could not read changes of ${notice.doc}:`, error);
    if (notice.fields) void this.entryDocuments.get(notice.doc)?.readBack(notice.fields).catch(failed);
    // Another process wrote a whole document this one holds (a user who moved, and may come back).
    else void this.wholeDocuments.get(notice.doc)?.load().catch(failed);
  }
}

/** Why stored data was refused, for the log (never the data itself: it may hold tokens). */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'the whole document'}: ${issue.message}`)
    .join('; ');
}

/** A document with one writer at a time: one encrypted value. */
class WholeDocument<T> implements PersistentStore<T> {
  private readonly queue = new WriteQueue();
  private readonly key: string;
  private readonly fencedSet: ReturnType<RedisConnection['script']>;

  constructor(
    readonly name: string,
    private readonly redis: RedisConnection,
    private readonly cipher: StoreCipher,
    public data: T,
    private readonly schema: z.ZodType<T, unknown>,
    private readonly node: string,
    private readonly report: (error: unknown | undefined) => void,
    /** Set: every write checks that this process still holds the lease (a stale owner's late write is refused). */
    private readonly fence?: Fence,
  ) {
    this.key = redis.key(`doc:${name}`);
    this.fencedSet = redis.script(FENCED_SET);
  }

  async load(): Promise<void> {
    const stored = await this.redis.command.get(this.key);
    if (stored === null) return;
    let problem: string;
    try {
      const parsed = this.schema.safeParse(JSON.parse(this.cipher.decrypt(stored, this.key)));
      if (parsed.success) {
        this.data = parsed.data;
        return;
      }
      problem = `did not have the expected shape (${describeIssues(parsed.error)})`;
    } catch {
      problem = 'could not be read (not JSON, or not encrypted with this A2UI_STORE_KEY)';
    }
    const aside = `${this.key}:corrupt-${Date.now()}`;
    await this.redis.command.rename(this.key, aside);
    console.warn(`[store] ${this.key} ${problem}; moved it to ${aside} and started empty`);
  }

  write(): Promise<void> {
    return this.queue.run(async () => {
      try {
        const value = this.cipher.encrypt(JSON.stringify(this.data), this.key);
        if (this.fence) {
          const lease = this.fence();
          if (!lease) throw new Error('FENCED this process does not hold the lease of this document\'s user');
          await this.fencedSet([lease[0], this.key], lease[1], value);
        } else {
          await this.redis.command.set(this.key, value);
        }
        const notice: ChangeNotice = { node: this.node, doc: this.name };
        await this.redis.publish(CHANGES_CHANNEL, JSON.stringify(notice));
        this.report(undefined);
      } catch (error) {
        this.report(error);
        throw error;
      }
    });
  }
}

/** A document of records: one hash field per entry, written entry by entry. */
class EntriesDocument<T> implements PersistentStore<T> {
  data: T;
  /** What this process last wrote or read per hash field: a write sends only what differs. */
  private readonly written = new Map<string, string>();
  private readonly queue = new WriteQueue();
  private readonly key: string;
  private readonly fields: string[];

  constructor(
    readonly name: string,
    private readonly redis: RedisConnection,
    private readonly cipher: StoreCipher,
    private readonly defaults: T,
    private readonly schema: z.ZodType<T, unknown>,
    private readonly node: string,
    private readonly report: (error: unknown | undefined) => void,
  ) {
    this.key = redis.key(`doc:${name}`);
    this.data = structuredClone(defaults);
    this.fields = Object.keys(defaults as Record<string, unknown>);
  }

  /** Reads every entry (at open, and after a reconnection), checked against the schema. */
  async reload(): Promise<void> {
    const stored = await this.redis.command.hgetall(this.key);
    const assembled = structuredClone(this.defaults) as Record<string, Record<string, unknown>>;
    const unreadable: string[] = [];
    for (const [hashField, value] of Object.entries(stored)) {
      const [field, key] = splitField(hashField);
      if (!field || !this.fields.includes(field)) continue;
      try {
        assembled[field]![key] = JSON.parse(this.cipher.decrypt(value, `${this.key}/${hashField}`));
      } catch {
        unreadable.push(hashField);
      }
    }
    const refused = new Set(unreadable);
    let parsed = this.schema.safeParse(assembled);
    // Entries of the wrong shape go aside one by one; the rest of the document is kept.
    for (let round = 0; !parsed.success && round < 20; round++) {
      const bad = parsed.error.issues.map((issue) => issue.path.slice(0, 2).map(String)).filter((path) => path.length === 2);
      if (bad.length === 0) break;
      for (const [field, key] of bad) {
        delete assembled[field!]![key!];
        refused.add(`${field}/${key}`);
      }
      parsed = this.schema.safeParse(assembled);
    }
    if (refused.size > 0) await this.setAside([...refused]);
    const data = parsed.success ? parsed.data : structuredClone(this.defaults);
    if (!parsed.success) console.warn(`[store] ${this.key} did not have the expected shape (${describeIssues(parsed.error)}); started empty`);
    this.data = replaceContents(this.data, data);
    this.written.clear();
    for (const [hashField, json] of this.entries()) this.written.set(hashField, json);
  }

  /** Takes in entries another process wrote. */
  async readBack(hashFields: string[]): Promise<void> {
    if (hashFields.length === 0) return;
    const values = await this.redis.command.hmget(this.key, ...hashFields);
    const data = this.data as Record<string, Record<string, unknown>>;
    hashFields.forEach((hashField, i) => {
      const [field, key] = splitField(hashField);
      if (!field || !Object.hasOwn(data, field)) return;
      const value = values[i];
      if (value === null || value === undefined) {
        delete data[field]![key];
        this.written.delete(hashField);
        return;
      }
      try {
        const plain = this.cipher.decrypt(value, `${this.key}/${hashField}`);
        data[field]![key] = JSON.parse(plain);
        this.written.set(hashField, plain);
      } catch (error) {
        console.warn(`[store] ${this.key}/${hashField} could not be read back:`, error instanceof Error ? error.message : error);
      }
    });
  }

  write(): Promise<void> {
    return this.queue.run(async () => {
      const now = new Map(this.entries());
      const changed: Array<[string, string]> = [];
      for (const [hashField, json] of now) if (this.written.get(hashField) !== json) changed.push([hashField, json]);
      const removed = [...this.written.keys()].filter((hashField) => !now.has(hashField));
      if (changed.length === 0 && removed.length === 0) return;
      try {
        const multi = this.redis.command.multi();
        if (changed.length > 0) multi.hset(this.key, ...changed.flatMap(([hashField, json]) => [hashField, this.cipher.encrypt(json, `${this.key}/${hashField}`)]));
        if (removed.length > 0) multi.hdel(this.key, ...removed);
        const notice: ChangeNotice = { node: this.node, doc: this.name, fields: [...changed.map(([hashField]) => hashField), ...removed] };
        multi.publish(this.redis.key(CHANGES_CHANNEL), JSON.stringify(notice));
        const results = await multi.exec();
        const failed = results?.find(([error]) => error);
        if (failed) throw failed[0];
        for (const [hashField, json] of changed) this.written.set(hashField, json);
        for (const hashField of removed) this.written.delete(hashField);
        this.report(undefined);
      } catch (error) {
        this.report(error);
        throw error;
      }
    });
  }

  /** Every entry as `[<field>/<key>, JSON]`. */
  private *entries(): Generator<[string, string]> {
    const data = this.data as Record<string, Record<string, unknown>>;
    for (const field of this.fields) {
      const records = data[field];
      if (!isRecord(records)) continue;
      for (const key of Object.keys(records)) {
        const value = records[key];
        if (value !== undefined) yield [`${field}/${key}`, JSON.stringify(value)];
      }
    }
  }

  private async setAside(hashFields: string[]): Promise<void> {
    const values = await this.redis.command.hmget(this.key, ...hashFields);
    const multi = this.redis.command.multi();
    hashFields.forEach((hashField, i) => {
      if (values[i] !== null && values[i] !== undefined) multi.hset(`${this.key}:corrupt`, `${hashField}@${Date.now()}`, values[i]!);
    });
    multi.hdel(this.key, ...hashFields);
    await multi.exec();
    console.warn(`[store] ${this.key}: ${hashFields.length} entr${hashFields.length === 1 ? 'y' : 'ies'} of the wrong shape (or not encrypted with this A2UI_STORE_KEY) moved to ${this.key}:corrupt (${hashFields.slice(0, 3).join(', ')})`);
  }
}

/** `<field>/<key>`: the key may hold anything, the field (a name of ours) no `/`. */
function splitField(hashField: string): [string | undefined, string] {
  const slash = hashField.indexOf('/');
  return slash < 0 ? [undefined, ''] : [hashField.slice(0, slash), hashField.slice(slash + 1)];
}

/**
 * Services keep references to `data`'s records (`store.data.sessions`): a reload puts the new entries
 * into the same objects instead of replacing them.
 */
function replaceContents<T>(current: T, next: T): T {
  const target = current as Record<string, Record<string, unknown>>;
  for (const [field, records] of Object.entries(next as Record<string, Record<string, unknown>>)) {
    const into = target[field];
    if (!isRecord(into) || !isRecord(records)) {
      target[field] = records;
      continue;
    }
    for (const key of Object.keys(into)) if (!Object.hasOwn(records, key)) delete into[key];
    Object.assign(into, records);
  }
  return current;
}
