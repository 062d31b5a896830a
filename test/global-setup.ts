/**
 * Jest global set-up: bundle the thin client once, so the browser tests (and the server's static
 * files) use the client of this checkout, also on a clean clone.
 */
import path from 'node:path';
import { buildClient } from '../client-demo/build';

export default async function globalSetup(): Promise<void> {
  await buildClient(path.join(__dirname, '../client-demo/dist'));
}
