/**
 * Google sign-in (OAuth 2.0, authorization code with PKCE) and each user's tokens.
 *
 * - `beginSignIn(user)` makes a random `state`, bound to the user, single-use, expiring after a few
 *   minutes, and Google's consent URL asking for offline access (a refresh token) with
 *   `prompt=consent` (Google sends the refresh token again only then).
 * - The callback arrives from Google without our cookie (it is SameSite=Strict), so the `state` alone
 *   says whose sign-in it is: `completeSignIn` consumes it before anything else, so a wrong, expired or
 *   replayed state is refused and stores nothing.
 * - Tokens live in `<data>/google-tokens.json` (mode 0600), one record per user. A refresh answer has
 *   no refresh token: the client's `tokens` event is merged into the record, never replacing it.
 * - Signing out revokes the grant at Google and deletes the record.
 */
import crypto from 'node:crypto';
import { auth as googleAuth } from 'googleapis/build/src/apis/gmail';
import { z } from 'zod';
import { PluginError } from '../errors';
import { Listeners } from '../listeners';
import type { PersistentStore } from '../types';
import { oauthErrorOf, statusOf } from './gmail-errors';

/**
 * Node's own fetch for every Google request. Left alone, gaxios loads node-fetch with a dynamic
 * `import()` on first use: one more HTTP stack, and one that cannot load inside a CommonJS VM such as
 * Jest's without experimental flags.
 */
export const platformFetch: typeof fetch = (input, init) => fetch(input, init);

export type OAuth2Client = InstanceType<typeof googleAuth.OAuth2>;
type Credentials = OAuth2Client['credentials'];
type ChallengeMethod = NonNullable<NonNullable<Parameters<OAuth2Client['generateAuthUrl']>[0]>['code_challenge_method']>;

export interface GoogleOAuthConfig {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Endpoint overrides (tests point them at a local server); Google's own when unset. */
  authUrl?: string;
  tokenUrl?: string;
  revokeUrl?: string;
}

export interface StoredGoogleAccount {
  access_token?: string;
  refresh_token?: string;
  expiry_date?: number;
  scope?: string;
  token_type?: string;
  id_token?: string;
  /** The Gmail address, when Gmail told us at sign-in. */
  email?: string;
  updated_at: string;
}

export interface GoogleTokensFile {
  users: Record<string, StoredGoogleAccount>;
}

/** What `google-tokens.json` must hold (checked when it is read). */
export const googleTokensFileSchema: z.ZodType<GoogleTokensFile, unknown> = z.object({
  users: z.record(
    z.string(),
    z.object({
      access_token: z.string().optional(),
      refresh_token: z.string().optional(),
      expiry_date: z.number().optional(),
      scope: z.string().optional(),
      token_type: z.string().optional(),
      id_token: z.string().optional(),
      email: z.string().optional(),
      updated_at: z.string(),
    }),
  ),
});

export interface GoogleOAuthOptions {
  config: GoogleOAuthConfig;
  store: PersistentStore<GoogleTokensFile>;
  /** Where Google sends the browser back: `<public base URL>/auth/google/callback`. */
  redirectUri: () => string;
  stateTtlMs?: number;
}

interface PendingSignIn {
  userId: string;
  expiresAt: number;
  codeVerifier: string;
}

const TOKEN_FIELDS = ['access_token', 'refresh_token', 'expiry_date', 'scope', 'token_type', 'id_token'] as const;
const DEFAULT_STATE_TTL_MS = 10 * 60_000;
/** Sign-ins a user may have open at once (tabs); the oldest goes first. */
const MAX_PENDING_PER_USER = 5;

function tokenFields(tokens: Credentials): Partial<StoredGoogleAccount> {
  const out: Partial<StoredGoogleAccount> = {};
  for (const key of TOKEN_FIELDS) {
    const value = tokens[key];
    if (value !== null && value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

export class GoogleOAuth {
  private readonly pending = new Map<string, PendingSignIn>();
  private readonly clients = new Map<string, OAuth2Client>();
  private readonly listeners = new Listeners<[userId: string]>('email');
  private readonly stateTtlMs: number;

  constructor(private readonly options: GoogleOAuthOptions) {
    this.stateTtlMs = options.stateTtlMs ?? DEFAULT_STATE_TTL_MS;
  }

  private newClient(): OAuth2Client {
    const { config } = this.options;
    return new googleAuth.OAuth2({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: this.options.redirectUri(),
      endpoints: {
        ...(config.authUrl ? { oauth2AuthBaseUrl: config.authUrl } : {}),
        ...(config.tokenUrl ? { oauth2TokenUrl: config.tokenUrl } : {}),
        ...(config.revokeUrl ? { oauth2RevokeUrl: config.revokeUrl } : {}),
      },
      // An access token Google refuses before its expiry (revoked, clock skew) is refreshed once.
      forceRefreshOnFailure: true,
      transporterOptions: { fetchImplementation: platformFetch },
    });
  }

  /** Google's consent URL for `userId`, carrying a fresh single-use state. */
  async beginSignIn(userId: string): Promise<string> {
    this.sweep();
    const mine = [...this.pending].filter(([, p]) => p.userId === userId);
    for (const [state] of mine.slice(0, Math.max(0, mine.length - MAX_PENDING_PER_USER + 1))) this.pending.delete(state);
    const client = this.newClient();
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const state = crypto.randomBytes(32).toString('base64url');
    this.pending.set(state, { userId, expiresAt: Date.now() + this.stateTtlMs, codeVerifier });
    return client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: this.options.config.scopes,
      state,
      code_challenge_method: 'S256' as ChallengeMethod,
      code_challenge: codeChallenge,
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [state, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(state);
  }

  /** Consumes a state: whose sign-in it was, or FORBIDDEN when it is unknown, used or expired. */
  private takeState(state: string): PendingSignIn {
    const found = this.pending.get(state);
    this.pending.delete(state);
    if (!found || found.expiresAt <= Date.now()) {
      throw new PluginError('FORBIDDEN', 'This sign-in link is not valid, has expired or was already used. Start the sign-in with Google again.');
    }
    return found;
  }

  /** Refuses the state of a sign-in Google reports as failed (the user said no); it cannot be reused. */
  abandonSignIn(state: string): void {
    this.takeState(state);
  }

  /**
   * Exchanges the code of a callback for tokens and stores them for the user the state names.
   * `describe` asks the new grant for the account's address (shown in the UI, used as From).
   */
  async completeSignIn(state: string, code: string, describe: (client: OAuth2Client) => Promise<string | null>): Promise<{ userId: string; email: string | null }> {
    const { userId, codeVerifier } = this.takeState(state);
    const client = this.newClient();
    let tokens: Credentials;
    try {
      ({ tokens } = await client.getToken({ code, codeVerifier }));
    } catch (error) {
      const reason = oauthErrorOf(error);
      const why = reason !== undefined && /^[a-z_]{1,40}$/.test(reason) ? ` (${reason})` : '';
      throw new PluginError('UPSTREAM_ERROR', `Google did not accept the sign-in code${why}. Start the sign-in with Google again.`);
    }
    if (!tokens.access_token) throw new PluginError('UPSTREAM_ERROR', 'Google answered the sign-in without an access token.');
    client.setCredentials(tokens);
    const email = await describe(client).catch(() => null);
    const previous = this.record(userId);
    const record: StoredGoogleAccount = { ...tokenFields(tokens), updated_at: new Date().toISOString() };
    // Google sends a refresh token only on the first consent (or with prompt=consent): keep the old one.
    if (!record.refresh_token && previous?.refresh_token) record.refresh_token = previous.refresh_token;
    if (email) record.email = email;
    this.options.store.data.users[userId] = record;
    await this.options.store.write();
    this.clients.delete(userId);
    this.listeners.emit(userId);
    return { userId, email };
  }

  private record(userId: string): StoredGoogleAccount | undefined {
    const users = this.options.store.data.users;
    return Object.hasOwn(users, userId) ? users[userId] : undefined;
  }

  status(userId: string): { signed_in: boolean; email?: string } {
    const record = this.record(userId);
    if (!record) return { signed_in: false };
    return record.email ? { signed_in: true, email: record.email } : { signed_in: true };
  }

  /** The user's authorised client, or undefined when they have not signed in. */
  clientFor(userId: string): OAuth2Client | undefined {
    const cached = this.clients.get(userId);
    if (cached) return cached;
    const record = this.record(userId);
    if (!record) return undefined;
    const client = this.newClient();
    client.setCredentials(tokenFields(record as Credentials) as Credentials);
    client.on('tokens', (tokens: Credentials) => this.merge(userId, client, tokens));
    this.clients.set(userId, client);
    return client;
  }

  /** A refresh answer joins the stored record (it has no refresh token: the stored one stays). */
  private merge(userId: string, client: OAuth2Client, tokens: Credentials): void {
    const current = this.record(userId);
    if (!current || this.clients.get(userId) !== client) return; // signed out (or in again) meanwhile
    this.options.store.data.users[userId] = { ...current, ...tokenFields(tokens), updated_at: new Date().toISOString() };
    this.options.store.write().catch((error: unknown) => console.error('[email] could not save refreshed Google tokens:', (error as Error).message));
  }

  /** Revokes the grant at Google (best effort) and deletes the user's tokens. */
  async signOut(userId: string): Promise<{ revoked: boolean }> {
    const record = this.record(userId);
    if (!record) return { revoked: false };
    let revoked = false;
    const token = record.refresh_token ?? record.access_token;
    if (token) {
      try {
        await this.newClient().revokeToken(token);
        revoked = true;
      } catch (error) {
        // The revoke URL carries the token: log the status only.
        console.warn(`[email] Google did not confirm the revocation for ${userId} (status ${statusOf(error) ?? 'none'}); tokens deleted anyway`);
      }
    }
    await this.forget(userId);
    return { revoked };
  }

  /** Deletes the user's tokens without asking Google (the grant is already gone). */
  async forget(userId: string): Promise<void> {
    if (!this.record(userId)) return;
    delete this.options.store.data.users[userId];
    this.clients.get(userId)?.removeAllListeners('tokens');
    this.clients.delete(userId);
    await this.options.store.write();
    this.listeners.emit(userId);
  }

  /** Called with the user id whenever a user signs in or out. */
  onChange(listener: (userId: string) => void): () => void {
    return this.listeners.subscribe(listener);
  }

  close(): void {
    for (const client of this.clients.values()) client.removeAllListeners('tokens');
    this.clients.clear();
    this.listeners.clear();
    this.pending.clear();
  }
}
