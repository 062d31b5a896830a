/**
 * Gmail and Google sign-in end to end: the real server with MAIL_PROVIDER=gmail and the real
 * googleapis clients, pointed (rootUrl, OAuth2 endpoints) at a local fake of Google's OAuth and Gmail
 * REST APIs. Covers the OAuth routes and CSRF refusals, token storage and refresh, a revoked grant,
 * Gmail calls and their errors as toasts, threaded replies on the wire, and users kept apart.
 */
import { waitFor } from '../helpers/wait';
import fs from 'node:fs';
import path from 'node:path';
import type { GoogleTokensFile } from '../../agents/email/oauth';
import { decodeEncodedWords } from '../../agents/email/mime';
import { LiveClient, surfaceOf } from '../helpers/client';
import { act, childrenOf, component, emailData, textOf, waitForDoc } from '../helpers/email';
import { FAKE_CLIENT_ID, FakeGoogle } from '../helpers/fake-google';
import { bearer, startTestServer, type TestServer, ALICE, BOB, dataDirWithUsers } from '../helpers/server';

let google: FakeGoogle;
let server: TestServer;
/** The message ids of Ada's default mailbox: Grace's thread (first, mine, latest) and Zoë's café mail. */
let ada: { first: string; mine: string; latest: string; cafe: string; thread: string };

beforeAll(async () => {
  google = await FakeGoogle.start();
  const [first, mine, latest, cafe] = google.addAccount('ada@example.com');
  ada = { first: first!.id, mine: mine!.id, latest: latest!.id, cafe: cafe!.id, thread: first!.threadId };
  google.addAccount('alice@example.com', [google.newMessage('alice@example.com', { from: 'Team <team@alice.example>', subject: 'Only for Alice', body: 'Alice secret plans' })]);
  google.addAccount('bob@example.com', [google.newMessage('bob@example.com', { from: 'Bank <bank@bob.example>', subject: 'Only for Bob', body: 'Bob statement' })]);
  server = await startTestServer({ dataDir: dataDirWithUsers(), env: { ...google.env(), A2UI_RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await server.close();
  await google.close();
});

const tokensFile = () => path.join(server.dataDir, 'google-tokens.json');
const tokens = () => JSON.parse(fs.readFileSync(tokensFile(), 'utf8')) as GoogleTokensFile;
const status = async (token: string) => (await fetch(`${server.url}/auth/google/status`, { headers: bearer(token) })).json();

/** Our login (with the user's token) → Google's consent page; answers the callback URL Google sends the browser to. */
async function consent(token: string, account: string): Promise<string> {
  google.nextAccount = account;
  const login = await fetch(`${server.url}/auth/google/login`, { headers: bearer(token), redirect: 'manual' });
  expect(login.status).toBe(302);
  const back = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  expect(back.status).toBe(302);
  return back.headers.get('location')!;
}

/** The whole sign-in; the callback is fetched like a browser coming from Google: no cookie, no token. */
async function signIn(token: string, account: string): Promise<Response> {
  const callback = await consent(token, account);
  const res = await fetch(callback, { redirect: 'manual' });
  expect(res.status).toBe(200);
  return res;
}

async function inboxRows(token: string): Promise<string[]> {
  await act(server.url, token, 'navigate', { to: '/email/inbox' });
  const doc = await waitForDoc(server.url, token, (d) => childrenOf(d, 'email-inbox-list').length > 0);
  return childrenOf(doc, 'email-inbox-list');
}

describe('before signing in', () => {
  test('the inbox offers "Sign in with Google", whose action opens our login URL; mail actions say to sign in', async () => {
    await act(server.url, server.token, 'navigate', { to: '/email/inbox' });
    const { doc } = await surfaceOf(server.url, server.token);
    expect(component(doc, 'email-sign-in')).toMatchObject({ action: { event: { name: 'sign_in' } } });
    expect(component(doc, 'email-inbox')).toBeUndefined();
    const res = await act(server.url, server.token, 'sign_in');
    expect(res.body.side_effects).toEqual([
      { type: 'open_url', url: `${server.url}/auth/google/login?user_id=local` },
      { type: 'toast', variant: 'info', message: 'Finish signing in with Google in the new tab.' },
    ]);
    expect(await status(server.token)).toEqual({ signed_in: false });
    const open = await act(server.url, server.token, 'open_thread', { email_id: ada.latest });
    expect(open.body).toMatchObject({ status: 'error', error: { code: 'UNAUTHORIZED', message: 'Sign in with Google to read your Gmail.' } });
  });

  test('login needs the token, refuses another user id, and redirects to Google with offline access, consent, the scope and a fresh state', async () => {
    const anonymous = await fetch(`${server.url}/auth/google/login`, { redirect: 'manual' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    const other = await fetch(`${server.url}/auth/google/login?user_id=bob`, { headers: bearer(server.token), redirect: 'manual' });
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.stringContaining('your own user id') } });

    const states: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.url}/auth/google/login?user_id=local`, { headers: bearer(server.token), redirect: 'manual' });
      expect(res.status).toBe(302);
      const to = new URL(res.headers.get('location')!);
      expect(`${to.origin}${to.pathname}`).toBe(`${google.url}/o/oauth2/v2/auth`);
      expect(Object.fromEntries(to.searchParams)).toMatchObject({
        client_id: FAKE_CLIENT_ID,
        redirect_uri: `${server.url}/auth/google/callback`,
        response_type: 'code',
        access_type: 'offline',
        prompt: 'consent',
        scope: 'https://mail.google.com/',
        code_challenge_method: 'S256',
      });
      states.push(to.searchParams.get('state')!);
    }
    expect(states[0]).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(states[1]).not.toBe(states[0]);
  });

  test('a wrong state, a state Google reports refused, and a missing one are refused in the error shape and store nothing', async () => {
    const forged = await fetch(`${server.url}/auth/google/callback?state=forged-state&code=anything`, { redirect: 'manual' });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.stringContaining('not valid, has expired or was already used') } });

    google.denyNext = true;
    const denied = await fetch(await consent(server.token, 'ada@example.com'));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.stringContaining('(access_denied)') } });

    const missing = await fetch(`${server.url}/auth/google/callback?code=abc`);
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.code).toBe('INVALID_INPUT');
    const twice = await fetch(`${server.url}/auth/google/callback?state=a&state=b&code=c`);
    expect(twice.status).toBe(400);

    expect(tokens()).toEqual({ users: {} });
    expect(google.tokenRequests).toEqual([]);
  });
});

describe('signing in', () => {
  test('the callback exchanges the code without a cookie, stores the tokens (0600), shows a static page, and the open screen turns into the inbox', async () => {
    const client = await LiveClient.open(server.url, server.token);
    try {
      await client.action('navigate', { to: '/email/inbox' });
      expect(component(client.doc!, 'email-sign-in')).toBeDefined();
      const page = await signIn(server.token, 'ada@example.com');
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await page.text();
      expect(html).toContain('Signed in with Google');
      expect(html).not.toMatch(/<script|ada@example\.com|state|code-/);

      expect(fs.statSync(tokensFile()).mode & 0o777).toBe(0o600);
      expect(tokens().users.local).toMatchObject({ access_token: expect.stringMatching(/^ya29\./), refresh_token: expect.stringMatching(/^1\/\//), email: 'ada@example.com', expiry_date: expect.any(Number) });
      expect(await status(server.token)).toEqual({ signed_in: true, email: 'ada@example.com' });
      expect(google.tokenRequests.at(-1)).toMatchObject({ grant_type: 'authorization_code', code_verifier: expect.any(String), redirect_uri: `${server.url}/auth/google/callback` });

      await waitFor(() => childrenOf(client.doc!, 'email-inbox-list').length > 0, 'the Gmail inbox', 10_000);
      const doc = client.doc!;
      // Conversations: the first message and the latest are one thread, one row (at its newest).
      expect(childrenOf(doc, 'email-inbox-list')).toEqual([`email-row-${ada.cafe}`, `email-row-${ada.latest}`]);
      expect(textOf(doc, `email-row-${ada.latest}-from`)).toMatch(/\(3\)$/);
      expect(textOf(doc, `email-row-${ada.cafe}-from`)).toBe('Zoë Martin');
      expect(textOf(doc, `email-row-${ada.cafe}-subject`)).toBe('Café ☕ on Friday');
      expect(textOf(doc, `email-row-${ada.cafe}-snippet`)).toBe('Croissants & café for 12?');
      expect(textOf(doc, 'email-account-text')).toBe('Gmail · ada@example.com');
      const get = google.requests.find((r) => r.path === `/gmail/v1/users/me/threads/${ada.thread}`)!;
      expect(get.query.get('format')).toBe('metadata');
      expect(get.query.getAll('metadataHeaders')).toEqual(['From', 'Subject', 'Date']);
      const list = google.requests.find((r) => r.path === '/gmail/v1/users/me/threads')!;
      expect(list.query.getAll('labelIds')).toEqual(['INBOX']);
    } finally {
      client.close();
    }
  });

  test('a used state cannot be replayed: the second callback is refused and the stored tokens stay', async () => {
    const callback = await consent(server.token, 'ada@example.com');
    expect((await fetch(callback)).status).toBe(200);
    const stored = tokens().users.local;
    const replay = await fetch(callback);
    expect(replay.status).toBe(403);
    expect(await replay.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.stringContaining('already used') } });
    expect(tokens().users.local).toEqual(stored);
  });

  test('a state belongs to the user who started: Alice finishing her sign-in signs in Alice, not Bob', async () => {
    await signIn(ALICE.token, 'alice@example.com');
    expect(await status(ALICE.token)).toEqual({ signed_in: true, email: 'alice@example.com' });
    expect(await status(BOB.token)).toEqual({ signed_in: false });
    expect(Object.keys(tokens().users).sort()).toEqual(['alice', 'local']);
  });
});

describe('Gmail', () => {
  test('a thread comes from threads.get (full); a reply is sent with threadId, In-Reply-To, References and the same subject', async () => {
    await act(server.url, server.token, 'open_thread', { email_id: ada.latest });
    let doc = (await surfaceOf(server.url, server.token)).doc;
    expect(childrenOf(doc, 'email-thread-messages')).toEqual([ada.first, ada.mine, ada.latest].map((id) => `email-msg-${id}`));
    expect(textOf(doc, `email-msg-${ada.latest}-text`)).toBe('Great, 10:00 in room 4?');
    expect(google.requests.some((r) => r.path === `/gmail/v1/users/me/threads/${ada.thread}` && r.query.get('format') === 'full')).toBe(true);

    await act(server.url, server.token, 'reply', { email_id: ada.latest });
    doc = (await surfaceOf(server.url, server.token)).doc;
    const form = emailData(doc).compose;
    expect(form).toMatchObject({ to: 'Grace Hopper <grace@navy.example>', subject: 'Re: Compiler review' });
    const res = await act(server.url, server.token, 'send', { ...form, body: `Room 4 it is.${form.body}`, in_reply_to: ada.latest });
    expect(res.body.status).toBe('success');

    const sent = google.sent.at(-1)!;
    expect(sent.threadId).toBe(ada.thread);
    expect(sent.parsed.header('In-Reply-To')).toBe(`<${ada.latest}@mail.example>`);
    expect(sent.parsed.header('References')).toBe(`<${ada.first}@mail.example> <${ada.mine}@mail.example> <${ada.latest}@mail.example>`);
    expect(sent.parsed.header('Subject')).toBe('Re: Compiler review');
    expect(sent.parsed.header('To')).toBe('Grace Hopper <grace@navy.example>');
    expect(sent.parsed.header('From')).toBe('ada@example.com');
    expect(sent.parsed.body).toMatch(/^Room 4 it is\.\r\n\r\nOn .+ wrote:\r\n> Great, 10:00 in room 4\?$/);
    // The reply is in its thread now, on screen.
    doc = (await surfaceOf(server.url, server.token)).doc;
    expect(childrenOf(doc, 'email-thread-messages')).toHaveLength(4);
  });

  test('a non-ASCII subject goes out as RFC 2047 encoded-words', async () => {
    await act(server.url, server.token, 'reply', { email_id: ada.cafe });
    const form = emailData((await surfaceOf(server.url, server.token)).doc).compose;
    expect(form.subject).toBe('Re: Café ☕ on Friday');
    expect(form.to).toBe('Zoë Martin <zoe@cafe.example>');
    await act(server.url, server.token, 'send', { ...form, body: 'Oui, pour 12 !', in_reply_to: ada.cafe });
    const sent = google.sent.at(-1)!;
    expect(sent.raw).toMatch(/\r\nSubject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=/);
    expect(sent.raw).not.toContain('Café');
    expect(decodeEncodedWords(sent.parsed.header('Subject')!)).toBe('Re: Café ☕ on Friday');
    expect(decodeEncodedWords(sent.parsed.header('To')!)).toBe('Zoë Martin <zoe@cafe.example>');
    expect(sent.parsed.body).toBe('Oui, pour 12 !');
    expect(sent.threadId).toBe(ada.cafe);
  });

  test('mark read and archive modify the labels at Gmail', async () => {
    await inboxRows(server.token);
    const read = await act(server.url, server.token, 'mark_read', { email_id: ada.cafe });
    expect(read.body.status).toBe('success');
    expect(google.message('ada@example.com', ada.cafe)!.labelIds).not.toContain('UNREAD');
    const archived = await act(server.url, server.token, 'archive', { email_id: ada.cafe });
    expect(archived.body.side_effects[0]).toEqual({ type: 'toast', variant: 'success', message: 'Archived “Café ☕ on Friday”.' });
    expect(google.message('ada@example.com', ada.cafe)!.labelIds).not.toContain('INBOX');
    expect(childrenOf((await surfaceOf(server.url, server.token)).doc, 'email-inbox-list')).not.toContain(`email-row-${ada.cafe}`);
  });

  test('header injection never reaches Gmail', async () => {
    const before = google.sent.length;
    const res = await act(server.url, server.token, 'send', { to: 'grace@navy.example', subject: 'Hi\r\nBcc: everyone@example.com', body: 'x' });
    expect(res.status).toBe(400);
    expect(google.sent.length).toBe(before);
  });
});

describe('tokens', () => {
  test('an expired access token is refreshed before the call, and the refresh is merged: the refresh token stays', async () => {
    google.accessTokenLifetimeSec = 1;
    try {
      await signIn(BOB.token, 'bob@example.com');
    } finally {
      google.accessTokenLifetimeSec = 3600;
    }
    const signedIn = tokens().users.bob!;
    await waitFor(() => Date.now() > signedIn.expiry_date!, 'the access token to expire', 3000);
    const rows = await inboxRows(BOB.token);
    expect(rows).toHaveLength(1);
    expect(google.tokenRequests.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: signedIn.refresh_token });
    // Refreshed before the call: Gmail never saw the expired token.
    expect(google.requests.filter((r) => r.authorization === `Bearer ${signedIn.access_token}`)).toEqual([]);
    await waitFor(() => tokens().users.bob!.access_token !== signedIn.access_token, 'the refreshed token on disk', 5000);
    const refreshed = tokens().users.bob!;
    expect(refreshed).toMatchObject({ refresh_token: signedIn.refresh_token, email: 'bob@example.com', scope: 'https://mail.google.com/' });
    expect(refreshed.expiry_date!).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(fs.statSync(tokensFile()).mode & 0o777).toBe(0o600);
  });

  test('users only ever see their own mail: the same message id is not found with another user\'s grant', async () => {
    expect(await inboxRows(ALICE.token)).toHaveLength(1);
    const aliceDoc = (await surfaceOf(server.url, ALICE.token)).doc;
    expect(JSON.stringify(aliceDoc.components)).toContain('Only for Alice');
    expect(JSON.stringify((await surfaceOf(server.url, BOB.token)).doc.components)).not.toContain('Only for Alice');
    const aliceMessage = childrenOf(aliceDoc, 'email-inbox-list')[0]!.slice('email-row-'.length);
    expect(await inboxRows(BOB.token)).toHaveLength(1);
    const res = await act(server.url, BOB.token, 'open_thread', { email_id: aliceMessage });
    expect(res.body).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND', message: 'That message is no longer in Gmail (404).' } });
    const stored = tokens().users;
    expect(stored.alice!.refresh_token).not.toBe(stored.bob!.refresh_token);
  });
});

describe('Gmail errors', () => {
  // A 403 is failed twice: the OAuth2 client refreshes and retries once on 401 and 403.
  test.each([
    [429, 1, 'RATE_LIMITED', 'Gmail is limiting requests (429). Wait a minute and try again.'],
    [500, 1, 'UPSTREAM_ERROR', 'Gmail is having trouble (500). Try again in a moment.'],
    [403, 2, 'FORBIDDEN', 'Gmail refused access (403): Injected 403. Check the scopes granted to this app.'],
  ])('%i becomes a clear error toast and changes nothing', async (code, times, errorCode, message) => {
    await inboxRows(BOB.token);
    const before = (await surfaceOf(server.url, BOB.token)).doc;
    google.failNext(/\/threads$/, code, times);
    const res = await act(server.url, BOB.token, 'refresh');
    expect(res.body).toMatchObject({ status: 'error', error: { code: errorCode, message } });
    expect(res.body.side_effects).toEqual([{ type: 'toast', variant: 'error', message }]);
    expect(childrenOf((await surfaceOf(server.url, BOB.token)).doc, 'email-inbox-list')).toEqual(childrenOf(before, 'email-inbox-list'));
  });

  test('a 401 is retried once after a token refresh; a second 401 becomes a toast asking to sign in again', async () => {
    const refreshes = () => google.tokenRequests.filter((r) => r.grant_type === 'refresh_token').length;
    let before = refreshes();
    google.failNext(/\/threads$/, 401);
    expect((await act(server.url, BOB.token, 'refresh')).body.status).toBe('success');
    expect(refreshes()).toBe(before + 1);

    before = refreshes();
    google.failNext(/\/threads$/, 401, 2);
    const res = await act(server.url, BOB.token, 'refresh');
    expect(res.body).toMatchObject({ status: 'error', error: { code: 'UNAUTHORIZED', message: 'Gmail did not accept the sign-in (401). Sign in with Google again.' } });
    expect(refreshes()).toBe(before + 1);
    expect(await status(BOB.token)).toMatchObject({ signed_in: true });
  });

  test('a revoked grant: the call fails with a toast, the tokens are deleted, and the screen asks to sign in again', async () => {
    const client = await LiveClient.open(server.url, BOB.token);
    try {
      google.revokeGrant('bob@example.com');
      const ack = await client.action('refresh');
      expect(ack).toMatchObject({ status: 'error', error: { code: 'UNAUTHORIZED', message: 'Google access was revoked or has expired. Sign in with Google again.' } });
      await waitFor(() => component(client.doc!, 'email-sign-in') !== undefined, 'the sign-in card', 5000);
      expect(await status(BOB.token)).toEqual({ signed_in: false });
      expect(tokens().users.bob).toBeUndefined();
      expect(tokens().users.alice).toBeDefined();
    } finally {
      client.close();
    }
  });
});

describe('signing out', () => {
  test('GET /auth/google/logout revokes the grant at Google and deletes the tokens', async () => {
    const refreshToken = tokens().users.alice!.refresh_token!;
    const res = await fetch(`${server.url}/auth/google/logout`, { headers: bearer(ALICE.token) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ signed_in: false });
    expect(google.revoked).toContain(refreshToken);
    expect(tokens().users.alice).toBeUndefined();
    expect(await status(ALICE.token)).toEqual({ signed_in: false });
    const doc = await waitForDoc(server.url, ALICE.token, (d) => component(d, 'email-sign-in') !== undefined);
    expect(component(doc, 'email-inbox')).toBeUndefined();
  });

  test('the sign_out action does the same from the screen, with a toast', async () => {
    const refreshToken = tokens().users.local!.refresh_token!;
    await act(server.url, server.token, 'navigate', { to: '/email/inbox' });
    const res = await act(server.url, server.token, 'sign_out');
    expect(res.body.side_effects).toEqual([{ type: 'toast', variant: 'success', message: 'Signed out of Google.' }]);
    expect(google.revoked).toContain(refreshToken);
    expect(tokens().users).toEqual({});
    expect(component((await surfaceOf(server.url, server.token)).doc, 'email-sign-in')).toBeDefined();
  });
});
