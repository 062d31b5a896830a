/**
 * The Email plugin's settings, read from the environment with the rest of the configuration
 * (`loadConfig` in config.ts). Kept in its own file so the shared config stays short.
 */
import type { MailServiceOptions } from './service';
import { httpUrlVar, integerVar } from '../env-values';

/**
 * What the mail service needs from the configuration, in the service's own types (one definition of
 * each setting). Read from:
 *
 * - `provider`: `MAIL_PROVIDER`, `local` (a mailbox file per user with sample mail, the default) or `gmail`;
 * - `pageSize`: `MAIL_PAGE_SIZE`, inbox rows per page;
 * - `google`: `GOOGLE_OAUTH_CLIENT_ID` and `GOOGLE_OAUTH_CLIENT_SECRET` (Gmail needs them), the scopes from
 *   `GOOGLE_OAUTH_SCOPES` (space or comma separated), and the test-only endpoint overrides
 *   `GOOGLE_OAUTH_AUTH_URL`, `GOOGLE_OAUTH_TOKEN_URL`, `GOOGLE_OAUTH_REVOKE_URL`, `GMAIL_API_ROOT_URL`;
 * - `publicBaseUrl`: `PUBLIC_BASE_URL`, where users reach the server (Google redirects there); null = the
 *   server's own URL;
 * - `draftTimeoutMs`: `A2UI_DRAFT_TIMEOUT_MS`, how long one Claude draft may stream (the providers
 *   themselves are the AI configuration's, ai-config.ts).
 */
export type MailConfig = Pick<MailServiceOptions, 'provider' | 'pageSize' | 'google' | 'publicBaseUrl'> & { draftTimeoutMs: number };

const DEFAULT_GOOGLE_SCOPES = 'https://mail.google.com/';

export function loadMailConfig(env: NodeJS.ProcessEnv): MailConfig {
  const provider = env.MAIL_PROVIDER || 'local';
  if (provider !== 'local' && provider !== 'gmail') throw new Error(`MAIL_PROVIDER must be "local" or "gmail", got "${provider}"`);
  const clientId = env.GOOGLE_OAUTH_CLIENT_ID || undefined;
  const clientSecret = env.GOOGLE_OAUTH_CLIENT_SECRET || undefined;
  if (provider === 'gmail' && (!clientId || !clientSecret)) {
    throw new Error('MAIL_PROVIDER=gmail needs GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET (a Google Cloud OAuth client)');
  }
  const scopes = (env.GOOGLE_OAUTH_SCOPES || DEFAULT_GOOGLE_SCOPES).split(/[\s,]+/).filter((s) => s !== '');
  return {
    provider,
    pageSize: integerVar(env, 'MAIL_PAGE_SIZE', 20, 1),
    google:
      clientId && clientSecret
        ? {
            clientId,
            clientSecret,
            scopes,
            authUrl: httpUrlVar(env, 'GOOGLE_OAUTH_AUTH_URL'),
            tokenUrl: httpUrlVar(env, 'GOOGLE_OAUTH_TOKEN_URL'),
            revokeUrl: httpUrlVar(env, 'GOOGLE_OAUTH_REVOKE_URL'),
            gmailRootUrl: httpUrlVar(env, 'GMAIL_API_ROOT_URL'),
          }
        : null,
    publicBaseUrl: httpUrlVar(env, 'PUBLIC_BASE_URL') ?? null,
    draftTimeoutMs: integerVar(env, 'A2UI_DRAFT_TIMEOUT_MS', 60_000, 1),
  };
}
