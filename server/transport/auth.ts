/**
 * Access tokens → user ids.
 *
 * The server spawns processes and writes to git, so an open port without a token would be a remote
 * shell: every request and socket handshake carries a token (Bearer header, the `a2ui_token` cookie
 * set when the start-up URL `/?token=...` is opened, or socket.io's `auth.token`). The main token is
 * `A2UI_TOKEN` or, when unset, one generated on first start and kept in `<data>/token` (mode 0600);
 * it belongs to the user `local`. `<data>/users.json` maps more tokens to more users:
 * `{"users": [{"token": "…", "user_id": "alice"}]}`. Identity never comes from a request body.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseCookie } from 'cookie';
import { z } from 'zod';
import type { Caller } from '../../agents/endpoint';
import { PluginError } from './errors';

export const TOKEN_COOKIE = 'a2ui_token';
export const DEFAULT_USER_ID = 'local';

const USER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const usersFileSchema = z.object({
  users: z.array(
    z.object({
      token: z.string().min(16, 'tokens must be at least 16 characters'),
      user_id: z
        .string()
        .regex(USER_ID, 'user ids are 1-64 characters of A-Z a-z 0-9 _ . -')
        // User ids key plain objects in the session file; this one would set a prototype instead.
        .refine((id) => id !== '__proto__', '"__proto__" is reserved'),
    }),
  ),
});

/** Who a token belongs to (agents/endpoint.ts `Caller`). */
export type Identity = Caller;

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export class TokenAuth {
  /** By token hash: a Map lookup on a digest leaks nothing about the secret through timing. */
  private readonly byHash = new Map<string, Identity>();

  constructor(
    readonly mainToken: string,
    extra: ReadonlyArray<{ token: string; user_id: string }> = [],
  ) {
    this.add(mainToken, DEFAULT_USER_ID);
    for (const entry of extra) this.add(entry.token, entry.user_id);
  }

  private add(token: string, userId: string): void {
    const hash = hashToken(token);
    // The main user administers the product (its shared resources, such as every worktree).
    this.byHash.set(hash, { userId, tokenKey: hash.slice(0, 16), admin: userId === DEFAULT_USER_ID });
  }

  /** The identity of a token, or undefined. */
  identify(token: string | undefined): Identity | undefined {
    if (!token) return undefined;
    return this.byHash.get(hashToken(token));
  }

  /** Finds the token in an HTTP request's headers: Bearer first, then the cookie. */
  static tokenFromHeaders(headers: { authorization?: string; cookie?: string }): string | undefined {
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
    if (bearer) return bearer[1];
    if (headers.cookie) return parseCookie(headers.cookie)[TOKEN_COOKIE];
    return undefined;
  }

  /** The identity of a request, or a 401. */
  require(headers: { authorization?: string; cookie?: string }): Identity {
    const token = TokenAuth.tokenFromHeaders(headers);
    const identity = this.identify(token);
    if (!identity) {
      throw new PluginError('UNAUTHORIZED', token ? 'The access token is not valid.' : 'An access token is required (Bearer header or the a2ui_token cookie).');
    }
    return identity;
  }
}

/** Loads the main token (env, else the token file, else a new one) and the users file. */
export function loadAuth(dataDir: string, envToken: string | undefined): TokenAuth {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tokenFile = path.join(dataDir, 'token');
  let mainToken = envToken;
  if (!mainToken) {
    if (fs.existsSync(tokenFile)) {
      mainToken = fs.readFileSync(tokenFile, 'utf8').trim();
    } else {
      mainToken = crypto.randomBytes(24).toString('base64url');
      fs.writeFileSync(tokenFile, `${mainToken}\n`, { mode: 0o600 });
    }
  }
  const usersFile = path.join(dataDir, 'users.json');
  let extra: Array<{ token: string; user_id: string }> = [];
  if (fs.existsSync(usersFile)) {
    const parsed = usersFileSchema.safeParse(JSON.parse(fs.readFileSync(usersFile, 'utf8')));
    if (!parsed.success) throw new Error(`${usersFile}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    extra = parsed.data.users;
  }
  return new TokenAuth(mainToken, extra);
}
