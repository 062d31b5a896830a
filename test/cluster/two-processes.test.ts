/**
 * Two server processes on one Redis, one user with a tab on each. The user's session lives on one of
 * them (the owner); the other forwards the tab's actions and relays the owner's frames. Whatever the
 * tabs do, concurrently, is applied in one order, and each tab ends with what a fresh snapshot shows.
 */
import { OfficialClient, StreamReader } from '../helpers/a2ui-v09';
import { bearer, LiveClient, type Doc } from '../helpers/client';
import { CLUSTER_TOKEN, startCluster, type TestCluster } from '../helpers/cluster';
import type { Frame } from '../../server/transport/protocol';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster(['node-a', 'node-b']);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** The view's whole surface now, as a fresh snapshot from `url` (any process). */
async function snapshotOf(url: string, viewId: string): Promise<{ doc: Doc; version: number }> {
  const res = await fetch(`${url}/api/a2ui/surface?surface_id=${viewId}`, { headers: bearer(CLUSTER_TOKEN) });
  expect(res.status).toBe(200);
  const frame = (await res.json()) as Frame;
  return { doc: (frame.ops[0] as { value: Doc }).value, version: frame.to };
}

const itemsOf = (doc: Doc | undefined) => ((doc?.components['lab-items'] as { children?: string[] } | undefined)?.children ?? []).map((id) => (doc!.components[id] as { text: string }).text);

test('a tab on each process, on one view: actions from both are applied in one order and both tabs end identical', async () => {
  const [a, b] = cluster.nodes;
  const tabA = await LiveClient.open(a!.url, CLUSTER_TOKEN, 'shared-view');
  const tabB = await LiveClient.open(b!.url, CLUSTER_TOKEN, 'shared-view');
  await tabA.action('navigate', { to: '/lab' });
  await tabB.waitFor((doc) => doc.components['lab-count'] !== undefined);

  // Both tabs act at once, 25 actions each, without waiting for each other.
  const names = (tab: string) => Array.from({ length: 25 }, (_, i) => `${tab}${i}`);
  await Promise.all([
    (async () => {
      for (const name of names('a')) await tabA.action('add_item', { name });
    })(),
    (async () => {
      for (const name of names('b')) await tabB.action('add_item', { name });
    })(),
  ]);

  const fresh = await snapshotOf(b!.url, 'shared-view');
  await tabA.until(fresh.version);
  await tabB.until(fresh.version);
  // One order: every action once, each tab's own in the order it sent them.
  const items = itemsOf(fresh.doc);
  expect([...items].sort()).toEqual([...names('a'), ...names('b')].sort());
  expect(items.filter((name) => name.startsWith('a'))).toEqual(names('a'));
  expect(items.filter((name) => name.startsWith('b'))).toEqual(names('b'));
  // Both tabs hold exactly the fresh snapshot, at its version.
  expect(tabA.doc).toEqual(fresh.doc);
  expect(tabB.doc).toEqual(fresh.doc);
  expect(tabA.version).toBe(fresh.version);
  expect(tabB.version).toBe(fresh.version);
  // The same from the other process.
  expect((await snapshotOf(a!.url, 'shared-view')).doc).toEqual(fresh.doc);
  tabA.close();
  tabB.close();
});

test('a tab on each process, each its own view: the domain change reaches both; each tab ends as its fresh snapshot', async () => {
  const [a, b] = cluster.nodes;
  const tabA = await LiveClient.open(a!.url, CLUSTER_TOKEN, 'tab-on-a');
  const tabB = await LiveClient.open(b!.url, CLUSTER_TOKEN, 'tab-on-b');
  await Promise.all([tabA.action('navigate', { to: '/lab' }), tabB.action('navigate', { to: '/lab' })]);
  const before = Number((tabA.doc?.dataModel.lab as { count?: number } | undefined)?.count ?? 0);
  await Promise.all([
    (async () => {
      for (let i = 0; i < 20; i++) await tabA.action('bump', {});
    })(),
    (async () => {
      for (let i = 0; i < 20; i++) await tabB.action('bump', {});
    })(),
  ]);
  const [freshA, freshB] = [await snapshotOf(b!.url, 'tab-on-a'), await snapshotOf(a!.url, 'tab-on-b')];
  await tabA.until(freshA.version);
  await tabB.until(freshB.version);
  expect(tabA.text('lab-count')).toBe(`Count: ${before + 40}`);
  expect(tabB.text('lab-count')).toBe(`Count: ${before + 40}`);
  expect(tabA.doc).toEqual(freshA.doc);
  expect(tabB.doc).toEqual(freshB.doc);
  tabA.close();
  tabB.close();
});

test('a v0.9 stream on one process of a user the other owns: the official client follows every change, and its actions apply there', async () => {
  const [a, b] = cluster.nodes;
  const tabA = await LiveClient.open(a!.url, CLUSTER_TOKEN, 'lab-tab-on-a');
  await tabA.action('navigate', { to: '/lab' });
  const client = new OfficialClient('v0.9 on B');
  const reader = await StreamReader.open(`${b!.url}/api/a2ui/v0.9/stream?view=main`, { ...bearer(CLUSTER_TOKEN), Accept: 'application/jsonl' }, client);
  expect(reader.status).toBe(200);
  await reader.waitFor(() => client.hasSurface && client.route() !== undefined);
  // The stream's own action, sent to B: forwarded to the owner, applied there, answered here.
  const res = await fetch(`${b!.url}/api/a2ui/v0.9/action`, {
    method: 'POST',
    headers: { ...bearer(CLUSTER_TOKEN), 'content-type': 'application/json' },
    body: JSON.stringify({ version: 'v0.9', action: { name: 'navigate', surfaceId: 'main', sourceComponentId: 'root', timestamp: new Date().toISOString(), context: { to: '/lab' } } }),
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { status: string }).status).toBe('success');
  await reader.waitFor(() => client.route() === '/lab');
  // A domain change made by the tab on A reaches the stream on B.
  for (let i = 0; i < 5; i++) await tabA.action('bump', {});
  const count = () => (client.dataModel() as { lab?: { count?: number } }).lab?.count;
  await reader.waitFor(() => count() === (tabA.doc?.dataModel.lab as { count: number }).count);
  client.expectValid();
  reader.close();
  tabA.close();
});

test('/ready: both processes are connected to the store and the adapter; the user is owned by one, relayed by the other', async () => {
  const [a, b] = cluster.nodes;
  const health = await Promise.all([a!, b!].map(async (node) => (await fetch(`${node.url}/ready`)).json()));
  expect(health).toEqual([
    expect.objectContaining({ status: 'ready', node: 'node-a', store: 'connected', adapter: 'connected', users_owned: 1, users_relayed: 0 }),
    expect.objectContaining({ status: 'ready', node: 'node-b', store: 'connected', adapter: 'connected', users_owned: 0, users_relayed: 1 }),
  ]);
});
