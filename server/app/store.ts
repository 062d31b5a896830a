/**
 * lowdb files: one JSON file per concern under the data dir, written by this process only.
 *
 * Built by hand rather than with `JSONFilePreset`, which silently swaps in an in-memory adapter when
 * NODE_ENV is `test` (persistence tests would then test nothing). The adapter is ours instead of
 * lowdb's `JSONFile` because steno creates its temp file with the default umask, and these files hold
 * user state and credentials: every write keeps mode 0600. Like steno it writes a temp file and
 * renames it (a crash never leaves half a file) and coalesces overlapping writes (latest data wins).
 *
 * What a file holds is checked against its concern's zod schema before anything trusts it: a file that
 * is not JSON, or JSON of the wrong shape (`{}`, `null`, a field of the wrong type), would otherwise
 * make every request that touches it fail, or be overwritten with defaults and lose what it held. It is
 * moved aside to `<name>.corrupt-<time>` for inspection (logged, naming both files) and the concern
 * starts empty.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import type { z } from 'zod';

export type Store<T> = Low<T>;

class PrivateJsonFile<T> implements Adapter<T> {
  private latest: T | undefined;
  private scheduled: Promise<void> | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** Never used: `openStore` reads and checks the file itself (see `readChecked`). */
  async read(): Promise<T | null> {
    return null;
  }

  write(data: T): Promise<void> {
    // Serialised when the write runs, not per call: many calls between two writes cost one stringify.
    this.latest = data;
    if (!this.scheduled) {
      const run = this.chain.then(async () => {
        this.scheduled = null; // writes from now on schedule the next run
        const temp = `${this.file}.tmp`;
        await fsp.writeFile(temp, JSON.stringify(this.latest, null, 2), { mode: 0o600 });
        await fsp.rename(temp, this.file);
      });
      this.scheduled = run;
      this.chain = run.catch(() => undefined);
    }
    return this.scheduled;
  }
}

/** The file's checked content; undefined when there is no file; a reason when it cannot be trusted. */
async function readChecked<T>(file: string, schema: z.ZodType<T, unknown>): Promise<{ data?: T; problem?: string }> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the text, and these files hold tokens.
    return { problem: 'was not valid JSON' };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { data: parsed.data };
  const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'the whole file'}: ${issue.message}`);
  return { problem: `did not have the expected shape (${issues.join('; ')})` };
}

/**
 * Opens a JSON file checked against `schema`; a missing file starts from `defaults`, a file that is
 * not JSON or does not match the schema is moved aside and the store starts from `defaults`.
 */
export async function openStore<T>(file: string, defaults: T, schema: z.ZodType<T, unknown>): Promise<Store<T>> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Low<T>(new PrivateJsonFile<T>(file), structuredClone(defaults));
  const { data, problem } = await readChecked(file, schema);
  if (problem !== undefined) {
    // Kept for inspection instead of being silently overwritten.
    const aside = `${file}.corrupt-${Date.now()}`;
    fs.renameSync(file, aside);
    console.warn(`[store] ${file} ${problem}; moved it to ${aside} and started empty`);
  }
  if (data !== undefined) db.data = data;
  await db.write();
  return db;
}
