/**
 * Conformance with the action protocol document: `POST /api/a2ui/action` with the request exactly as
 * printed (its `schedule_meeting` example, and the lifecycle's `reply`), answered with the printed
 * response fields (`status`, `a2ui_json` as a string of operations, `side_effects`); the context
 * reaching the agent (`route`, `selection`, `user_prefs`, `capabilities`); `component_id: null` and an
 * absent one meaning the same; and the recovery toast when an agent fails.
 *
 * The document's example agent is a test module (test/fixtures/modules/meetings.ts) on the product's
 * server; without it, the printed request is still accepted and answered with the recovery toast.
 */
import request from 'supertest';
import { MODULES } from '../../server/app/modules';
import { meetingsModule } from '../fixtures/modules/meetings';
import { labModule } from '../helpers/lab-plugin';
import { bearer, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let plain: TestServer;

beforeAll(async () => {
  server = await startTestServer({ modules: [...MODULES, labModule, meetingsModule] });
  plain = await startTestServer();
});
afterAll(async () => {
  await server.close();
  await plain.close();
});

/** The request as printed. */
const PRINTED = {
  action: 'schedule_meeting',
  context: {
    route: '/dashboard',
    selection: null,
    user_id: 'user_123',
    timezone: 'UTC',
    screen_size: 'desktop',
  },
  payload: {
    attendees: ['john@example.com'],
    date: '2026-02-01',
  },
  component_id: 'card_quick_actions',
};

const post = (s: TestServer, body: object, surface = 'conformance') => request(s.url).post('/api/a2ui/action').set(bearer(s.token)).send({ ...body, surface_id: surface });

/** The printed response fields: status, a2ui_json (a string of operations), side_effects. */
function expectResponse(body: { status: string; a2ui_json: string; side_effects: unknown[] }): unknown[] {
  expect(['success', 'error']).toContain(body.status);
  expect(typeof body.a2ui_json).toBe('string');
  const ops = JSON.parse(body.a2ui_json) as unknown[];
  expect(Array.isArray(ops)).toBe(true);
  expect(Array.isArray(body.side_effects)).toBe(true);
  return ops;
}

test('the printed request: success, its operations, and exactly the printed side effects', async () => {
  const res = await post(server, PRINTED);
  expect(res.status).toBe(200);
  const ops = expectResponse(res.body);
  expect(res.body.status).toBe('success');
  expect(res.body.side_effects).toEqual([
    { type: 'toast', message: 'Meeting Scheduled!', variant: 'success' },
    { type: 'navigate', to: '/calendar' },
  ]);
  expect(ops).toEqual(expect.arrayContaining([{ op: 'replace', path: '/dataModel/app/route', value: '/calendar' }]));
  expect(JSON.stringify(ops)).toContain('john@example.com on 2026-02-01');
  // user_id in the context is not an identity: the action ran as the token's user.
  expect(JSON.stringify(ops)).not.toContain('user_123');
});

test('context.user_prefs and context.capabilities reach the agent; the preferences are the user\'s', async () => {
  const res = await post(server, {
    ...PRINTED,
    context: { route: '/dashboard', selection: ['m1'], user_prefs: { theme: 'dark', density: 'compact', language: 'fr' }, capabilities: { camera: true, mic: false } },
  });
  expect(res.body.status).toBe('success');
  const seen = JSON.parse(res.body.a2ui_json) as Array<{ path: string; value?: unknown }>;
  const context = seen.find((op) => op.path === '/components/meetings-context/text')!.value as string;
  expect(JSON.parse(context.replace(/^Context: /, ''))).toEqual({
    user_prefs: { theme: 'dark', density: 'compact', language: 'fr' },
    capabilities: { camera: true, mic: false },
    selection: ['m1'],
  });
  // Every view of the user takes the preferences.
  const surface = await request(server.url).get('/api/a2ui/surface').set(bearer(server.token));
  expect(surface.body.ops[0].value.dataModel.app).toMatchObject({ theme: 'dark', density: 'compact' });
});

test('component_id: null and an absent component_id mean the same', async () => {
  const { component_id: _drop, ...absent } = PRINTED;
  const withNull = await post(server, { ...PRINTED, component_id: null }, 'null-view');
  const without = await post(server, absent, 'absent-view');
  expect(withNull.status).toBe(200);
  expect(without.status).toBe(200);
  expect(withNull.body.status).toBe('success');
  expect({ status: without.body.status, side_effects: without.body.side_effects }).toEqual({ status: withNull.body.status, side_effects: withNull.body.side_effects });
});

test('without an agent for it, the printed request is accepted and answered with the recovery toast', async () => {
  const res = await post(plain, PRINTED);
  expect(res.status).toBe(200);
  expectResponse(res.body);
  expect(res.body).toMatchObject({ status: 'error', error: { code: expect.any(String), message: expect.any(String) } });
  expect(res.body.side_effects).toEqual([{ type: 'toast', variant: 'error', message: expect.any(String) }]);
});

test('the lifecycle example, {action: "reply", payload: {email_id: "123"}}, is accepted as sent', async () => {
  const res = await request(plain.url).post('/api/a2ui/action').set(bearer(plain.token)).send({ action: 'reply', payload: { email_id: '123' } });
  expect(res.status).toBe(200);
  expectResponse(res.body);
  // On the inbox it reaches the Email agent (no message 123 in the sample mailbox: its own error toast).
  const onInbox = await request(plain.url).post('/api/a2ui/action').set(bearer(plain.token)).send({ action: 'reply', context: { route: '/email/inbox' }, payload: { email_id: '123' }, surface_id: 'inbox' });
  expect(onInbox.status).toBe(200);
  expectResponse(onInbox.body);
  expect(onInbox.body.side_effects).toEqual([{ type: 'toast', variant: 'error', message: expect.stringMatching(/123|not found|No message/i) }]);
});

test('an agent that crashes: the UI stays, the answer is the recovery op (an error toast)', async () => {
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  let res;
  try {
    res = await post(server, { action: 'boom', context: { route: '/lab' }, payload: {} }, 'lab-view');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('[lab] failed'), expect.any(Error));
  } finally {
    logged.mockRestore();
  }
  expect(res.status).toBe(200);
  expectResponse(res.body);
  expect(res.body).toMatchObject({ status: 'error', side_effects: [{ type: 'toast', variant: 'error', message: expect.any(String) }] });
});
