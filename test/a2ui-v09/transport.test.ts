/**
 * The A2UI v0.9 transport against the real server: the SSE and JSONL stream, `POST` actions in both
 * forms and error reports, bad input and auth, and the socket.io form. Every message any of these
 * tests receives goes through the official MessageProcessor (test/helpers/a2ui-v09.ts), and each
 * test ends by checking that it accepted them all.
 */
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import type { A2uiV09Message } from '../../server/transport/a2ui-v09';
import type { Frame } from '../../server/transport/protocol';
import { OfficialClient, StreamReader, expectAllValid, v09Action } from '../helpers/a2ui-v09';
import { LiveClient, connect, connected, emitAck, pauseReading, surfaceOf, waitForSurface, type Doc } from '../helpers/client';
import { labCount } from '../helpers/lab-plugin';
import { ALICE, bearer, dataDirWithUsers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

let server: TestServer;
const open: { close(): void }[] = [];

beforeAll(async () => {
  server = await startTestServer({ dataDir: dataDirWithUsers([ALICE]) });
});
afterEach(() => {
  for (const o of open.splice(0)) o.close();
  expectAllValid();
});
afterAll(() => server.close());

const STREAM = '/api/a2ui/v0.9/stream?view=main';
const ACTION = '/api/a2ui/v0.9/action';

async function stream(headers: Record<string, string> = {}, client = new OfficialClient('stream'), token = server.token): Promise<StreamReader> {
  const reader = await StreamReader.open(`${server.url}${STREAM}`, { ...bearer(token), ...headers }, client);
  open.push(reader);
  return reader;
}

function post(body: unknown, token = server.token) {
  return request(server.url).post(ACTION).set(bearer(token)).send(body as object);
}

/** Runs a v0.9 action over HTTP and expects it to succeed. */
async function act(name: string, context: Record<string, unknown> = {}, token = server.token): Promise<A2uiV09Message[]> {
  const res = await post(v09Action(name, context), token);
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('success');
  return res.body.messages as A2uiV09Message[];
}

/** The server's own (native) document of the main user, and its version. */
const nativeSurface = () => surfaceOf(server.url, server.token);

/** The server's document once `predicate` holds (after background work). */
const nativeSurfaceWhen = (predicate: (doc: Doc) => boolean) => waitForSurface(server.url, server.token, predicate, 15_000);

/** The count the lab's `lab-count` text shows in a document. */
const countIn = (doc: Doc) => labCount((doc.components['lab-count'] as { text: string }).text);

const kinds = (messages: readonly A2uiV09Message[]) => messages.map((m) => Object.keys(m).find((k) => k !== 'version'));

describe('GET /api/a2ui/v0.9/stream', () => {
  test('SSE: the sync first, one message per event, the version as the id of the last event of each change', async () => {
    await act('navigate', { to: '/' });
    const reader = await stream();
    await reader.until(3);
    expect(reader.status).toBe(200);
    expect(reader.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(reader.headers['cache-control']).toBe('no-cache, no-transform');
    expect(kinds(reader.messages())).toEqual(['createSurface', 'updateComponents', 'updateDataModel']);
    expect(reader.messages()[0]).toEqual({ version: 'v0.9', createSurface: { surfaceId: 'main', catalogId: 'https://a2ui.org/specification/v0_9/catalogs/basic/catalog.json' } });
    expect(reader.messages()[2]).toMatchObject({ updateDataModel: { surfaceId: 'main', path: '/' } });
    const { doc, version } = await nativeSurface();
    expect(reader.events.map((e) => e.id)).toEqual([undefined, undefined, String(version)]);
    expect(reader.client!.dataModel()).toEqual(doc.dataModel);
    expect(reader.client!.text('dashboard-title')).toBe('Dashboard');

    const answer = await act('navigate', { to: '/lab' });
    await reader.received(answer, 3);
    expect(reader.events.slice(3).map((e) => e.id)).toEqual([...answer.slice(1).map(() => undefined), String(version + 1)]);
    expect(reader.client!.route()).toBe('/lab');
  });

  test('JSONL when asked: one message per line, the sync first', async () => {
    const reader = await stream({ Accept: 'application/jsonl' });
    await reader.until(3);
    expect(reader.headers['content-type']).toBe('application/jsonl; charset=utf-8');
    expect(kinds(reader.messages())).toEqual(['createSurface', 'updateComponents', 'updateDataModel']);
    expect(reader.body.split('\n').slice(0, 3).map((line) => Object.keys(JSON.parse(line)))).toEqual([
      ['version', 'createSurface'],
      ['version', 'updateComponents'],
      ['version', 'updateDataModel'],
    ]);
    const answer = await act('navigate', { to: '/lab' });
    await reader.received(answer);
  });

  test('every change of the session follows: native actions, v0.9 actions, background updates', async () => {
    await act('navigate', { to: '/lab' });
    const reader = await stream();
    await reader.until(3);
    const count = () => labCount(reader.client!.text('lab-count'));
    const start = count();
    const native = await request(server.url).post('/api/a2ui/action').set(bearer(server.token)).send({ action: 'bump', payload: {} });
    expect(native.body.status).toBe('success');
    await reader.waitFor(() => count() === start + 1);
    await act('bump', { by: 2 });
    await reader.waitFor(() => count() === start + 3);
    await act('background', { times: 4 });
    await reader.waitFor(() => count() === start + 7);
    const { doc } = await nativeSurface();
    expect(reader.client!.dataModel()).toEqual(doc.dataModel);
  });

  test('a reconnecting client (Last-Event-ID) gets only what it missed, or a reset when that version is gone', async () => {
    await act('navigate', { to: '/lab' });
    const client = new OfficialClient('reconnecting');
    const first = await stream({}, client);
    await first.until(3);
    const lastId = first.lastEventId()!;
    first.close();
    await act('bump');
    await act('add_item', { name: 'pear' });

    const resumed = await stream({ 'Last-Event-ID': lastId }, client);
    const { doc, version } = await nativeSurface();
    await resumed.waitFor(() => resumed.lastEventId() === String(version));
    expect(kinds(resumed.messages())).not.toContain('createSurface');
    expect(client.dataModel()).toEqual(doc.dataModel);
    for (const id of client.onScreen()) expect({ id, ...client.props(id) }).toEqual(omitType(doc.components[id]));
    resumed.close();

    for (const gone of [String(version + 1000), 'not-a-version']) {
      const reset = await stream({ 'Last-Event-ID': gone }, client);
      await reset.until(4);
      expect(kinds(reset.messages())).toEqual(['deleteSurface', 'createSurface', 'updateComponents', 'updateDataModel']);
      expect(client.dataModel()).toEqual(doc.dataModel);
      reset.close();
    }
  });

  test('a client that stops reading gets deleteSurface and a new sync instead of the backlog', async () => {
    await act('navigate', { to: '/lab' });
    const reader = await stream();
    await reader.until(3);
    const start = countIn((await nativeSurface()).doc);
    reader.pause();
    const times = 300;
    await act('background', { times, size: 40_000 });
    const final = await nativeSurfaceWhen((doc) => countIn(doc) === start + times);
    reader.resume();
    await reader.waitFor(() => reader.lastEventId() === String(final.version), 30_000);
    const kindsAfterSync = kinds(reader.messages(3));
    expect(kindsAfterSync.filter((k) => k === 'deleteSurface')).toHaveLength(1);
    expect(kindsAfterSync.filter((k) => k === 'updateComponents').length).toBeLessThan(times);
    expect(reader.client!.dataModel()).toEqual(final.doc.dataModel);
    expect(reader.client!.text('lab-count')).toBe(`Count: ${start + times}`);
  }, 60_000);

  test('users are isolated: a stream carries its own user\'s changes only', async () => {
    const alice = await stream({}, new OfficialClient('alice'), ALICE.token);
    await alice.until(3);
    await act('navigate', { to: '/lab' });
    await act('bump');
    const own = await act('navigate', { to: '/agents' }, ALICE.token);
    await alice.received(own, 3);
    // The stream keeps order: had the other user's changes reached it, they would come first.
    expect(alice.messages(3)).toEqual(own);
  });

  test('needs the token (401), and from a browser, this origin (403), in the one error shape', async () => {
    const anonymous = await request(server.url).get(STREAM);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    const foreign = await request(server.url).get(STREAM).set(bearer(server.token)).set('Origin', 'http://127.0.0.1:1');
    expect(foreign.status).toBe(403);
    expect(foreign.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
    const action = await request(server.url).post(ACTION).send(v09Action('navigate', { to: '/' }));
    expect(action.status).toBe(401);
    expect(action.body.error.code).toBe('UNAUTHORIZED');
  });
});

describe('POST /api/a2ui/v0.9/action', () => {
  test('the v0.9 form runs the action and answers the v0.9 messages of its change, with its side effects', async () => {
    await act('navigate', { to: '/' });
    const reader = await stream();
    await reader.until(3);
    const res = await post(v09Action('navigate', { to: '/agents' }, 'nav-control'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', messages: expect.any(Array), side_effects: [{ type: 'navigate', to: '/agents' }] });
    const messages = res.body.messages as A2uiV09Message[];
    expect(kinds(messages)).toEqual(['updateComponents', 'updateDataModel']);
    expect(messages[1]).toEqual({ version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/app/route', value: '/agents' } });
    await reader.received(messages, 3);
    // Final values, not deltas: applying the answer again on top of the stream's copy changes nothing.
    const before = JSON.stringify(reader.client!.dataModel());
    reader.client!.process(messages);
    expect(JSON.stringify(reader.client!.dataModel())).toBe(before);
  });

  test('the older userAction form runs the same way', async () => {
    await act('navigate', { to: '/lab' });
    const res = await post({ userAction: { name: 'add_item', surfaceId: 'main', sourceComponentId: 'lab-add', timestamp: new Date().toISOString(), context: { name: 'fig' } } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('success');
    expect(res.body.side_effects).toEqual([{ type: 'toast', variant: 'success', message: 'Added fig' }]);
    const components = (res.body.messages as A2uiV09Message[]).flatMap((m) => ('updateComponents' in m ? m.updateComponents.components : [])) as { text?: string }[];
    expect(components.map((c) => c.text)).toEqual(expect.arrayContaining(['fig', 'Added fig']));
    const minimal = await post({ userAction: { name: 'bump', surfaceId: 'main' } });
    expect(minimal.body.status).toBe('success');
  });

  test('an action that fails in its plugin answers status error, the error and the toast', async () => {
    await act('navigate', { to: '/lab' });
    const res = await post(v09Action('boom', {}, 'lab-boom'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'error', error: { code: 'PLUGIN_ERROR', message: 'Lab Agent failed: the lab exploded' } });
    const texts = (res.body.messages as A2uiV09Message[]).flatMap((m) => ('updateComponents' in m ? m.updateComponents.components : [])).map((c) => (c as { text?: string }).text);
    expect(texts).toContain('Lab Agent failed: the lab exploded');
  });

  test('error reports from clients are logged and answered ok', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const report = { version: 'v0.9', error: { code: 'VALIDATION_FAILED', surfaceId: 'main', path: '/components/0/text', message: 'Expected a string.' } };
      const res = await post(report);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(warn).toHaveBeenCalledWith('[a2ui v0.9] client error reported by local: VALIDATION_FAILED (surface main at /components/0/text): Expected a string.');
      const generic = await post({ version: 'v0.9', error: { code: 'RENDER_FAILED', surfaceId: 'main', message: 'Lost.', extra: 1 } });
      expect(generic.body).toEqual({ status: 'ok' });
      expect(warn).toHaveBeenLastCalledWith('[a2ui v0.9] client error reported by local: RENDER_FAILED (surface main): Lost.');
      // A report cannot write lines of its own into the log.
      await post({ version: 'v0.9', error: { code: 'X\r\n', surfaceId: 'main', message: 'Lost.\n[http] unexpected error: forged\u2028too' } });
      expect(warn).toHaveBeenLastCalledWith('[a2ui v0.9] client error reported by local: X\\u000d\\u000a (surface main): Lost.\\u000a[http] unexpected error: forged\\u2028too');
    } finally {
      warn.mockRestore();
    }
  });

  const valid = () => v09Action('navigate', { to: '/' }).action;
  test.each<[string, unknown, string]>([
    ['an array', [], 'body'],
    ['no action, userAction or error', { version: 'v0.9' }, 'body'],
    ['another protocol version', { version: 'v0.8', action: valid() }, 'version'],
    ['a missing version', { action: valid() }, 'version'],
    ['a surface id that is no view id', { version: 'v0.9', action: { ...valid(), surfaceId: 'no such / surface' } }, 'action.surfaceId'],
    ['a malformed action name', { version: 'v0.9', action: { ...valid(), name: 'Drop Table' } }, 'action.name'],
    ['no timestamp', { version: 'v0.9', action: { ...valid(), timestamp: undefined } }, 'action.timestamp'],
    ['a context that is not an object', { version: 'v0.9', action: { ...valid(), context: 'x' } }, 'action.context'],
    ['a context the action refuses', { version: 'v0.9', action: { ...valid(), context: { to: 5 } } }, 'action.context.to'],
    ['a userAction without a name', { userAction: { surfaceId: 'main' } }, 'userAction.name'],
    ['an error report without a message', { version: 'v0.9', error: { code: 'X', surfaceId: 'main' } }, 'error.message'],
  ])('400 INVALID_INPUT for %s, naming the field', async (_case, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}\\b`)) } });
  });

  test('400 INVALID_INPUT for a body that is not JSON, or not well-formed JSON', async () => {
    const text = await request(server.url).post(ACTION).set(bearer(server.token)).set('Content-Type', 'text/plain').send('navigate');
    expect(text.status).toBe(400);
    expect(text.body).toEqual({ error: { code: 'INVALID_INPUT', message: 'The body must be JSON (Content-Type: application/json).' } });
    const broken = await request(server.url).post(ACTION).set(bearer(server.token)).set('Content-Type', 'application/json').send('{"version":');
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ error: { code: 'INVALID_INPUT', message: 'The request body is not valid JSON.' } });
  });
});

describe('socket.io with format a2ui-v0.9', () => {
  /** A socket joined in the v0.9 form; its `a2ui` batches go to an official client, in order. */
  async function v09Socket(name: string): Promise<{ socket: Socket; client: OfficialClient; batches: A2uiV09Message[][]; frames: Frame[]; log: string[] }> {
    const socket = connect(server.url, server.token);
    open.push(socket);
    const client = new OfficialClient(name);
    const batches: A2uiV09Message[][] = [];
    const frames: Frame[] = [];
    const log: string[] = [];
    socket.on('a2ui', (batch: { messages: A2uiV09Message[] }) => {
      expect(Object.keys(batch)).toEqual(['messages']);
      batches.push(batch.messages);
      log.push('a2ui');
      client.process(batch.messages);
    });
    socket.on('frame', (frame: Frame) => frames.push(frame));
    await connected(socket);
    expect(await emitAck(socket, 'join', { format: 'a2ui-v0.9', surface_id: 'main' })).toEqual({ status: 'ok', surfaceId: 'main' });
    return { socket, client, batches, frames, log };
  }

  const until = (predicate: () => boolean) => waitFor(predicate, 'the socket to reach the expected state', 5000);

  test('join: the first a2ui event is the sync; other tabs\' changes follow as a2ui events, never frames', async () => {
    await act('navigate', { to: '/' });
    const { client, batches, frames } = await v09Socket('socket');
    await until(() => batches.length >= 1);
    expect(kinds(batches[0]!)).toEqual(['createSurface', 'updateComponents', 'updateDataModel']);
    const tab = await LiveClient.open(server.url, server.token);
    open.push(tab);
    await tab.action('navigate', { to: '/lab' });
    await until(() => client.route() === '/lab');
    expect(client.text('lab-count')).toBe(tab.text('lab-count'));
    expect(client.dataModel()).toEqual(tab.doc!.dataModel);
    expect(frames).toEqual([]);
  });

  test('a2ui_action takes both forms; the own change arrives as an a2ui event before the ack, which repeats it', async () => {
    await act('navigate', { to: '/lab' });
    const { socket, client, batches, log } = await v09Socket('actor');
    await until(() => batches.length >= 1);
    const ack = (await emitAck(socket, 'a2ui_action', v09Action('bump', {}, 'lab-bump'))) as { status: string; messages: A2uiV09Message[]; side_effects: unknown[] };
    log.push('ack');
    expect(ack).toEqual({ status: 'success', messages: expect.any(Array), side_effects: [] });
    expect(log).toEqual(['a2ui', 'a2ui', 'ack']);
    expect(batches[1]).toEqual(ack.messages);
    const older = (await emitAck(socket, 'a2ui_action', { userAction: { name: 'add_item', surfaceId: 'main', sourceComponentId: 'lab-add', context: { name: 'kiwi' } } })) as { status: string };
    expect(older.status).toBe('success');
    await until(() => client.toasts().includes('Added kiwi'));
  });

  test('a2ui_action: an error report is answered ok, bad input with an error and nothing run', async () => {
    const { socket } = await v09Socket('reporter');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(await emitAck(socket, 'a2ui_action', { version: 'v0.9', error: { code: 'RENDER_FAILED', surfaceId: 'main', message: 'x' } })).toEqual({ status: 'ok' });
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
    expect(await emitAck(socket, 'a2ui_action', { version: 'v0.9', action: { name: 'bump' } })).toEqual({
      status: 'error',
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^action\.surfaceId/) },
    });
  });

  test('a socket that stops reading gets deleteSurface and a new sync instead of the backlog', async () => {
    await act('navigate', { to: '/lab' });
    const { socket, client, batches } = await v09Socket('slow');
    await until(() => batches.length >= 1);
    const paused = pauseReading(socket);
    const times = 300;
    const start = labCount(client.text('lab-count'));
    await act('background', { times, size: 40_000 });
    const final = await nativeSurfaceWhen((doc) => countIn(doc) === start + times);
    paused.resume();
    await until(() => client.text('lab-count') === `Count: ${start + times}`);
    expect(batches.filter((b) => b[0] && 'deleteSurface' in b[0])).toHaveLength(1);
    expect(batches.length).toBeLessThan(times);
    expect(client.dataModel()).toEqual(final.doc.dataModel);
  }, 60_000);

  test('joining again on the same socket starts over: deleteSurface, then a new sync', async () => {
    const { socket, client, batches } = await v09Socket('rejoining');
    await until(() => batches.length >= 1);
    expect(await emitAck(socket, 'join', { format: 'a2ui-v0.9', surface_id: 'main' })).toEqual({ status: 'ok', surfaceId: 'main' });
    await until(() => batches.length >= 2);
    expect(kinds(batches[1]!)).toEqual(['deleteSurface', 'createSurface', 'updateComponents', 'updateDataModel']);
    expect(client.hasSurface).toBe(true);
  });
});

function omitType(component: unknown): unknown {
  const { component: _type, ...rest } = component as Record<string, unknown>;
  return rest;
}
