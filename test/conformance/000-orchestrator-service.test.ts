/**
 * Conformance with the orchestrator service document (the mail/auth service): `GET /health`,
 * `POST /events/message` with the bodies exactly as printed (the payload section's and the curl
 * example's) answered as an `OrchestratorReply`, the Google OAuth routes, and the assistant's mail
 * and auth tools ("log me in to Gmail" from chat and from a listener event).
 *
 * One difference on purpose: the document's curl sends no credentials; every request here carries
 * the product's token (an open port of this server would run processes for anyone).
 */
import request from 'supertest';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { FakeGoogle } from '../helpers/fake-google';
import { bearer, startTestServer, type TestServer } from '../helpers/server';

jest.setTimeout(30_000);

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function serve(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer({ env });
  closers.push(() => server.close());
  return server;
}

async function fakes(): Promise<{ ai: FakeAnthropic; google: FakeGoogle }> {
  const ai = await FakeAnthropic.start();
  const google = await FakeGoogle.start();
  closers.push(() => ai.close(), () => google.close());
  google.addAccount('ada@example.com');
  return { ai, google };
}

/** The document's OrchestratorReply: exactly these four fields. */
function expectReply(body: unknown): void {
  expect(Object.keys(body as object).sort()).toEqual(['login_url', 'logout_url', 'provider', 'reply']);
  expect(body).toMatchObject({ reply: expect.any(String) });
}

/** The tool results Claude got in the request `index` (a user message of tool_result blocks). */
function toolResults(ai: FakeAnthropic, index: number): unknown[] {
  const blocks = ai.requests[index]!.body.messages!.at(-1)!.content as Array<{ type: string; content: string }>;
  return blocks.filter((b) => b.type === 'tool_result').map((b) => JSON.parse(b.content));
}

test('GET /health → {"status": "ok"}', async () => {
  const server = await serve({});
  const res = await request(server.url).get('/health');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok' });
});

test('POST /events/message with the printed bodies: the mail tools run and the answer is an OrchestratorReply', async () => {
  const { ai } = await fakes();
  const server = await serve(ai.env());
  ai.enqueue(
    { content: [{ type: 'tool_use', id: 'toolu_list', name: 'mail_list', input: {} }], stop_reason: 'tool_use' },
    { content: [{ type: 'text', text: 'You have a few emails.' }] },
  );
  // The payload section's body, as printed.
  const printed = { provider: 'discord', channel_id: 'channel_id', user_id: 'user_id', content: 'list my emails', message_id: 'optional', timestamp: 'optional' };
  const res = await request(server.url).post('/events/message').set(bearer(server.token)).send(printed);
  expect(res.status).toBe(200);
  expectReply(res.body);
  expect(res.body).toEqual({ reply: 'You have a few emails.', login_url: null, logout_url: null, provider: 'discord' });
  expect((toolResults(ai, 1)[0] as { messages: unknown[] }).messages.length).toBeGreaterThan(0);

  // The curl example's body, as printed.
  const curl = await request(server.url)
    .post('/events/message')
    .set(bearer(server.token))
    .set('Content-Type', 'application/json')
    .send('{"provider":"discord","channel_id":"test","user_id":"u1","content":"list my emails"}');
  expect(curl.status).toBe(200);
  expectReply(curl.body);
});

test('the OAuth routes: login (redirect to Google), callback, status, logout', async () => {
  const { ai, google } = await fakes();
  const server = await serve({ ...ai.env(), ...google.env(), MAIL_PROVIDER: 'gmail' });
  const auth = bearer(server.token);

  expect((await request(server.url).get('/auth/google/status?user_id=local').set(auth)).body).toEqual({ signed_in: false });
  const login = await fetch(`${server.url}/auth/google/login?user_id=local`, { headers: auth, redirect: 'manual' });
  expect(login.status).toBe(302);
  const consent = new URL(login.headers.get('location')!);
  expect(consent.searchParams.get('state')).toEqual(expect.any(String));
  expect(consent.searchParams.get('access_type')).toBe('offline');

  const back = await fetch(consent, { redirect: 'manual' });
  const callback = new URL(back.headers.get('location')!);
  expect(callback.pathname).toBe('/auth/google/callback');
  expect(callback.searchParams.get('state')).toBe(consent.searchParams.get('state'));
  expect(callback.searchParams.get('code')).toEqual(expect.any(String));
  const done = await fetch(callback, { redirect: 'manual' });
  expect(done.status).toBe(200);
  expect(await done.text()).toContain('Signed in');

  expect((await request(server.url).get('/auth/google/status?user_id=local').set(auth)).body).toEqual({ signed_in: true, email: 'ada@example.com' });
  expect((await request(server.url).get('/auth/google/logout?user_id=local').set(auth)).body).toEqual({ signed_in: false });
  expect((await request(server.url).get('/auth/google/status?user_id=local').set(auth)).body).toEqual({ signed_in: false });
});

test('the auth tools: "log me in to Gmail" answers the sign-in URL, from a listener event and from chat; status and sign-out after', async () => {
  const { ai, google } = await fakes();
  const server = await serve({ ...ai.env(), ...google.env(), MAIL_PROVIDER: 'gmail' });
  const loginUrl = `${server.url}/auth/google/login?user_id=local`;

  // From POST /events/message: the tool's link is the reply's login_url.
  ai.enqueue(
    { content: [{ type: 'tool_use', id: 'toolu_login', name: 'auth_login', input: {} }], stop_reason: 'tool_use' },
    { content: [{ type: 'text', text: 'Open the link to sign in.' }] },
  );
  const event = { provider: 'discord', channel_id: 'test', user_id: 'u1', content: 'log me in to Gmail' };
  const res = await request(server.url).post('/events/message').set(bearer(server.token)).send(event);
  expect(res.body).toEqual({ reply: 'Open the link to sign in.', login_url: loginUrl, logout_url: null, provider: 'discord' });
  expect(toolResults(ai, 1)).toEqual([{ signed_in: false, login_url: loginUrl }]);
  const tools = (ai.requests[0]!.body.tools as Array<{ name: string }>).map((t) => t.name);
  expect(tools).toEqual(expect.arrayContaining(['auth_status', 'auth_login', 'auth_logout', 'mail_list']));

  // From chat: Claude gets the same link to hand over.
  ai.enqueue(
    { content: [{ type: 'tool_use', id: 'toolu_login2', name: 'auth_login', input: {} }], stop_reason: 'tool_use' },
    { content: [{ type: 'text', text: `Sign in here: ${loginUrl}` }] },
  );
  const chat = await request(server.url).post('/api/chat').set(bearer(server.token)).send({ message: 'log me in to Gmail' });
  expect(chat.body.message).toBe(`Sign in here: ${loginUrl}`);
  expect(toolResults(ai, 3)).toEqual([{ signed_in: false, login_url: loginUrl }]);

  // The user opens it and signs in.
  const login = await fetch(loginUrl, { headers: bearer(server.token), redirect: 'manual' });
  const back = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  expect((await fetch(back.headers.get('location')!, { redirect: 'manual' })).status).toBe(200);

  ai.enqueue(
    { content: [{ type: 'tool_use', id: 'toolu_status', name: 'auth_status', input: {} }], stop_reason: 'tool_use' },
    { content: [{ type: 'tool_use', id: 'toolu_logout', name: 'auth_logout', input: {} }], stop_reason: 'tool_use' },
    { content: [{ type: 'text', text: 'Open the link to end your Gmail session.' }] },
  );
  const out = await request(server.url).post('/events/message').set(bearer(server.token)).send({ ...event, content: 'am I connected? then end my Gmail session' });
  expect(out.body).toEqual({ reply: 'Open the link to end your Gmail session.', login_url: null, logout_url: `${server.url}/auth/google/logout`, provider: 'discord' });
  expect(toolResults(ai, 5)).toEqual([{ provider: 'gmail', signed_in: true, email: 'ada@example.com' }]);
  expect(toolResults(ai, 6)).toEqual([{ signed_in: true, email: 'ada@example.com', logout_url: `${server.url}/auth/google/logout` }]);
  // The tool only answered the link: the user is still signed in until they open it.
  expect((await request(server.url).get('/auth/google/status').set(bearer(server.token))).body).toMatchObject({ signed_in: true });
});
