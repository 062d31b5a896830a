/**
 * The environment an agent process gets: an allow-list of the server's variables plus the
 * definition's own. The server's secrets (the access token, OAuth secrets, anything `A2UI_`) never
 * reach a child, and `CLAUDECODE` is dropped because a Claude Code started from inside another one
 * refuses to run.
 */

/** Passed through when the server has them. */
const PASS = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TMPDIR', 'TZ',
  'SSH_AUTH_SOCK', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL', 'CLAUDE_CONFIG_DIR',
]);
/** Prefixes passed through (locale and XDG directories). */
const PASS_PREFIXES = ['LC_', 'XDG_'];
/** Never passed, whatever the definition says. */
export const BLOCKED_ENV = new Set(['CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT']);

export function agentEnv(serverEnv: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(serverEnv)) {
    if (value === undefined || BLOCKED_ENV.has(key)) continue;
    if (PASS.has(key) || PASS_PREFIXES.some((prefix) => key.startsWith(prefix))) env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) if (!BLOCKED_ENV.has(key)) env[key] = value;
  return env;
}
