/**
 * Defect 10: `open_url` side effects are filtered on the server. A plugin (by mistake or malice) can
 * answer `open_url` with a `javascript:`, `file:` or `data:` URL; a client that follows it runs a
 * script in the product's origin or opens a local file. The server passes only http(s) URLs
 * (server/session/user-session.ts `safeEffects`), so no client, however naive, is ever handed one.
 *
 * Through the faulty test module (fixtures/faulty-module.ts), whose `hostile_links` answers every
 * such URL beside two good ones: over REST, socket.io (the ack and the frame the view's other socket
 * gets), the A2UI v0.9 answer (HTTP and socket.io), and a later change through the tab's host.
 */
import request from 'supertest';
import { MODULES } from '../../server/app/modules';
import type { Frame } from '../../server/transport/protocol';
import { connect, connected, emitAck, LiveClient } from '../helpers/client';
import { bearer, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { faultyModule, HOSTILE_URLS, WEB_URLS } from './fixtures/faulty-module';

let server: TestServer;
let errors: jest.SpyInstance;
beforeAll(async () => {
  server = await startTestServer({ modules: [...MODULES, faultyModule] });
  // The server logs every URL it drops.
  errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(async () => {
  errors.mockRestore();
  await server.close();
});

const webOnly = WEB_URLS.map((url) => ({ type: 'open_url', url }));

/** The answer's text holds none of the hostile URLs' schemes, anywhere. */
function expectNoHostileUrl(answer: unknown): void {
  const text = JSON.stringify(answer).toLowerCase();
  for (const scheme of ['javascript:', 'file:', 'data:', 'vbscript:', 'blob:', '//evil.example']) expect(text).not.toContain(scheme);
}

function openUrls(sideEffects: ReadonlyArray<{ type: string }>): unknown[] {
  return sideEffects.filter((effect) => effect.type === 'open_url');
}

test('the hostile URLs are what a naive client would open (the fixture tests something)', () => {
  const parsed = HOSTILE_URLS.flatMap((url) => {
    try {
      return [new URL(url).protocol];
    } catch {
      return [];
    }
  });
  expect(parsed).toEqual(expect.arrayContaining(['javascript:', 'file:', 'data:']));
});

test('REST: only the http(s) URLs reach side_effects', async () => {
  const res = await request(server.url)
    .post('/api/a2ui/action')
    .set(bearer(server.token))
    .send({ action: 'hostile_links', payload: {}, context: { route: '/faulty' }, surface_id: 'rest-links' });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('success');
  expect(openUrls(res.body.side_effects)).toEqual(webOnly);
  expect(res.body.side_effects).toContainEqual({ type: 'toast', variant: 'info', message: 'links sent' });
  expectNoHostileUrl(res.body);
});

test("socket.io: the acting socket's ack and the view's other socket's frame carry only the http(s) URLs", async () => {
  const acting = await LiveClient.open(server.url, server.token, 'socket-links');
  const other = await LiveClient.open(server.url, server.token, 'socket-links');
  try {
    await acting.action('navigate', { to: '/faulty' });
    const ack = await acting.action('hostile_links');
    expect(ack.status).toBe('success');
    expect(openUrls(ack.frame.side_effects)).toEqual(webOnly);
    expectNoHostileUrl(ack);
    const heard = await waitFor(() => other.frames.find((frame) => frame.to === ack.frame.to), 'the other socket to get the change');
    expect(openUrls(heard.side_effects)).toEqual(webOnly);
    expectNoHostileUrl(other.frames);
  } finally {
    acting.close();
    other.close();
  }
});

test('A2UI v0.9: the HTTP answer and the socket.io a2ui_action ack carry only the http(s) URLs', async () => {
  const message = { version: 'v0.9', action: { name: 'hostile_links', surfaceId: 'v09-links', sourceComponentId: 'faulty', timestamp: '2026-01-01T00:00:00Z', context: {} } };
  await request(server.url).post('/api/a2ui/action').set(bearer(server.token)).send({ action: 'navigate', payload: { to: '/faulty' }, surface_id: 'v09-links' }).expect(200);
  const res = await request(server.url).post('/api/a2ui/v0.9/action').set(bearer(server.token)).send(message);
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('success');
  expect(openUrls(res.body.side_effects)).toEqual(webOnly);
  expectNoHostileUrl(res.body);

  const socket = connect(server.url, server.token);
  await connected(socket);
  try {
    const ack = await emitAck<{ status: string; side_effects: Array<{ type: string }> }>(socket, 'a2ui_action', message);
    expect(ack.status).toBe('success');
    expect(openUrls(ack.side_effects)).toEqual(webOnly);
    expectNoHostileUrl(ack);
  } finally {
    socket.close();
  }
});

test("a later change through the tab's host: the frame carries only the http(s) URLs", async () => {
  const client = await LiveClient.open(server.url, server.token, 'later-links');
  try {
    await client.action('navigate', { to: '/faulty' });
    const ack = await client.action('hostile_links_later');
    const later = await waitFor(() => client.frames.find((frame: Frame) => frame.to > ack.frame.to && frame.side_effects.length > 0), 'the later frame with side effects');
    expect(openUrls(later.side_effects)).toEqual(webOnly);
    expectNoHostileUrl(client.frames);
  } finally {
    client.close();
  }
});

test('the dropped URLs are logged', () => {
  expect(errors).toHaveBeenCalledWith(expect.stringContaining('dropped an open_url side effect that is not http(s): javascript:alert'));
});
