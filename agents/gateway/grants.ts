/**
 * Who may use the gateway: the product's users, with their own tokens (checked by the server through
 * `identify`), and agent sessions, with a token the gateway issues when the supervisor starts the
 * session's process and revokes when the process ends. A session token is attributed to its session
 * (usage is counted there) and dies with it; any other process on the machine has no token and gets
 * 401.
 *
 * Session tokens are random (256 bits) and kept only as SHA-256 digests, looked up by digest: nothing
 * here compares secrets character by character, and a memory dump holds no usable token. They live in
 * memory: after a restart every process is gone, and a resumed session gets a new one.
 */
import crypto from 'node:crypto';
import type { Caller } from '../endpoint';

/** The agent session a token was issued for. */
export interface SessionRef {
  sessionId: string;
  userId: string;
  agentId: string;
  /** The worktree it works in, or null (the repository). */
  worktree: string | null;
}

/** Whom a gateway request is for: a user, and the agent session when a session token was used. */
export interface Grant {
  userId: string;
  session?: SessionRef;
}

const TOKEN_PREFIX = 'a2gw_';

function digest(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export class GatewayGrants {
  private readonly byDigest = new Map<string, SessionRef>();
  private readonly digestOf = new Map<string, string>();

  constructor(private readonly identify: (token: string) => Caller | undefined) {}

  /** A new token for the session (an earlier one of the same session is revoked). */
  issue(session: SessionRef): string {
    this.revoke(session.sessionId);
    const token = `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
    const key = digest(token);
    this.byDigest.set(key, { ...session });
    this.digestOf.set(session.sessionId, key);
    return token;
  }

  revoke(sessionId: string): void {
    const key = this.digestOf.get(sessionId);
    if (key === undefined) return;
    this.byDigest.delete(key);
    this.digestOf.delete(sessionId);
  }

  /** How many sessions hold a token now. */
  get active(): number {
    return this.byDigest.size;
  }

  /** The grant a token carries, or undefined. */
  resolve(token: string | undefined): Grant | undefined {
    if (!token) return undefined;
    if (token.startsWith(TOKEN_PREFIX)) {
      const session = this.byDigest.get(digest(token));
      return session ? { userId: session.userId, session } : undefined;
    }
    const caller = this.identify(token);
    return caller ? { userId: caller.userId } : undefined;
  }
}

/** The token of a request: `Authorization: Bearer …` (OpenAI, Claude Code's auth token) or `x-api-key` (Anthropic). */
export function presentedToken(header: (name: string) => string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header('authorization') ?? '')?.[1];
  return bearer ?? (header('x-api-key')?.trim() || undefined);
}
