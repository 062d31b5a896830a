/**
 * Defect 7: one plugin's stray error stopped the whole server. A promise its background work rejects
 * with nobody to catch it, or an exception thrown from its timer, reached Node's default handler and
 * the process died — every user's sessions, agents and streams with it. A plugin whose `init` threw
 * for one user made every request of that user a 500.
 *
 * Now (server/app/safety-net.ts, installed by server/main.ts when run as a program; plugin code runs
 * in its scope, server/session/plugin-scope.ts): the error is logged with the plugin's name and user,
 * that user (and only they) gets an error toast, and the server keeps serving. A failed `init` is an
 * error card with the cause and a Retry for that user (server/session/compose.ts), never a 500.
 *
 * A real server process (the net is process-wide), started by a test entry script that adds the
 * faulty test module (fixtures/faulty-server.ts).
 */
import request from 'supertest';
import { LiveClient, type Doc } from '../helpers/client';
import { makeRepo } from '../helpers/git-repo';
import { ALICE, BOB, bearer, dataDirWithUsers } from '../helpers/server';
import { killStartedProcesses, startServerProcess, type ServerProcess } from '../helpers/server-process';
import { waitFor } from '../helpers/wait';

jest.setTimeout(120_000);

const TOKEN = 'safety-net-test-token-0123456789';
let server: ServerProcess;

beforeAll(async () => {
  const dataDir = dataDirWithUsers([ALICE, BOB]);
  server = await startServerProcess({
    entry: 'test/reliability/fixtures/faulty-server.ts',
    env: { A2UI_DATA_DIR: dataDir, A2UI_TOKEN: TOKEN, A2UI_REPO: makeRepo(), ANTHROPIC_API_KEY: '', A2UI_AI_PROVIDERS: '', OPENAI_API_KEY: '', A2UI_GATEWAY_PROVIDERS: '' },
  });
});
afterAll(async () => {
  await server?.stop();
  killStartedProcesses();
});

/** The server still answers, a user's action included. */
async function expectServing(): Promise<void> {
  expect(server.alive()).toBe(true);
  await request(server.url).get('/health').expect(200);
  const res = await request(server.url).post('/api/a2ui/action').set(bearer(TOKEN)).send({ action: 'select', payload: { ids: ['still-here'] } });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('success');
}

/** A user's tab on /faulty. */
async function tabOnFaulty(token: string, viewId: string): Promise<LiveClient> {
  const client = await LiveClient.open(server.url, token, viewId);
  await client.action('navigate', { to: '/faulty' });
  return client;
}

const text = (doc: Doc | undefined, id: string) => (doc?.components[id] as { text?: string } | undefined)?.text;

test.each([
  ['leak_rejection', 'the background sync failed', 'an unhandled rejection'],
  ['throw_in_timer', 'the timer tripped', 'an uncaught exception'],
])("%s: the server keeps serving, the log names the plugin and the user, and only that user gets an error toast", async (action, cause, kind) => {
  const mine = await tabOnFaulty(TOKEN, `net-${action}`);
  const bystander = await tabOnFaulty(BOB.token, `net-bob-${action}`);
  try {
    const ack = await mine.action(action);
    expect(ack.status).toBe('success');
    const toast = `faulty failed in the background: ${cause}`;
    await mine.waitFor(() => mine.toasts().includes(toast));
    await waitFor(() => server.output().includes(`[faulty] ${kind} in work for user local; the server keeps serving`), () => `the log line; the server said:\n${server.output()}`);
    expect(server.output()).toContain(cause);
    await expectServing();
    // Another user's screen is not told about it: a change of theirs comes back without that toast.
    await bystander.action('select', { ids: ['x'] });
    expect(bystander.toasts()).not.toContain(toast);
  } finally {
    mine.close();
    bystander.close();
  }
});

test("an exception outside any plugin is logged as the process's own; the server keeps serving", async () => {
  await request(server.url).post('/api/faulty/throw-outside').set(bearer(TOKEN)).expect(200);
  await waitFor(() => server.output().includes('[process] an uncaught exception outside any plugin; the server keeps serving'), () => `the log line; the server said:\n${server.output()}`);
  expect(server.output()).toContain('a timer outside any plugin tripped');
  await expectServing();
});

test("init throwing for one user: that user gets an error card with the cause and a Retry, not a 500; others are not affected; Retry starts it once the cause is gone", async () => {
  const act = (token: string, body: object) => request(server.url).post('/api/a2ui/action').set(bearer(token)).send(body);
  const surface = async (token: string, viewId: string): Promise<Doc> => {
    const res = await request(server.url).get(`/api/a2ui/surface?surface_id=${viewId}`).set(bearer(token)).expect(200);
    return res.body.ops[0].value as Doc;
  };

  // Alice's very first request opens her session: her faulty plugin fails to start.
  const first = await act(ALICE.token, { action: 'navigate', payload: { to: '/faulty' }, surface_id: 'alice-tab' });
  expect(first.status).toBe(200);
  expect(first.body.status).toBe('success');
  let doc = await surface(ALICE.token, 'alice-tab');
  expect(text(doc, 'faulty-failed-title')).toBe('Faulty could not start');
  expect(text(doc, 'faulty-failed-cause')).toBe('the faulty store is locked for alice');
  expect(doc.components['faulty-failed-retry']).toMatchObject({ action: { event: { name: 'retry_plugin', context: { plugin: 'faulty' } } } });

  // Its actions fail with the cause as an error answer (HTTP 200), never a 500.
  const refused = await act(ALICE.token, { action: 'leak_rejection', payload: {}, surface_id: 'alice-tab' });
  expect(refused.status).toBe(200);
  expect(refused.body).toMatchObject({ status: 'error', error: { code: 'PLUGIN_ERROR', message: 'Faulty could not start: the faulty store is locked for alice' } });
  // Her other plugins work.
  const other = await act(ALICE.token, { action: 'navigate', payload: { to: '/agents' }, surface_id: 'alice-tab' });
  expect(other.body.status).toBe('success');
  // Bob's faulty plugin started.
  await act(BOB.token, { action: 'navigate', payload: { to: '/faulty' }, surface_id: 'bob-tab' }).expect(200);
  expect(text(await surface(BOB.token, 'bob-tab'), 'faulty-runs')).toBe('Runs: 0');

  // Retry while the cause is still there: an error that says so (not "Started again."); the card stays.
  await act(ALICE.token, { action: 'navigate', payload: { to: '/faulty' }, surface_id: 'alice-tab' }).expect(200);
  const stillBlocked = await act(ALICE.token, { action: 'retry_plugin', payload: { plugin: 'faulty' }, surface_id: 'alice-tab' });
  expect(stillBlocked.status).toBe(200);
  expect(stillBlocked.body).toMatchObject({ status: 'error', error: { code: 'PLUGIN_ERROR', message: 'faulty could not start again: the faulty store is locked for alice' } });
  expect(stillBlocked.body.side_effects).not.toContainEqual(expect.objectContaining({ message: 'Started again.' }));
  expect(text(await surface(ALICE.token, 'alice-tab'), 'faulty-failed-cause')).toBe('the faulty store is locked for alice');

  // The cause gone, Retry starts the plugin for her.
  await request(server.url).post('/api/faulty/block').set(bearer(ALICE.token)).send({ blocked: false }).expect(200);
  const retried = await act(ALICE.token, { action: 'retry_plugin', payload: { plugin: 'faulty' }, surface_id: 'alice-tab' });
  expect(retried.body.status).toBe('success');
  doc = await surface(ALICE.token, 'alice-tab');
  expect(text(doc, 'faulty-runs')).toBe('Runs: 0');
  expect(doc.components['faulty-failed-cause']).toBeUndefined();
  expect(server.output()).toMatch(/\[faulty\] init failed for user alice/);
});

test('nothing above stopped the server: it exits normally on SIGTERM', async () => {
  expect(server.alive()).toBe(true);
  expect(await server.stop()).toBe(0);
});

