/**
 * The product's modules as `npm start` opens them, in a fresh data dir (and, unless given, a repo that
 * is not a git repository), for tests that build sessions or route tables without a server.
 */
import type { ModulePorts } from '../../agents/module';
import { MODULES } from '../../server/app/modules';
import { openModules, type OpenedModules } from '../../server/app/services';
import { tempDir } from './server';

const opened: OpenedModules[] = [];

/** Ports for modules opened without a server: actions run nowhere, the URL is a placeholder. */
const detachedPorts: ModulePorts = {
  actAs: () => Promise.reject(new Error('no sessions to run the action in')),
  baseUrl: () => 'http://127.0.0.1:9',
  identify: () => undefined,
  tools: () => [],
};

export async function openTestModules(env: Record<string, string> = {}): Promise<OpenedModules> {
  const dataDir = tempDir();
  const modules = await openModules(MODULES, { env: { A2UI_DATA_DIR: dataDir, A2UI_REPO: dataDir, ...env }, cwd: process.cwd(), dataDir, ports: detachedPorts });
  opened.push(modules);
  return modules;
}

/** Closes every module opened by this test file (call from afterAll). */
export async function closeTestModules(): Promise<void> {
  await Promise.all(opened.splice(0).map((modules) => modules.close()));
}
