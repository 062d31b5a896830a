/**
 * A real server (the same wiring as `npm start`) on a free port and a fresh data dir, and the users
 * a test can add besides the main one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PluginModule } from '../../agents/module';
import { MODULES } from '../../server/app/modules';
import { startServer, type RunningServer } from '../../server/main';
import { makeRepo } from './git-repo';
import { labModule } from './lab-plugin';
import { startRedis, type TestRedis } from './redis';

/** Defined with the HTTP client helpers; most tests take it from here, with the server. */
export { bearer } from './client';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** The A2UI_REPO the server runs with (absolute). */
  repo: string;
}

export function tempDir(prefix = 'a2ui-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * `A2UI_TEST_STORE=redis` runs the servers of a test file on the Redis store (`npm test` runs the
 * store-dependent suites that way too): one Redis per test file, started on first use and stopped
 * after the file; each data dir gets its own key prefix, so a server started again on the same data
 * dir finds what it kept, and two data dirs never share keys.
 */
export const TEST_STORE = process.env.A2UI_TEST_STORE === 'redis' ? 'redis' : 'embedded';
let testRedis: Promise<TestRedis> | undefined;
const prefixes = new Map<string, string>();

/** The variables that put a server on the test file's Redis (empty for the embedded store). */
export async function storeEnv(dataDir: string): Promise<Record<string, string>> {
  if (TEST_STORE !== 'redis') return {};
  // Stopped when the test process exits, after every server of the file has closed (an afterAll of
  // this helper would run before the test file's own, and servers would close against a dead Redis).
  testRedis ??= startRedis({ untilExit: true });
  if (!prefixes.has(dataDir)) prefixes.set(dataDir, `test${prefixes.size}:`);
  return { A2UI_REDIS_URL: (await testRedis).url, A2UI_REDIS_PREFIX: prefixes.get(dataDir)!, A2UI_STORE_KEY: 'the-test-store-key-of-32-characters-or-more' };
}

export async function startTestServer(options: { env?: Record<string, string>; dataDir?: string; modules?: readonly PluginModule<any>[] } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  // Never the project's own checkout: worktrees a test creates land in a throwaway repository.
  const repo = path.resolve(options.env?.A2UI_REPO ?? makeRepo());
  const running = await startServer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      A2UI_DATA_DIR: dataDir,
      A2UI_CLIENT_DIR: path.join(__dirname, '../../client-demo/dist'),
      ...(await storeEnv(dataDir)),
      ...options.env,
      A2UI_REPO: repo,
    },
    modules: options.modules ?? [...MODULES, labModule],
  });
  return { ...running, dataDir, repo };
}

/** Two more users, for isolation tests (their tokens go in users.json: `dataDirWithUsers`). */
export const ALICE = { token: 'alice-token-0123456789abcdef', userId: 'alice' };
export const BOB = { token: 'bob-token-0123456789abcdef', userId: 'bob' };

/** A fresh data dir whose users.json adds `users` (alice and bob by default) to the main user. */
export function dataDirWithUsers(users: ReadonlyArray<{ token: string; userId: string }> = [ALICE, BOB], dir = tempDir()): string {
  fs.writeFileSync(path.join(dir, 'users.json'), JSON.stringify({ users: users.map((u) => ({ token: u.token, user_id: u.userId })) }));
  return dir;
}
