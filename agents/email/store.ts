/**
 * How the mail services persist: the module hands them its context's `openStore` (the server's store:
 * files mode 0600, wrong shapes moved aside), so the plugin never imports the server and every document
 * is written the same way. Documents are opened lazily (one mailbox per user, on first use); `name` is a
 * path under the data dir without `.json` (`mail/mailbox-alice`).
 */
import type { z } from 'zod';
import type { PersistentStore } from '../types';

export type StoreOpener = <T>(name: string, defaults: T, schema?: z.ZodType<T, unknown>) => Promise<PersistentStore<T>>;
