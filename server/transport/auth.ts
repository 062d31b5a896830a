/**
 * Access tokens → user ids.
 *
 * The server spawns processes and writes to git, so an open port without a token would be a remote
 * shell: every request and socket handshake carries a token (Bearer header, the `a2ui_token` cookie
 * set when the start-up URL `/?token=...` is opened, or socket.io's `auth.token`). The main token is
 * `A2UI_TOKEN` or, when unset, one generated on first start and kept in `<data>/token` (mode 0600);
 * it belongs to the user `local`. `<data>/users.json` maps more tokens to more users:
 * `{"users": [{"token": "…", "user_id": "alice", "role": "admin"}]}` (`role` is optional: `user` by
 * default; an admin sees and manages every user's worktrees; `local` is always an admin). Identity
 * never comes from a request body.
 *
 * Guessing tokens is slowed down per client address: failed authentications take from a token bucket
 * of that address (a burst of 20, then `A2UI_AUTH_FAILURES_PER_MINUTE`); an address whose bucket is
 * empty is refused with 429 before its token is even looked at, so a guess that happens to be right
 * tells it nothing either. A token presented from another address is never slowed by these failures.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseCookie } from 'cookie';
import { z } from 'zod';
import type { Caller } from '../../agents/endpoint';
import { MAIN_USER_ID, type Actor, type UserRoles } from '../../agents/roles';
import { PluginError } from './errors';
import { RateLimiter, rateLimited } from './rate-limit';

export const TOKEN_COOKIE = 'a2ui_token';
export const DEFAULT_USER_ID = MAIN_USER_ID;

const USER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
interface UserEntry {
  token: string;
  user_id: string;
  role?: 'admin' | 'user';
}

const usersFileSchema = z.object({
  users: z
    .array(
      z.object({
        token: z.string().min(16, 'tokens must be at least 16 characters'),
        user_id: z
          .string()
          .regex(USER_ID, 'user ids are 1-64 characters of A-Z a-z 0-9 _ . -')
          // User ids key plain objects in the session file; this one would set a prototype instead.
          .refine((id) => id !== '__proto__', '"__proto__" is reserved'),
        role: z.enum(['admin', 'user']).optional(),
      }),
    )
    .superRefine((users, context) => {
      // One role per user: two tokens of one user must not make them an admin by one and not the other.
      const roles = new Map<string, string>();
      users.forEach((entry, index) => {
        const role = entry.role ?? 'user';
        const earlier = roles.get(entry.user_id);
        if (earlier !== undefined && earlier !== role) context.addIssue({ code: 'custom', path: [index, 'role'], message: `${entry.user_id} has the role "${earlier}" in another entry; a user has one role` });
        roles.set(entry.user_id, role);
      });
    }),
});

/** Who a request is: a user, their role, and their token's key (agents/endpoint.ts `Caller`). */
export type Identity = Caller;

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Failed authentications per client address and minute, after a burst of 20 (A2UI_AUTH_FAILURES_PER_MINUTE). */
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 120;

export class TokenAuth implements UserRoles {
  /** By token hash: a Map lookup on a digest leaks nothing about the secret through timing. */
  private readonly byHash = new Map<string, Identity>();
  private readonly admins = new Set<string>([DEFAULT_USER_ID]);
  /** Failed authentications, per client address. */
  private readonly failures: RateLimiter;

  constructor(
    readonly mainToken: string,
    extra: readonly UserEntry[] = [],
    /** `failures`: a limiter shared by several processes (the Redis store's); else one of this process. */
    options: { failuresPerMinute?: number; now?: () => number; failures?: RateLimiter } = {},
  ) {
    for (const entry of extra) if (entry.role === 'admin') this.admins.add(entry.user_id);
    this.add(mainToken, DEFAULT_USER_ID);
    for (const entry of extra) this.add(entry.token, entry.user_id);
    this.failures = options.failures ?? new RateLimiter(options.failuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE, options.now);
  }

  private add(token: string, userId: string): void {
    const hash = hashToken(token);
    this.byHash.set(hash, { ...this.actor(userId), tokenKey: hash.slice(0, 16) });
  }

  /** A user and their role (the main user is always an admin). */
  actor(userId: string): Actor {
    return { userId, admin: this.admins.has(userId) };
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

  /**
   * The identity of a token presented from `address` (the client's IP address): 429 RATE_LIMITED when
   * that address failed too often (before the token is looked at), else 401 for a missing or wrong
   * token, which counts as one more failure of the address.
   */
  authenticate(token: string | undefined, address: string | undefined): Identity {
    const key = address ?? 'unknown';
    if (!this.failures.allows(key)) {
      throw rateLimited('Too many failed authentications from this address; wait before trying again.', this.failures.retryAfterSeconds(key));
    }
    const identity = this.identify(token);
    if (identity) return identity;
    this.failures.take(key);
    throw new PluginError('UNAUTHORIZED', token ? 'The access token is not valid.' : 'An access token is required (Bearer header or the a2ui_token cookie).');
  }

  /** The identity of a request from `address`, or a 401 (or 429, see `authenticate`). */
  require(headers: { authorization?: string; cookie?: string }, address: string | undefined): Identity {
    return this.authenticate(TokenAuth.tokenFromHeaders(headers), address);
  }
}

/** Loads the main token (env, else the token file, else a new one) and the users file. */
export function loadAuth(dataDir: string, envToken: string | undefined, failuresPerMinute = DEFAULT_AUTH_FAILURES_PER_MINUTE, failures?: RateLimiter): TokenAuth {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const mainToken = envToken || readTokenFile(path.join(dataDir, 'token'));
  return new TokenAuth(mainToken, readUsersFile(path.join(dataDir, 'users.json')), { failuresPerMinute, ...(failures ? { failures } : {}) });
}

/** A token as the users file requires it; the token file is held to the same rule. */
const TOKEN = /^[\x21-\x7e]{16,}$/;

/**
 * The main token from its file, generated on first start. A file that is there but unusable stops the
 * start: starting with a new token would lock the main user out without a word.
 */
function readTokenFile(file: string): string {
  if (!fs.existsSync(file)) {
    const token = crypto.randomBytes(24).toString('base64url');
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
    return token;
  }
  const token = fs.readFileSync(file, 'utf8').trim();
  const fix = 'Put the main user\'s token in it, or delete the file to have a new one generated (the old start-up URL then stops working).';
  if (token === '') throw new Error(`${file} is empty. ${fix}`);
  if (!TOKEN.test(token)) throw new Error(`${file} does not hold a token: a token is one line of at least 16 printable characters without spaces. ${fix}`);
  return token;
}

/** The users file's entries (none without the file). A file that cannot be read stops the start, naming it. */
function readUsersFile(file: string): UserEntry[] {
  if (!fs.existsSync(file)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`${file} is not valid JSON; expected {"users": [{"token": "…", "user_id": "…"}]}.`);
  }
  const parsed = usersFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'the whole file'}: ${i.message}`).join('; ')}`);
  return parsed.data.users;
}
