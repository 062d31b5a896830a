import fs from 'node:fs';
import path from 'node:path';
import { loadAuth, TokenAuth } from '../../server/transport/auth';
import { tempDir } from '../helpers/server';

describe('loadAuth', () => {
  test('generates the main token once, keeps it in a 0600 file, and maps it to "local"', () => {
    const dir = tempDir();
    const first = loadAuth(dir, undefined);
    const second = loadAuth(dir, undefined);
    expect(first.mainToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(second.mainToken).toBe(first.mainToken);
    expect(fs.statSync(path.join(dir, 'token')).mode & 0o777).toBe(0o600);
    expect(first.identify(first.mainToken)?.userId).toBe('local');
  });

  test('A2UI_TOKEN wins over the file', () => {
    const auth = loadAuth(tempDir(), 'from-the-environment-123');
    expect(auth.identify('from-the-environment-123')?.userId).toBe('local');
  });

  test('users.json maps more tokens to more users', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'users.json'), JSON.stringify({ users: [{ token: 'alice-token-0123456789', user_id: 'alice' }] }));
    const auth = loadAuth(dir, undefined);
    expect(auth.identify('alice-token-0123456789')?.userId).toBe('alice');
    expect(auth.identify('alice-token-012345678')).toBeUndefined();
  });

  test('a bad users.json stops the start with a message naming the field', () => {
    for (const users of [[{ token: 'short', user_id: 'x' }], [{ token: 'long-enough-token-123', user_id: '__proto__' }], [{ token: 'long-enough-token-123', user_id: '../x' }]]) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'users.json'), JSON.stringify({ users }));
      expect(() => loadAuth(dir, undefined)).toThrow(/users\.0\.(token|user_id)/);
    }
  });
});

describe('roles', () => {
  test('users.json entries may say "role": "admin"; the main user is always an admin; others are users', () => {
    const dir = tempDir();
    const users = [
      { token: 'alice-token-0123456789', user_id: 'alice', role: 'admin' },
      { token: 'bob-token-0123456789ab', user_id: 'bob', role: 'user' },
      { token: 'carol-token-0123456789', user_id: 'carol' },
    ];
    fs.writeFileSync(path.join(dir, 'users.json'), JSON.stringify({ users }));
    const auth = loadAuth(dir, 'main-token-0123456789');
    expect(auth.identify('main-token-0123456789')).toMatchObject({ userId: 'local', admin: true });
    expect(auth.identify('alice-token-0123456789')).toMatchObject({ userId: 'alice', admin: true });
    expect(auth.identify('bob-token-0123456789ab')).toMatchObject({ userId: 'bob', admin: false });
    expect(auth.actor('carol')).toEqual({ userId: 'carol', admin: false });
    expect(auth.actor('local')).toEqual({ userId: 'local', admin: true });
  });

  test('an unknown role, or two roles for one user, stops the start naming the field', () => {
    const cases = [
      [[{ token: 'alice-token-0123456789', user_id: 'alice', role: 'root' }], /users\.0\.role/],
      [[{ token: 'alice-token-0123456789', user_id: 'alice', role: 'admin' }, { token: 'alice-token-9876543210', user_id: 'alice' }], /users\.1\.role: alice has the role "admin" in another entry/],
    ] as const;
    for (const [users, message] of cases) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'users.json'), JSON.stringify({ users }));
      expect(() => loadAuth(dir, undefined)).toThrow(message);
    }
  });
});

describe('TokenAuth.tokenFromHeaders', () => {
  test('reads a Bearer header first, then the cookie', () => {
    expect(TokenAuth.tokenFromHeaders({ authorization: 'Bearer abc', cookie: 'a2ui_token=def' })).toBe('abc');
    expect(TokenAuth.tokenFromHeaders({ cookie: 'x=1; a2ui_token=def' })).toBe('def');
    expect(TokenAuth.tokenFromHeaders({ authorization: 'Basic abc' })).toBeUndefined();
    expect(TokenAuth.tokenFromHeaders({})).toBeUndefined();
  });
});
