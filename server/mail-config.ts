/**
 * The Email plugin's settings, read from the environment with the rest of the configuration
 * (`loadConfig` in config.ts). Kept in its own file so the shared config stays short.
 */

export interface MailConfig {
  /** `MAIL_PROVIDER`: `local` (a mailbox file per user with sample mail, the default) or `gmail`. */
  provider: 'local' | 'gmail';
  /** `MAIL_PAGE_SIZE`: inbox rows per page. */
  pageSize: number;
  /** Google sign-in, when `GOOGLE_OAUTH_CLIENT_ID` and `GOOGLE_OAUTH_CLIENT_SECRET` are set (Gmail needs it). */
  google: {
    clientId: string;
    clientSecret: string;
    /** `GOOGLE_OAUTH_SCOPES`, space or comma separated. */
    scopes: string[];
    /** Test-only endpoint overrides: `GOOGLE_OAUTH_AUTH_URL`, `GOOGLE_OAUTH_TOKEN_URL`, `GOOGLE_OAUTH_REVOKE_URL`, `GMAIL_API_ROOT_URL`. */
    authUrl?: string;
    tokenUrl?: string;
    revokeUrl?: string;
    gmailRootUrl?: string;
  } | null;
  /** `PUBLIC_BASE_URL`: where users reach the server (Google redirects there); null = the server's own URL. */
  publicBaseUrl: string | null;
  anthropic: {
    /** `ANTHROPIC_API_KEY`; without it, Draft with AI is disabled. */
    apiKey: string | null;
    /** `ANTHROPIC_MODEL`. */
    model: string;
    /** `ANTHROPIC_BASE_URL` (tests point it at a local server). */
    baseURL?: string;
    /** `A2UI_DRAFT_TIMEOUT_MS`: how long one draft may stream. */
    timeoutMs: number;
  };
}

export const DEFAULT_GOOGLE_SCOPES = 'https://mail.google.com/';
export const DEFAULT_ANTHROPIC_MODEL = 'claude-haiku-4-5-20251001';

function httpUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error(`${name} must be an http(s) URL, got "${raw}"`);
  return raw;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer >= 1, got "${raw}"`);
  return value;
}

export function loadMailConfig(env: NodeJS.ProcessEnv): MailConfig {
  const provider = env.MAIL_PROVIDER || 'local';
  if (provider !== 'local' && provider !== 'gmail') throw new Error(`MAIL_PROVIDER must be "local" or "gmail", got "${provider}"`);
  const clientId = env.GOOGLE_OAUTH_CLIENT_ID || undefined;
  const clientSecret = env.GOOGLE_OAUTH_CLIENT_SECRET || undefined;
  if (provider === 'gmail' && (!clientId || !clientSecret)) {
    throw new Error('MAIL_PROVIDER=gmail needs GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET (a Google Cloud OAuth client)');
  }
  const scopes = (env.GOOGLE_OAUTH_SCOPES || DEFAULT_GOOGLE_SCOPES).split(/[\s,]+/).filter((s) => s !== '');
  const baseURL = httpUrl(env, 'ANTHROPIC_BASE_URL');
  return {
    provider,
    pageSize: positiveInteger(env, 'MAIL_PAGE_SIZE', 20),
    google:
      clientId && clientSecret
        ? {
            clientId,
            clientSecret,
            scopes,
            authUrl: httpUrl(env, 'GOOGLE_OAUTH_AUTH_URL'),
            tokenUrl: httpUrl(env, 'GOOGLE_OAUTH_TOKEN_URL'),
            revokeUrl: httpUrl(env, 'GOOGLE_OAUTH_REVOKE_URL'),
            gmailRootUrl: httpUrl(env, 'GMAIL_API_ROOT_URL'),
          }
        : null,
    publicBaseUrl: httpUrl(env, 'PUBLIC_BASE_URL') ?? null,
    anthropic: {
      apiKey: env.ANTHROPIC_API_KEY || null,
      model: env.ANTHROPIC_MODEL || DEFAULT_ANTHROPIC_MODEL,
      ...(baseURL ? { baseURL } : {}),
      timeoutMs: positiveInteger(env, 'A2UI_DRAFT_TIMEOUT_MS', 60_000),
    },
  };
}
