/**
 * GoogleOAuth on its own, against the fake Google: what the routes cannot show quickly (a state that
 * expires, the cap on open sign-ins per user) and the token record's merge on refresh.
 */
import { GoogleOAuth, type GoogleTokensFile } from '../../agents/email/oauth';
import type { PersistentStore } from '../../agents/types';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FakeGoogle } from '../helpers/fake-google';

let google: FakeGoogle;
beforeAll(async () => {
  google = await FakeGoogle.start();
});
afterAll(() => google.close());

function memoryStore(): PersistentStore<GoogleTokensFile> & { writes: number } {
  const store = { data: { users: {} } as GoogleTokensFile, writes: 0, write: async () => void store.writes++ };
  return store;
}

function oauth(store = memoryStore(), stateTtlMs?: number): GoogleOAuth {
  return new GoogleOAuth({
    config: { clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET, scopes: ['https://mail.google.com/'], authUrl: `${google.url}/o/oauth2/v2/auth`, tokenUrl: `${google.url}/token`, revokeUrl: `${google.url}/revoke` },
    store,
    redirectUri: () => 'http://127.0.0.1:1/auth/google/callback',
    ...(stateTtlMs ? { stateTtlMs } : {}),
  });
}

/** Follows the consent URL to the fake; answers the state and code it sends back. */
async function consent(url: string): Promise<{ state: string; code: string }> {
  const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
  return { state: back.searchParams.get('state')!, code: back.searchParams.get('code')! };
}

const describeAccount = async () => 'ada@example.com';

test('an expired state is refused and nothing is exchanged or stored', async () => {
  const store = memoryStore();
  const auth = oauth(store, 30_000);
  const { state, code } = await consent(await auth.beginSignIn('ada'));
  const exchanges = google.tokenRequests.length;
  // The callback comes just as the state's 30 seconds run out.
  const now = Date.now();
  const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 30_000);
  try {
    await expect(auth.completeSignIn(state, code, describeAccount)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  } finally {
    clock.mockRestore();
  }
  expect(google.tokenRequests.length).toBe(exchanges);
  expect(store.data.users).toEqual({});
  expect(store.writes).toBe(0);
});

test('a user has at most five open sign-ins: a sixth retires the oldest', async () => {
  const auth = oauth();
  const urls = [];
  for (let i = 0; i < 6; i++) urls.push(await auth.beginSignIn('ada'));
  const oldest = await consent(urls[0]!);
  await expect(auth.completeSignIn(oldest.state, oldest.code, describeAccount)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  const newest = await consent(urls[5]!);
  await expect(auth.completeSignIn(newest.state, newest.code, describeAccount)).resolves.toEqual({ userId: 'ada', email: 'ada@example.com' });
  // Another user's open sign-ins are not counted against Ada's.
  const bob = await consent(await auth.beginSignIn('bob'));
  await expect(auth.completeSignIn(bob.state, bob.code, describeAccount)).resolves.toMatchObject({ userId: 'bob' });
});

test('a refresh is merged into the stored record: new access token and expiry, same refresh token, and listeners hear sign-in and sign-out', async () => {
  const store = memoryStore();
  const auth = oauth(store);
  const changes: string[] = [];
  auth.onChange((user) => changes.push(user));
  const { state, code } = await consent(await auth.beginSignIn('ada'));
  await auth.completeSignIn(state, code, describeAccount);
  const first = { ...store.data.users.ada! };
  expect(first).toMatchObject({ refresh_token: expect.any(String), access_token: expect.any(String), email: 'ada@example.com' });

  await auth.clientFor('ada')!.refreshAccessToken();
  const merged = store.data.users.ada!;
  expect(merged.access_token).not.toBe(first.access_token);
  expect(merged.refresh_token).toBe(first.refresh_token);
  expect(merged.email).toBe('ada@example.com');
  expect(auth.status('ada')).toEqual({ signed_in: true, email: 'ada@example.com' });
  expect(auth.status('bob')).toEqual({ signed_in: false });

  await expect(auth.signOut('ada')).resolves.toEqual({ revoked: true });
  expect(google.revoked).toContain(first.refresh_token);
  expect(store.data.users).toEqual({});
  expect(auth.clientFor('ada')).toBeUndefined();
  expect(changes).toEqual(['ada', 'ada']);
});
