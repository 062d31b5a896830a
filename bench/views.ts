/**
 * Memory per idle view: how many heap bytes one more tab costs the server while it sits on the
 * dashboard (goal: at most 20 KB). Two shapes: 10,000 views of one user, and 10,000 views spread over
 * 1,000 users (10 each; each user also has its plugins' states). Views are made through the sessions as
 * a tab's `join` makes them (route `/`), rendered once, with one listener each, then left idle.
 *
 *   npm run bench:views -- [--views 10000] [--users 1000]
 *
 * Prints one JSON line per shape: {"shape", "users", "views", "heap_bytes", "bytes_per_view"}.
 */
import { MODULES } from '../server/app/modules';
import { openModules } from '../server/app/services';
import { RouteTable } from '../server/session/router';
import { DEFAULT_TOAST_LIFETIME_MS } from '../server/session/toasts';
import { UserSession } from '../server/session/user-session';
import { VersionClock } from '../server/session/versions';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (npm run bench:views does)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const views = arg('views', 10_000);
  const users = arg('users', 1_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2ui-bench-views-'));
  const ports = { actAs: () => Promise.reject(new Error('none')), baseUrl: () => 'http://127.0.0.1:9', identify: () => undefined, tools: () => [] };
  const modules = await openModules(MODULES, { env: { A2UI_REPO: dataDir }, cwd: dataDir, dataDir, ports });
  const plugins = modules.plugins;
  const deps = {
    plugins,
    routes: new RouteTable(plugins),
    pluginTimeoutMs: 10_000,
    frameLogSize: 200,
    toastLifetimeMs: DEFAULT_TOAST_LIFETIME_MS,
    maxViews: views + 1,
    clock: new VersionClock(() => 1),
    save: () => undefined,
  };
  const keep: unknown[] = [];

  for (const shape of [{ name: 'one user', users: 1 }, { name: `${users} users`, users }]) {
    const sessions: UserSession[] = [];
    for (let u = 0; u < shape.users; u++) sessions.push(await UserSession.open(`u${u}`, undefined, deps));
    // Each user's first view is made before the baseline: the cost measured is that of more views.
    for (const session of sessions) keep.push(session.subscribe(await session.attach('first', 'tab'), () => undefined));
    const before = heap();
    for (let i = 0; i < views; i++) {
      const session = sessions[i % shape.users]!;
      const view = await session.attach(`tab-${i}`, 'tab', { route: '/' });
      keep.push(session.subscribe(view, () => undefined));
    }
    const bytes = heap() - before;
    console.log(JSON.stringify({ shape: shape.name, users: shape.users, views, heap_bytes: bytes, bytes_per_view: Math.round(bytes / views) }));
    for (const session of sessions) session.close();
    keep.length = 0;
  }
  await modules.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

void main();
