/**
 * The property every answer must have, whatever was sent:
 *
 * - no 500 (nor any 5xx but the documented 502 UPSTREAM_ERROR, 503 …_DISABLED, 504 TIMEOUT), no
 *   socket answer with INTERNAL_ERROR, and an answer at all (no hang, no dropped connection);
 * - every error in the one shape `{"error": {"code", "message"}}` (the model gateway's endpoints answer
 *   in their clients' own formats, OpenAI's or Anthropic's: agents/gateway/api-errors.ts);
 * - no error message shows an absolute path of the server's machine;
 * - nobody but the victim sees the victim's data (the markers), or succeeds on a request that names
 *   the victim's agent session; an administrator may see and manage the victim's worktree.
 */
import type { Case, Credential, HandshakeCase, HttpCase, SocketCase, WsCase } from './cases';
import type { HandshakeAnswer, HttpAnswer, SocketAnswer } from './send';
import type { WsAnswer } from './send-ws';
import type { FuzzWorld } from './world';

/** 5xx answers that say what is wrong outside the server's control. */
const ALLOWED_5XX = new Set([502, 503, 504]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"error": {"code": string, "message": string, …details}}` and nothing else at the top. */
export function isOneShape(body: unknown): boolean {
  return isObject(body) && Object.keys(body).length === 1 && isObject(body.error) && typeof body.error.code === 'string' && typeof body.error.message === 'string';
}

/** OpenAI's `{"error": {"message", "type", …}}` or Anthropic's `{"type": "error", "error": {"type", "message"}}`. */
function isVendorShape(body: unknown): boolean {
  if (!isObject(body) || !isObject(body.error) || typeof body.error.message !== 'string') return false;
  return typeof body.error.type === 'string';
}

function errorMessagesOf(value: unknown, found: string[] = [], depth = 0): string[] {
  if (depth > 40) return found;
  if (Array.isArray(value)) for (const item of value) errorMessagesOf(item, found, depth + 1);
  else if (isObject(value)) {
    if (isObject(value.error) && typeof value.error.message === 'string') found.push(value.error.message);
    for (const child of Object.values(value)) if (typeof child === 'object') errorMessagesOf(child, found, depth + 1);
  }
  return found;
}

/** The victim's markers this credential must never see. */
function forbiddenMarkers(world: FuzzWorld, credential: Credential | { kind: 'bearer'; who: 'local' | 'bob' }): string[] {
  const { mail, agent, prefs, worktree } = world.victim.markers;
  // The main user is an administrator: every user's worktrees are theirs to see.
  return credential.kind === 'bearer' || credential.kind === 'cookie' ? (credential.who === 'local' ? [mail, agent, prefs] : [mail, agent, prefs, worktree]) : [mail, agent, prefs, worktree];
}

function leaks(world: FuzzWorld, text: string, credential: Credential): string[] {
  const problems: string[] = [];
  for (const marker of forbiddenMarkers(world, credential)) if (text.includes(marker)) problems.push(`the victim's data (${marker.replace(/-[0-9a-f]+$/, '')}) shown to ${describe(credential)}`);
  return problems;
}

/** Server paths in error messages, but for those the request itself held (an echo tells the client nothing new). */
function pathLeaks(world: FuzzWorld, messages: readonly string[], sent: string): string[] {
  const known = decoded(sent);
  return messages.flatMap((message) =>
    world.serverPaths.filter((p) => message.includes(p) && !known.includes(p) && !sent.includes(p)).map((p) => `an error message shows the server path ${p}: ${message.slice(0, 200)}`),
  );
}

function describe(credential: Credential): string {
  return credential.kind === 'bearer' || credential.kind === 'cookie' ? credential.who : `a ${credential.kind} token`;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function judgeHttp(world: FuzzWorld, c: HttpCase, answer: HttpAnswer): string[] {
  if (answer.failure?.startsWith('client refused')) return [];
  const problems: string[] = [];
  if (answer.failure) {
    // Past the body limit (or Node's 16 KB of headers) the server answers and closes while the client still writes.
    const overLimit = (c.body?.length ?? 0) > 1024 * 1024 || c.path.length + JSON.stringify(c.headers).length > 16 * 1024;
    if (!(overLimit && /EPIPE|ECONNRESET/.test(answer.failure))) problems.push(`no answer: ${answer.failure}`);
    return problems;
  }
  if (answer.status >= 500 && !ALLOWED_5XX.has(answer.status)) problems.push(`answered ${answer.status}`);
  const path = c.path.split('?')[0]!;
  let body: unknown;
  if (answer.status >= 400 && c.method !== 'HEAD') {
    try {
      body = JSON.parse(answer.text);
    } catch {
      problems.push(`a ${answer.status} whose body is not JSON: ${answer.text.slice(0, 120)}`);
    }
    if (body !== undefined) {
      const gateway = path.startsWith('/v1/');
      if (!isOneShape(body) && !(gateway && isVendorShape(body))) problems.push(`a ${answer.status} not in the one error shape: ${answer.text.slice(0, 200)}`);
      if (isOneShape(body) && (body as { error: { code: string } }).error.code === 'INTERNAL_ERROR') problems.push('INTERNAL_ERROR');
    }
  }
  if (body === undefined && /json/.test(String(answer.headers['content-type'] ?? ''))) {
    try {
      body = JSON.parse(answer.text);
    } catch {
      // A stream cut short, or not JSON after all: only error bodies must parse.
    }
  }
  problems.push(...pathLeaks(world, errorMessagesOf(body), `${c.path} ${JSON.stringify(c.headers)} ${c.body?.toString('utf8') ?? ''}`));
  problems.push(...leaks(world, answer.text, c.credential));
  // The victim's agent session is theirs alone, administrator or not.
  if (answer.status < 300 && path.startsWith('/api/sessions/') && decoded(path).includes(world.victim.sessionId)) problems.push(`${describe(c.credential)} got ${answer.status} for the victim's session`);
  if (answer.status < 300 && c.credential.kind !== 'bearer' && c.credential.kind !== 'cookie' && path.startsWith('/api/')) problems.push(`${answer.status} without a valid token`);
  return problems;
}

export function judgeSocket(world: FuzzWorld, c: SocketCase, answer: SocketAnswer): string[] {
  const problems: string[] = [];
  if (answer.failure) problems.push(answer.failure);
  const credential: Credential = { kind: 'bearer', who: c.who };
  const payloads: unknown[] = [...(answer.acked ? [answer.ack] : []), ...answer.events.map(([, args]) => args)];
  const text = JSON.stringify(payloads) ?? '';
  if (text.includes('INTERNAL_ERROR')) problems.push('INTERNAL_ERROR in a socket answer');
  // A refusal is `{error: {code, message}}` (an action's: with `status: "error"` beside it).
  for (const [event, args] of answer.events) if (event.endsWith('_error') && !isOneShape(args[0])) problems.push(`${event} not in the one error shape: ${JSON.stringify(args[0]).slice(0, 200)}`);
  if (answer.acked && isObject(answer.ack) && 'error' in answer.ack) {
    const { error } = answer.ack as { error: unknown };
    if (!isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') problems.push(`an error ack not in the one shape: ${JSON.stringify(answer.ack).slice(0, 200)}`);
  }
  problems.push(...pathLeaks(world, errorMessagesOf(payloads), JSON.stringify(c.args) ?? ''));
  problems.push(...leaks(world, text, credential));
  return problems;
}

/**
 * A raw WebSocket message: the connection stays open (but for a message over the body limit: 1009, or
 * a reset while the client still writes it),
 * a refusal is the protocol's `{"type": "error", "error": <message>, "code", "request"?}` and never
 * INTERNAL_ERROR, and no leak.
 */
export function judgeWs(world: FuzzWorld, c: WsCase, answer: WsAnswer): string[] {
  const problems: string[] = [];
  // Past the body limit the server closes (1009) while the client may still be writing the message.
  const overLimit = c.data.length > 1024 * 1024;
  if (answer.failure && !(overLimit && /ECONNRESET|EPIPE/.test(answer.failure))) problems.push(answer.failure);
  if (answer.closed !== undefined && !(answer.closed === 1009 && overLimit)) problems.push(`the server closed the connection (${answer.closed})`);
  const messages: string[] = [];
  for (const message of answer.messages) {
    if (!isObject(message) || typeof message.type !== 'string') {
      problems.push(`a message that is not {"type", …}: ${JSON.stringify(message).slice(0, 200)}`);
      continue;
    }
    if (message.type !== 'error') continue;
    if (typeof message.error !== 'string' || typeof message.code !== 'string') problems.push(`an error message not {type, error, code}: ${JSON.stringify(message).slice(0, 200)}`);
    else messages.push(message.error);
    if (message.code === 'INTERNAL_ERROR') problems.push('INTERNAL_ERROR on /ws');
  }
  const sent = Buffer.isBuffer(c.data) ? c.data.toString('utf8') : c.data;
  problems.push(...pathLeaks(world, [...messages, ...errorMessagesOf(answer.messages)], sent));
  problems.push(...leaks(world, JSON.stringify(answer.messages), { kind: 'bearer', who: c.who }));
  return problems;
}

export function judgeHandshake(c: HandshakeCase, answer: HandshakeAnswer): string[] {
  const valid = c.credential.kind === 'bearer' || c.credential.kind === 'cookie';
  if (valid) return answer.connected ? [] : [`a valid token's handshake failed: ${answer.error?.message}`];
  if (answer.connected) return [`a handshake with ${describe(c.credential)} connected`];
  if (answer.error?.message !== 'UNAUTHORIZED' && answer.error?.message !== 'RATE_LIMITED') return [`a refused handshake said ${answer.error?.message}`];
  return isOneShape({ error: answer.error.data }) ? [] : [`a refused handshake's data is not {code, message}: ${JSON.stringify(answer.error.data)}`];
}

/** A short, reproducible description of a case for a failure report. */
export function summarize(c: Case): string {
  const text = JSON.stringify(c, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') {
      const data = (value as { data: number[] }).data;
      return `<${data.length} bytes: ${Buffer.from(data.slice(0, 120)).toString('utf8')}>`;
    }
    if (typeof value === 'string' && value.length > 300) return `${value.slice(0, 120)}…<${value.length} chars>`;
    if (Array.isArray(value) && value.length > 20) return [...value.slice(0, 5), `…<${value.length} items>`];
    return value;
  });
  return text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
}
