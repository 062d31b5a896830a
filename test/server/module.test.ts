/**
 * Adding a feature is a folder and one line in the module list: the notes module of test/fixtures
 * (a service with its own store, a screen, an endpoint, a socket event, an assistant tool) joins the
 * product's modules and every part of it is served, behind the product's auth and error shape.
 */
import request from 'supertest';
import { MODULES } from '../../server/app/modules';
import { notesModule } from '../fixtures/modules/notes/module';
import { bearer, connect, connected, emitAck, LiveClient } from '../helpers/client';
import { ALICE, dataDirWithUsers, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ dataDir: dataDirWithUsers(), modules: [...MODULES, notesModule] });
});
afterAll(() => server.close());

test('its endpoint is mounted behind the auth, validates its body, and answers the one error shape', async () => {
  expect((await request(server.url).get('/api/notes')).status).toBe(401);
  const added = await request(server.url).post('/api/notes').set(bearer(server.token)).send({ text: 'buy milk' });
  expect(added.status).toBe(201);
  expect(added.body).toEqual({ notes: ['buy milk'] });
  const bad = await request(server.url).post('/api/notes').set(bearer(server.token)).send({ text: '', extra: 1 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('INVALID_INPUT');
  // Another user has their own notes.
  expect((await request(server.url).get('/api/notes').set(bearer(ALICE.token))).body).toEqual({ notes: [] });
});

test('its screen is in the header, its action works, and a change made over HTTP reaches the screen', async () => {
  const client = await LiveClient.open(server.url, server.token);
  try {
    await client.action('navigate', { to: '/notes' });
    expect(client.text('notes-item-0')).toBe('buy milk');
    expect(client.doc!.components['nav-notes']).toBeDefined();
    await client.action('add_note', { text: 'call the bank' });
    expect(client.text('notes-item-1')).toBe('call the bank');
    await request(server.url).post('/api/notes').set(bearer(server.token)).send({ text: 'from a script' });
    await client.waitFor(() => client.text('notes-item-2') === 'from a script');
  } finally {
    client.close();
  }
});

test('its socket event answers on the live socket; its health shows in /api/health', async () => {
  const socket = connect(server.url, server.token);
  try {
    await connected(socket);
    expect(await emitAck(socket, 'notes_count', {})).toEqual({ count: 3 });
    expect(await emitAck(socket, 'notes_count', 'not an object')).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  } finally {
    socket.close();
  }
  const health = await request(server.url).get('/api/health').set(bearer(server.token));
  expect(health.body.plugins.notes).toEqual({ status: 'ok', detail: 'notes' });
});
