/**
 * The plugins' services as `npm start` opens them, in a fresh data dir (and, unless given, a repo
 * that is not a git repository), for tests that build sessions or route tables without a server.
 */
import type { PluginServices } from '../../agents/registry';
import { loadConfig } from '../../server/app/config';
import { closeServices, openServices } from '../../server/main';
import { tempDir } from './server';

const opened: PluginServices[] = [];

export async function openTestServices(env: Record<string, string> = {}): Promise<PluginServices> {
  const dataDir = tempDir();
  const services = await openServices(loadConfig({ A2UI_DATA_DIR: dataDir, A2UI_REPO: dataDir, ...env }));
  opened.push(services);
  return services;
}

/** Closes every service opened by this test file (call from afterAll). */
export async function closeTestServices(): Promise<void> {
  await Promise.all(opened.splice(0).map((services) => closeServices(services)));
}
