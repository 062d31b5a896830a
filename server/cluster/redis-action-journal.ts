/**
 * The action journal of a cluster (session/action-journal.ts): per user, a Redis stream of the ids of
 * applied actions, appended only by the holder of the user's lease (a fenced XADD), so a client that
 * resends an action after its process died is not applied twice by the process that took over. The
 * owner keeps the recent ids in memory, read once when it takes the user (a new fencing token).
 */
import { PluginError } from '../../agents/errors';
import { JOURNAL_IDS_PER_USER, remember, type ActionJournal, type JournalEntry } from '../session/action-journal';
import type { Fence } from './redis-documents';
import type { RedisConnection } from './redis-connection';
import { FENCE_CHECK } from './user-leases';

/** ARGV: the lease value, the id, the bound, the entry (JSON). The id is the entry's first field. */
const FENCED_XADD = `${FENCE_CHECK}
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'id', ARGV[2], 'entry', ARGV[4])`;

export class RedisActionJournal implements ActionJournal {
  /** Per user: the ids read or written while holding the lease value `fence`. */
  private readonly cache = new Map<string, { fence: string; ids: Map<string, JournalEntry> }>();
  private readonly fencedXadd: ReturnType<RedisConnection['script']>;

  constructor(
    private readonly redis: RedisConnection,
    /** The lease of a user this process holds (undefined: not the owner). */
    private readonly fence: (userId: string) => ReturnType<Fence>,
  ) {
    this.fencedXadd = redis.script(FENCED_XADD);
  }

  key(userId: string): string {
    return this.redis.key(`journal:user:${userId}`);
  }

  seen(userId: string, actionId: string): JournalEntry | undefined | Promise<JournalEntry | undefined> {
    const lease = this.owned(userId);
    const cached = this.cache.get(userId);
    if (cached && cached.fence === lease[1]) return cached.ids.get(actionId);
    return this.load(userId, lease[1]).then((ids) => ids.get(actionId));
  }

  async record(userId: string, actionId: string, entry: JournalEntry): Promise<void> {
    const lease = this.owned(userId);
    try {
      await this.fencedXadd([lease[0], this.key(userId)], lease[1], actionId, JOURNAL_IDS_PER_USER, JSON.stringify(entry));
    } catch (error) {
      if (error instanceof Error && error.message.includes('FENCED')) throw notOwner();
      throw error;
    }
    const cached = this.cache.get(userId);
    if (cached && cached.fence === lease[1]) remember(cached.ids, actionId, entry);
  }

  /** The user's recent ids, read when this process took the user (the previous owner wrote them). */
  private async load(userId: string, fence: string): Promise<Map<string, JournalEntry>> {
    const entries = (await this.redis.command.xrevrange(this.key(userId), '+', '-', 'COUNT', JOURNAL_IDS_PER_USER)) as Array<[string, string[]]>;
    const ids = new Map<string, JournalEntry>();
    for (const [, fields] of entries.reverse()) ids.set(fields[1]!, entryOf(fields[3]));
    this.cache.set(userId, { fence, ids });
    return ids;
  }

  private owned(userId: string): [string, string] {
    const lease = this.fence(userId);
    if (!lease) throw notOwner();
    return lease;
  }
}

/** An entry as stored; one that cannot be read says the action ran (what matters most: not twice). */
function entryOf(raw: string | undefined): JournalEntry {
  try {
    const entry = JSON.parse(raw ?? '') as JournalEntry;
    if (entry.status === 'success' || entry.status === 'error') return entry;
  } catch {
    // fall through
  }
  return { status: 'success' };
}

function notOwner(): PluginError {
  return new PluginError('UNAVAILABLE', 'This server process no longer owns your session; reconnect and retry.');
}
