/**
 * lowdb files: one JSON file per concern under the data dir, written by this process only.
 *
 * Built by hand rather than with `JSONFilePreset`, which silently swaps in an in-memory adapter when
 * NODE_ENV is `test` (persistence tests would then test nothing). The adapter is ours instead of
 * lowdb's `JSONFile` because steno creates its temp file with the default umask, and these files hold
 * user state and credentials: every write keeps mode 0600. Like steno it writes a temp file and
 * renames it (a crash never leaves half a file) and coalesces overlapping writes (latest data wins).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';

export type Store<T> = Low<T>;

class PrivateJsonFile<T> implements Adapter<T> {
  private latest: T | undefined;
  private scheduled: Promise<void> | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return JSON.parse(text) as T;
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

export async function openStore<T>(file: string, defaults: T): Promise<Store<T>> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Low<T>(new PrivateJsonFile<T>(file), structuredClone(defaults));
  try {
    await db.read();
  } catch {
    // A corrupt file is kept aside for inspection instead of being silently overwritten.
    const aside = `${file}.corrupt-${Date.now()}`;
    fs.renameSync(file, aside);
    console.warn(`[store] ${file} was not valid JSON; moved to ${aside} and started fresh`);
  }
  if (db.data === null || db.data === undefined) db.data = structuredClone(defaults);
  await db.write();
  return db;
}
