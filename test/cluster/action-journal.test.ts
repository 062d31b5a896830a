/**
 * An action sent again with the id it had (its answer was lost) is answered from the journal, not
 * applied twice: on one process, on the other process of a pair (forwarded to the owner), and on the
 * process that took the user over after the owner was killed (the journal is in Redis).
 */
import Redis from 'ioredis';
import { MAIN_USER_ID } from '../../agents/roles';
import { connect, connected, emitAck, LiveClient } from '../helpers/client';
import { CLUSTER_TOKEN, startCluster, type TestCluster } from '../helpers/cluster';
import { labCount } from '../helpers/lab-plugin';
import { waitFor } from '../helpers/wait';
import { startTestServer, type TestServer } from '../helpers/server';
import type { ActionAck } from '../../server/transport/protocol';

/** Sends `bump` with an action id, as a client that numbers its actions does. */
function bump(tab: LiveClient, actionId: string): Promise<ActionAck> {
  return emitAck<ActionAck>(tab.socket, 'action', { action: 'bump', payload: {}, surface_id: tab.viewId, base_version: tab.version, action_id: actionId });
}

describe('one process', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test('an action id sent again is answered (duplicate, with what the client missed) and not applied again', async () => {
    const tab = await LiveClient.open(server.url, server.token, 'journal-one');
    await tab.action('navigate', { to: '/lab' });
    const first = await bump(tab, 'tab1:0');
    expect(first).toMatchObject({ status: 'success' });
    expect(first.duplicate).toBeUndefined();
    tab.apply(first.frame!);
    expect(labCount(tab.text('lab-count'))).toBe(1);

    // The same id again, from a client that never saw the first answer (its base version is older).
    const again = await emitAck<ActionAck>(tab.socket, 'action', { action: 'bump', payload: {}, surface_id: tab.viewId, base_version: 0, action_id: 'tab1:0' });
    expect(again).toMatchObject({ status: 'success', duplicate: true });
    expect(again.frame).toBeDefined();
    // Without ids, or with a new one, an action runs as usual.
    expect((await bump(tab, 'tab1:1')).duplicate).toBeUndefined();
    await tab.action('bump');
    const fresh = await LiveClient.open(server.url, server.token, 'journal-one');
    expect(labCount(fresh.text('lab-count'))).toBe(3);
    tab.close();
    fresh.close();
  });

  test('a resent action that failed is answered as it was: the same error, and it does not run again', async () => {
    const tab = await LiveClient.open(server.url, server.token, 'journal-failed');
    await tab.action('navigate', { to: '/lab' });
    const send = () => emitAck<ActionAck>(tab.socket, 'action', { action: 'boom', payload: {}, surface_id: tab.viewId, base_version: tab.version, action_id: 'tab2:0' });
    const first = await send();
    expect(first.status).toBe('error');
    expect(first.duplicate).toBeUndefined();
    tab.apply(first.frame!);
    const toasts = tab.toasts().length;
    const again = await send();
    expect(again).toMatchObject({ status: 'error', duplicate: true, error: first.error });
    // Nothing ran: no second error toast.
    tab.apply(again.frame!);
    expect(tab.toasts()).toHaveLength(toasts);
    tab.close();
  });

  test('over REST too: the same action_id twice runs once, the second answer says duplicate', async () => {
    const post = async () =>
      (await fetch(`${server.url}/api/a2ui/action`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'bump', payload: {}, surface_id: 'journal-rest', context: { route: '/lab' }, action_id: 'script:1' }),
      }).then((res) => res.json())) as { status: string; duplicate?: boolean };
    // The count is the user's (earlier tests bumped it too): what matters is by how much it moves.
    const countNow = async () => {
      const tab = await LiveClient.open(server.url, server.token, 'journal-rest');
      tab.close();
      return labCount(tab.text('lab-count'));
    };
    expect(await post()).toMatchObject({ status: 'success' });
    const before = await countNow();
    expect(await post()).toMatchObject({ status: 'success', duplicate: true });
    expect(await countNow()).toBe(before);
  });

  test('an action id that is not of the documented form is refused', async () => {
    const socket = connect(server.url, server.token);
    await connected(socket);
    await emitAck(socket, 'join', { surface_id: 'journal-bad' });
    const ack = await emitAck<ActionAck>(socket, 'action', { action: 'bump', payload: {}, surface_id: 'journal-bad', action_id: 'has spaces' });
    expect(ack.status).toBe('error');
    expect(ack.error?.code).toBe('INVALID_INPUT');
    socket.close();
  });
});

describe('two processes on one Redis', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(['journal-a', 'journal-b']);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test('an id applied through one process is a duplicate through the other, and after the owner is killed', async () => {
    const [a, b] = cluster.nodes;
    // The tab on A makes A the user's owner; B forwards.
    const tabA = await LiveClient.open(a!.url, CLUSTER_TOKEN, 'journal-view');
    await tabA.action('navigate', { to: '/lab' });
    const tabB = await LiveClient.open(b!.url, CLUSTER_TOKEN, 'journal-view');
    expect((await bump(tabB, 'c:0')).duplicate).toBeUndefined();
    expect(await bump(tabA, 'c:0')).toMatchObject({ status: 'success', duplicate: true });
    expect(await bump(tabB, 'c:0')).toMatchObject({ status: 'success', duplicate: true });
    expect((await bump(tabA, 'c:1')).duplicate).toBeUndefined();

    // The owner dies; B takes the user over and reads the journal A wrote.
    const owner = (await (await fetch(`${a!.url}/ready`)).json()) as { users_owned: number };
    expect(owner.users_owned).toBe(1);
    a!.child.kill('SIGKILL');
    await a!.exited;
    tabA.close();
    tabB.close();
    // B notices (its watcher checks the owners every third of the lease) and drops its copy.
    await waitFor(async () => ((await (await fetch(`${b!.url}/ready`)).json()) as { users_relayed: number }).users_relayed === 0, () => 'B to drop the copy of the dead owner', 15_000);
    const survivor = await LiveClient.open(b!.url, CLUSTER_TOKEN, 'journal-view');
    expect(await bump(survivor, 'c:0')).toMatchObject({ status: 'success', duplicate: true });
    expect(await bump(survivor, 'c:1')).toMatchObject({ status: 'success', duplicate: true });
    const applied = await bump(survivor, 'c:2');
    expect(applied.duplicate).toBeUndefined();
    // The journal holds each applied id once, in the order applied.
    const redis = new Redis(cluster.redis.url);
    const entries = await redis.xrange(`a2ui:journal:user:${MAIN_USER_ID}`, '-', '+');
    redis.disconnect();
    expect(entries.map(([, fields]) => fields[1])).toEqual(['c:0', 'c:1', 'c:2']);
    survivor.close();
  }, 60_000);
});
