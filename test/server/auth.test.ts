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

describe('TokenAuth.tokenFromHeaders', () => {
  test('reads a Bearer header first, then the cookie', () => {
    expect(TokenAuth.tokenFromHeaders({ authorization: 'Bearer abc', cookie: 'a2ui_token=def' })).toBe('abc');
    expect(TokenAuth.tokenFromHeaders({ cookie: 'x=1; a2ui_token=def' })).toBe('def');
    expect(TokenAuth.tokenFromHeaders({ authorization: 'Basic abc' })).toBeUndefined();
    expect(TokenAuth.tokenFromHeaders({})).toBeUndefined();
  });
});
