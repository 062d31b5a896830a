/**
 * Failover under load: 50 clients (one user each, so both processes own users) act continuously over
 * two processes on one Redis; at a random moment one process is killed (`kill -9`), five times, a
 * fresh process joining after each kill. Every client must be back, on a process that lives, within
 * 5 s of the kill; each ends holding what a fresh snapshot of its view shows; and the server's record
 * of applied actions (the action journal in Redis) holds every acknowledged action exactly once.
 *
 * Before each kill a third of the clients move to another process (as a load balancer would), so
 * some clients are relayed through a process that does not own their user: a kill then takes owners
 * whose clients sit elsewhere, and relays whose owners live.
 */
import Redis from 'ioredis';
import { CLUSTER_TOKEN, startCluster, type ClusterProcess, type TestCluster } from '../helpers/cluster';
import { bearer, type Doc } from '../helpers/client';
import { FailoverClient } from '../helpers/failover-client';
import { waitFor } from '../helpers/wait';
import type { Frame } from '../../server/transport/protocol';

const CLIENTS = 50;
const ROUNDS = 5;
/** The bound: every client back within this of the kill. */
const RECONNECT_BOUND_MS = 5000;

const users = Array.from({ length: CLIENTS }, (_, i) => ({ userId: `fo-user-${i}`, token: `fo-user-${i}-token-0123456789abcdef` }));

let cluster: TestCluster;
/** The processes alive, in the order clients try them (shared with every client). */
const urls: string[] = [];
const clients: FailoverClient[] = [];

beforeAll(async () => {
  cluster = await startCluster(['fo-0', 'fo-1'], {}, { users });
  urls.push(...cluster.nodes.map((node) => node.url));
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ready(node: ClusterProcess): Promise<{ users_owned: number; users_relayed: number }> {
  return (await (await fetch(`${node.url}/ready`)).json()) as { users_owned: number; users_relayed: number };
}

async function snapshotOf(url: string, token: string, viewId: string): Promise<{ doc: Doc; version: number }> {
  const res = await fetch(`${url}/api/a2ui/surface?surface_id=${viewId}`, { headers: bearer(token) });
  expect(res.status).toBe(200);
  const frame = (await res.json()) as Frame;
  return { doc: (frame.ops[0] as { value: Doc }).value, version: frame.to };
}

test('kill -9 of one of two processes under 50 clients, 5 times: back within 5 s, nothing diverges, every acknowledged action applied once', async () => {
  expect(CLUSTER_TOKEN).toBeTruthy();
  // Half the clients on each process: each user is owned where its client first came.
  for (let i = 0; i < CLIENTS; i++) {
    const client = new FailoverClient(urls, users[i]!.token, `fo-view-${i}`, `c${i}`, i % 2);
    clients.push(client);
  }
  await Promise.all(clients.map((client) => client.start()));
  // Each action changes the view's selection (a global action: it works on any route, so a view that
  // comes back on another process after a kill accepts it as before).
  const runs = clients.map((client) => client.run((n) => ({ action: 'select', payload: { ids: [`${client.clientId}-${n}`] } }), 25));
  const failed = Promise.all(runs).then(
    () => undefined,
    (error: unknown) => error,
  );

  const outages: number[] = [];
  const backAfterKill: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A third of the clients move to another process (relayed when their owner is elsewhere).
    const movedAt = Date.now();
    const moved = clients.filter((_, i) => i % 3 === round % 3);
    for (const client of moved) client.moveTo(urls.length - 1);
    await waitFor(() => moved.every((client) => client.joinedAt > movedAt), 'the moved clients to join again', 20_000);
    // A random moment in the next 0.3–1.5 s; a random process of the two.
    await pause(300 + Math.random() * 1200);
    const victimIndex = Math.floor(Math.random() * 2);
    const victim = cluster.nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null)[victimIndex]!;
    const owned = (await ready(victim)).users_owned;
    for (const client of clients) client.longestOutage = 0;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    urls.splice(urls.indexOf(victim.url), 1);
    await victim.exited;

    // Every client acknowledged again after the kill: back and acting, wherever it was.
    await waitFor(() => clients.every((client) => (client.ackedAt.at(-1) ?? 0) > killedAt), () => `every client to act again after the kill (round ${round}; waiting: ${clients.filter((c) => (c.ackedAt.at(-1) ?? 0) <= killedAt).length})`, 30_000);
    const back = Math.max(...clients.map((client) => client.ackedAt.find((at) => at > killedAt)! - killedAt));
    const outage = Math.max(...clients.map((client) => client.longestOutage));
    outages.push(outage);
    backAfterKill.push(back);
    console.log(`round ${round}: killed ${victim.name} (owner of ${owned} users); longest reconnect ${outage} ms; every client acknowledged again within ${back} ms of the kill`);
    expect(outage).toBeLessThan(RECONNECT_BOUND_MS);
    expect(back).toBeLessThan(RECONNECT_BOUND_MS);

    // A fresh process joins, as a deployment restarts what died.
    const fresh = await cluster.start(`fo-${round + 2}`);
    urls.push(fresh.url);
  }

  for (const client of clients) client.stop();
  expect(await failed).toBeUndefined();

  // Nothing diverges: each client holds what a fresh snapshot of its view shows (from any process).
  for (const [i, client] of clients.entries()) {
    const fresh = await snapshotOf(urls[i % urls.length]!, users[i]!.token, client.viewId);
    await waitFor(() => client.version >= fresh.version, () => `${client.clientId} to reach version ${fresh.version} (at ${client.version})`, 10_000);
    expect({ client: client.clientId, doc: client.doc }).toEqual({ client: client.clientId, doc: fresh.doc });
  }

  // The server's record: each acknowledged number once, in order; nothing applied that was not sent.
  const redis = new Redis(cluster.redis.url);
  let acknowledged = 0;
  let duplicates = 0;
  const catchUps = { byVersion: 0, bySnapshot: 0 };
  try {
    for (const [i, client] of clients.entries()) {
      const entries = await redis.xrange(`a2ui:journal:user:${users[i]!.userId}`, '-', '+');
      const recorded = entries.map(([, fields]) => fields[1]!);
      const sent = client.acked.map((n) => `${client.clientId}:${n}`);
      expect(client.acked).toEqual(Array.from({ length: client.acked.length }, (_, n) => n));
      // The journal may end with the one action that was applied while the client was stopping.
      expect(recorded.slice(0, sent.length)).toEqual(sent);
      expect(recorded.length - sent.length).toBeLessThanOrEqual(1);
      expect(new Set(recorded).size).toBe(recorded.length);
      acknowledged += sent.length;
      duplicates += client.duplicates;
      catchUps.byVersion += client.catchUps.byVersion;
      catchUps.bySnapshot += client.catchUps.bySnapshot;
    }
  } finally {
    redis.disconnect();
  }
  console.log(
    `failover: ${acknowledged} actions acknowledged, each recorded once; ${duplicates} resends answered as duplicates; catch-ups by version ${catchUps.byVersion}, by snapshot ${catchUps.bySnapshot}; longest reconnect per round ${outages.join(', ')} ms; all acting again within ${backAfterKill.join(', ')} ms`,
  );
  expect(acknowledged).toBeGreaterThan(CLIENTS * ROUNDS);
}, 240_000);
