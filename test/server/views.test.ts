/**
 * Views over HTTP: the seed protocol's REST example reaches the plugin its context's route names; a
 * caller that names no view gets its token's own; a named view is made on first use from the client's
 * context; free-form values are bounded; the number of views per user is capped.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startTestServer, type TestServer } from '../helpers/server';
import { bearer, connect, connected, emitAck } from '../helpers/client';
import type { Frame } from '../../server/session/frame';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { A2UI_MAX_VIEWS_PER_USER: '5' } });
});
afterAll(() => server.close());

const act = (body: object) => request(server.url).post('/api/a2ui/action').set(bearer(server.token)).send(body);

test("the seed's REST example (context.route /email/inbox, action reply) reaches the Email plugin", async () => {
  // As the action protocol document prints it, for a message that exists and for its "123".
  const seed = {
    action: 'reply',
    context: { route: '/email/inbox', selection: null, user_id: 'user_123', timezone: 'UTC', screen_size: 'desktop' },
    payload: { email_id: 'm1' },
    component_id: 'mail-row-m1',
  };
  const res = await act({ ...seed, surface_id: 'seed-view' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'success', surface_id: 'seed-view', side_effects: [{ type: 'navigate', to: '/email/compose' }] });
  expect(JSON.parse(res.body.a2ui_json as string)).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/components/email-compose' })]));
  const missing = await act({ ...seed, payload: { email_id: '123' }, surface_id: 'seed-view-2' });
  expect(missing.body).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND', message: 'There is no message 123 in your mailbox.' } });
});

test('component_id null means no component', async () => {
  const res = await act({ action: 'navigate', payload: { to: '/agents' }, component_id: null });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('success');
});

test('a REST call without a view acts on the token\'s own view ("main"), never on a tab', async () => {
  const socket = connect(server.url, server.token);
  try {
    await connected(socket);
    const frames: Frame[] = [];
    socket.on('frame', (frame: Frame) => frames.push(frame));
    const joined = await emitAck<Frame>(socket, 'join', { surface_id: 'my-tab', context: { route: '/lab' } });
    expect(joined.surfaceId).toBe('my-tab');
    const res = await act({ action: 'navigate', payload: { to: '/email/inbox' } });
    expect(res.body.surface_id).toBe('main');
    await act({ action: 'bump', payload: {}, context: { route: '/lab' }, surface_id: 'other-view' });
    await new Promise((r) => setTimeout(r, 200));
    // The tab hears the domain change (the lab count), never the navigation or its toast.
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) {
      expect(frame.surfaceId).toBe('my-tab');
      expect(frame.side_effects).toEqual([]);
      expect(frame.ops.some((op) => op.path === '/dataModel/app/route')).toBe(false);
    }
  } finally {
    socket.close();
  }
});

test('a view id that does not exist gets a fresh view on the client\'s route, and a snapshot', async () => {
  const res = await request(server.url).get('/api/a2ui/surface?surface_id=never-seen&version=12345').set(bearer(server.token));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ surfaceId: 'never-seen', from: null, ops: [{ op: 'replace', path: '' }] });
  const bad = await request(server.url).get('/api/a2ui/surface?surface_id=no/such').set(bearer(server.token));
  expect(bad.status).toBe(400);
});

test('free-form values are bounded: a 5,000-deep value is refused with 400 and saving goes on for everyone', async () => {
  // Written as text: JSON.stringify itself cannot make it (its recursion overflows, as a save would).
  const deep = `${'{"d":'.repeat(5000)}1${'}'.repeat(5000)}`;
  const raw = (body: string) => request(server.url).post('/api/a2ui/action').set(bearer(server.token)).set('content-type', 'application/json').send(body);
  const prefs = await raw(`{"action":"select","payload":{"ids":[]},"context":{"user_prefs":{"theme":${deep}}}}`);
  expect(prefs.status).toBe(400);
  expect(prefs.body.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('nested deeper than') });
  const payload = await raw(`{"action":"select","payload":{"ids":[],"junk":${deep}}}`);
  expect(payload.status).toBe(400);
  const big = await act({ action: 'select', payload: { ids: [] }, context: { user_prefs: { note: 'x'.repeat(5000) } } });
  expect(big.status).toBe(400);
  expect(big.body.error.message).toContain('at most 4096 bytes');
  // The record of this user is still written (a route change is saved).
  await act({ action: 'navigate', payload: { to: '/agents' }, surface_id: 'saved-tab' });
  const file = path.join(server.dataDir, 'sessions', 'local.json');
  await new Promise((r) => setTimeout(r, 100));
  expect(JSON.parse(fs.readFileSync(file, 'utf8')).views['saved-tab']).toMatchObject({ route: '/agents' });
  expect((await request(server.url).get('/api/health').set(bearer(server.token))).body.store).toEqual({ status: 'ok' });
});

test('views per user are capped: past the cap the least recently used idle view goes', async () => {
  for (let i = 0; i < 8; i++) expect((await act({ action: 'select', payload: { ids: [] }, surface_id: `many-${i}` })).status).toBe(200);
  // many-0 was dropped long ago: naming it again makes a fresh view (a snapshot, not an error).
  const again = await request(server.url).get('/api/a2ui/surface?surface_id=many-0&version=1').set(bearer(server.token));
  expect(again.body.from).toBeNull();
});
