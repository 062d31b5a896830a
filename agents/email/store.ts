/**
 * How the mail services persist: `server/main.ts` hands them a `StoreOpener` (the server's lowdb
 * opener: files mode 0600, corrupt files moved aside), so the plugin never imports the server and every
 * file is written the same way. Files are opened lazily (one mailbox per user, on first use).
 */
import type { z } from 'zod';
import type { PersistentStore } from '../types';

/** Opens `file`, checked against `schema` (a file of the wrong shape is moved aside; see server/store.ts). */
export type StoreOpener = <T>(file: string, defaults: T, schema: z.ZodType<T, unknown>) => Promise<PersistentStore<T>>;
