/**
 * A local stand-in for Google: the OAuth 2.0 consent page, token endpoint (authorization code with
 * PKCE, and refresh_token grants) and revoke endpoint, and the Gmail REST API v1 (users.messages
 * list/get/modify/send, users.threads.get, users.getProfile) with a mailbox per account. It speaks the
 * real wire formats, so the tests drive the real `googleapis` clients (via `rootUrl` and OAuth2
 * `endpoints`) against it.
 *
 * Test controls: `nextAccount` (who "consents" next), `accessTokenLifetimeSec`, `failNext` (Gmail
 * answers an error status), `revokeGrant` (the user removed the app in their Google account),
 * `denyNext` (the user clicked Cancel). Records: `requests`, `tokenRequests`, `authRequests`,
 * `revoked`, `sent` (raw messages as received, parsed).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { listenLocally, readBody, type LocalServer } from './local-server';

export interface FakeMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  /** Header name → value, as they would be in the message (encoded-words stay encoded). */
  headers: Array<[string, string]>;
  body: string;
  internalDate: number;
}

export interface ParsedRawMessage {
  headers: Array<[string, string]>;
  /** The header's unfolded value (first of that name, case-insensitive). */
  header(name: string): string | undefined;
  body: string;
}

interface Grant {
  email: string;
  revoked: boolean;
}

interface AccessToken {
  grant: Grant;
  refreshToken: string;
  expiresAt: number;
}

interface Fault {
  match: RegExp;
  status: number;
  times: number;
}

export const FAKE_CLIENT_ID = 'fake-client-id.apps.googleusercontent.com';
export const FAKE_CLIENT_SECRET = 'fake-client-secret';

/** Parses an RFC 5322 message as a mail server would: unfolded headers, decoded body. */
export function parseRawMessage(raw: string): ParsedRawMessage {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const rawBody = split < 0 ? '' : raw.slice(split + 4);
  const headers: Array<[string, string]> = [];
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1]![1] += line;
    else {
      const colon = line.indexOf(':');
      headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
  }
  const header = (name: string) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  const encoding = (header('Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  const body = encoding === 'base64' ? Buffer.from(rawBody.replace(/\s+/g, ''), 'base64').toString('utf8') : rawBody;
  return { headers, header, body };
}

function gmailId(n: number): string {
  return (0x18c0000000 + n).toString(16);
}

export class FakeGoogle {
  url = '';
  nextAccount = 'ada@example.com';
  /** Lifetime of access tokens from a code exchange (0 = already expired, so the first call refreshes). */
  accessTokenLifetimeSec = 3600;
  denyNext = false;
  readonly mailboxes = new Map<string, FakeMessage[]>();
  readonly requests: Array<{ method: string; path: string; query: URLSearchParams; authorization?: string }> = [];
  readonly tokenRequests: Array<Record<string, string>> = [];
  readonly authRequests: URLSearchParams[] = [];
  readonly revoked: string[] = [];
  readonly sent: Array<{ email: string; threadId: string | undefined; raw: string; parsed: ParsedRawMessage }> = [];
  private readonly codes = new Map<string, { email: string; redirectUri: string; challenge: string | null; used: boolean }>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, Grant>();
  private faults: Fault[] = [];
  private counter = 0;
  private server!: LocalServer;

  static async start(): Promise<FakeGoogle> {
    const fake = new FakeGoogle();
    fake.server = await listenLocally((req, res) => fake.route(req, res));
    fake.url = fake.server.url;
    return fake;
  }

  /** The server environment that points the product at this fake. */
  env(): Record<string, string> {
    return {
      MAIL_PROVIDER: 'gmail',
      GOOGLE_OAUTH_CLIENT_ID: FAKE_CLIENT_ID,
      GOOGLE_OAUTH_CLIENT_SECRET: FAKE_CLIENT_SECRET,
      GOOGLE_OAUTH_AUTH_URL: `${this.url}/o/oauth2/v2/auth`,
      GOOGLE_OAUTH_TOKEN_URL: `${this.url}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${this.url}/revoke`,
      GMAIL_API_ROOT_URL: `${this.url}/`,
    };
  }

  close(): Promise<void> {
    return this.server.close();
  }

  // -------------------------------------------------------------------------------------------
  // Test controls
  // -------------------------------------------------------------------------------------------

  /** A mailbox for `email`: the given messages, or a realistic default thread set. */
  addAccount(email: string, messages?: FakeMessage[]): FakeMessage[] {
    const box = messages ?? this.defaultMailbox(email);
    this.mailboxes.set(email, box);
    return box;
  }

  message(email: string, id: string): FakeMessage | undefined {
    return this.mailboxes.get(email)?.find((m) => m.id === id);
  }

  /** The next `times` Gmail requests whose path matches answer `status` (Gmail's error JSON). */
  failNext(match: RegExp, status: number, times = 1): void {
    this.faults.push({ match, status, times });
  }

  /** The user removed the app from their Google account: every token of the grant stops working. */
  revokeGrant(email: string): void {
    for (const grant of this.refreshTokens.values()) if (grant.email === email) grant.revoked = true;
  }

  newMessage(email: string, fields: { from: string; to?: string; subject: string; body: string; labels?: string[]; threadId?: string; extraHeaders?: Array<[string, string]>; minutesAgo?: number }): FakeMessage {
    const n = ++this.counter;
    const id = gmailId(n);
    const date = Date.now() - (fields.minutesAgo ?? n) * 60_000;
    return {
      id,
      threadId: fields.threadId ?? id,
      labelIds: fields.labels ?? ['INBOX', 'UNREAD'],
      headers: [
        ['From', fields.from],
        ['To', fields.to ?? email],
        ['Subject', fields.subject],
        ['Date', new Date(date).toUTCString()],
        ['Message-ID', `<${id}@mail.example>`],
        ...(fields.extraHeaders ?? []),
      ],
      body: fields.body,
      internalDate: date,
    };
  }

  private defaultMailbox(email: string): FakeMessage[] {
    const first = this.newMessage(email, { from: 'Grace Hopper <grace@navy.example>', subject: 'Compiler review', body: 'Can we review the compiler on Monday?', labels: ['INBOX'], minutesAgo: 300 });
    const mine = this.newMessage(email, {
      from: `Me <${email}>`,
      to: 'Grace Hopper <grace@navy.example>',
      subject: 'Re: Compiler review',
      body: 'Monday works.',
      labels: ['SENT'],
      threadId: first.threadId,
      extraHeaders: [['In-Reply-To', `<${first.id}@mail.example>`], ['References', `<${first.id}@mail.example>`]],
      minutesAgo: 200,
    });
    const latest = this.newMessage(email, {
      from: 'Grace Hopper <grace@navy.example>',
      subject: 'Re: Compiler review',
      body: 'Great, 10:00 in room 4?',
      threadId: first.threadId,
      extraHeaders: [['In-Reply-To', `<${mine.id}@mail.example>`], ['References', `<${first.id}@mail.example> <${mine.id}@mail.example>`]],
      minutesAgo: 100,
    });
    const cafe = this.newMessage(email, {
      from: '=?UTF-8?B?Wm/DqyBNYXJ0aW4=?= <zoe@cafe.example>',
      subject: '=?UTF-8?B?Q2Fmw6kg4piVIG9uIEZyaWRheQ==?=',
      body: 'Croissants & café for 12?',
      minutesAgo: 50,
    });
    return [first, mine, latest, cafe];
  }

  // -------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    try {
      if (url.pathname === '/o/oauth2/v2/auth') return this.consent(url.searchParams, res);
      if (url.pathname === '/token' && req.method === 'POST') return this.token(new URLSearchParams(body), res);
      if (url.pathname === '/revoke' && req.method === 'POST') return this.revoke(url.searchParams.get('token') ?? new URLSearchParams(body).get('token') ?? '', res);
      if (url.pathname.startsWith('/gmail/v1/users/me/')) return this.gmail(req.method ?? 'GET', url, body, req.headers.authorization, res);
      json(res, 404, { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } });
    } catch (error) {
      json(res, 500, { error: { code: 500, message: String(error), status: 'INTERNAL' } });
    }
  }

  private consent(query: URLSearchParams, res: http.ServerResponse): void {
    this.authRequests.push(query);
    const redirect = query.get('redirect_uri');
    const state = query.get('state');
    if (query.get('client_id') !== FAKE_CLIENT_ID || !redirect || query.get('response_type') !== 'code') {
      res.writeHead(400).end('invalid_request');
      return;
    }
    const target = new URL(redirect);
    if (state !== null) target.searchParams.set('state', state);
    if (this.denyNext) {
      this.denyNext = false;
      target.searchParams.set('error', 'access_denied');
    } else {
      const code = `code-${crypto.randomBytes(12).toString('hex')}`;
      this.codes.set(code, { email: this.nextAccount, redirectUri: redirect, challenge: query.get('code_challenge'), used: false });
      target.searchParams.set('code', code);
      target.searchParams.set('scope', query.get('scope') ?? '');
    }
    res.writeHead(302, { Location: target.href }).end();
  }

  private issue(grant: Grant, refreshToken: string, lifetimeSec: number): string {
    const accessToken = `ya29.${crypto.randomBytes(16).toString('hex')}`;
    this.accessTokens.set(accessToken, { grant, refreshToken, expiresAt: Date.now() + lifetimeSec * 1000 });
    return accessToken;
  }

  private token(params: URLSearchParams, res: http.ServerResponse): void {
    this.tokenRequests.push(Object.fromEntries(params));
    if (params.get('client_id') !== FAKE_CLIENT_ID || params.get('client_secret') !== FAKE_CLIENT_SECRET) {
      return json(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    }
    const scope = 'https://mail.google.com/';
    if (params.get('grant_type') === 'authorization_code') {
      const code = this.codes.get(params.get('code') ?? '');
      const verifier = params.get('code_verifier');
      const challengeOk = !code?.challenge || (verifier !== null && crypto.createHash('sha256').update(verifier).digest('base64url') === code.challenge);
      if (!code || code.used || code.redirectUri !== params.get('redirect_uri') || !challengeOk) {
        return json(res, 400, { error: 'invalid_grant', error_description: 'Malformed auth code.' });
      }
      code.used = true;
      const grant: Grant = { email: code.email, revoked: false };
      const refreshToken = `1//${crypto.randomBytes(16).toString('hex')}`;
      this.refreshTokens.set(refreshToken, grant);
      const accessToken = this.issue(grant, refreshToken, this.accessTokenLifetimeSec);
      return json(res, 200, { access_token: accessToken, expires_in: this.accessTokenLifetimeSec, refresh_token: refreshToken, scope, token_type: 'Bearer' });
    }
    if (params.get('grant_type') === 'refresh_token') {
      const refreshToken = params.get('refresh_token') ?? '';
      const grant = this.refreshTokens.get(refreshToken);
      if (!grant || grant.revoked) return json(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      // Like Google: a refresh answer carries no refresh_token.
      return json(res, 200, { access_token: this.issue(grant, refreshToken, 3600), expires_in: 3600, scope, token_type: 'Bearer' });
    }
    json(res, 400, { error: 'unsupported_grant_type' });
  }

  private revoke(token: string, res: http.ServerResponse): void {
    const grant = this.refreshTokens.get(token) ?? this.accessTokens.get(token)?.grant;
    if (!grant) return json(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    grant.revoked = true;
    this.revoked.push(token);
    json(res, 200, {});
  }

  private gmail(method: string, url: URL, body: string, authorization: string | undefined, res: http.ServerResponse): void {
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const token = bearer ? this.accessTokens.get(bearer) : undefined;
    if (!token || token.grant.revoked || token.expiresAt <= Date.now()) {
      return json(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
    }
    const fault = this.faults.find((f) => f.match.test(url.pathname));
    if (fault) {
      if (--fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
      const status = { 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 429: 'RESOURCE_EXHAUSTED' }[fault.status] ?? 'INTERNAL';
      return json(res, fault.status, { error: { code: fault.status, message: `Injected ${fault.status}`, status } });
    }
    const email = token.grant.email;
    const box = this.mailboxes.get(email) ?? this.addAccount(email, []);
    const path = url.pathname.slice('/gmail/v1/users/me/'.length).split('/');
    const notFound = () => json(res, 404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });

    if (path[0] === 'profile' && method === 'GET') {
      return json(res, 200, { emailAddress: email, messagesTotal: box.length, threadsTotal: new Set(box.map((m) => m.threadId)).size, historyId: '1' });
    }
    if (path[0] === 'messages' && path.length === 1 && method === 'GET') {
      const labels = url.searchParams.getAll('labelIds');
      const words = (url.searchParams.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const max = Number(url.searchParams.get('maxResults') ?? 100);
      const offset = Number(url.searchParams.get('pageToken') ?? 0);
      const matches = box
        .filter((m) => labels.every((l) => m.labelIds.includes(l)))
        .filter((m) => words.every((w) => `${m.headers.map(([, v]) => v).join(' ')} ${m.body}`.toLowerCase().includes(w)))
        .sort((a, b) => b.internalDate - a.internalDate);
      const page = matches.slice(offset, offset + max);
      return json(res, 200, {
        ...(page.length ? { messages: page.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
        ...(offset + max < matches.length ? { nextPageToken: String(offset + max) } : {}),
        resultSizeEstimate: matches.length,
      });
    }
    if (path[0] === 'messages' && path[1] === 'send' && method === 'POST') {
      const request = JSON.parse(body) as { raw?: string; threadId?: string };
      const raw = Buffer.from(request.raw ?? '', 'base64url').toString('utf8');
      const parsed = parseRawMessage(raw);
      this.sent.push({ email, threadId: request.threadId, raw, parsed });
      const n = ++this.counter;
      const id = gmailId(n);
      const threadId = request.threadId && box.some((m) => m.threadId === request.threadId) ? request.threadId : id;
      box.push({ id, threadId, labelIds: ['SENT'], headers: parsed.headers, body: parsed.body, internalDate: Date.now() });
      return json(res, 200, { id, threadId, labelIds: ['SENT'] });
    }
    if (path[0] === 'messages' && path[1] && path.length === 2 && method === 'GET') {
      const message = box.find((m) => m.id === path[1]);
      if (!message) return notFound();
      return json(res, 200, render(message, url.searchParams.get('format') ?? 'full', url.searchParams.getAll('metadataHeaders')));
    }
    if (path[0] === 'messages' && path[2] === 'modify' && method === 'POST') {
      const message = box.find((m) => m.id === path[1]);
      if (!message) return notFound();
      const change = JSON.parse(body || '{}') as { addLabelIds?: string[]; removeLabelIds?: string[] };
      message.labelIds = [...new Set([...message.labelIds.filter((l) => !change.removeLabelIds?.includes(l)), ...(change.addLabelIds ?? [])])];
      return json(res, 200, render(message, 'minimal', []));
    }
    if (path[0] === 'threads' && path.length === 1 && method === 'GET') {
      // Threads with a message matching the labels and words, newest activity first.
      const labels = url.searchParams.getAll('labelIds');
      const words = (url.searchParams.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const max = Number(url.searchParams.get('maxResults') ?? 100);
      const offset = Number(url.searchParams.get('pageToken') ?? 0);
      const latest = new Map<string, number>();
      for (const m of box) {
        if (!labels.every((l) => m.labelIds.includes(l))) continue;
        if (!words.every((w) => `${m.headers.map(([, v]) => v).join(' ')} ${m.body}`.toLowerCase().includes(w))) continue;
        latest.set(m.threadId, Math.max(latest.get(m.threadId) ?? 0, m.internalDate));
      }
      const threads = [...latest.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
      const page = threads.slice(offset, offset + max);
      return json(res, 200, {
        ...(page.length ? { threads: page.map((id) => ({ id, historyId: '1', snippet: '' })) } : {}),
        ...(offset + max < threads.length ? { nextPageToken: String(offset + max) } : {}),
        resultSizeEstimate: threads.length,
      });
    }
    if (path[0] === 'threads' && path[2] === 'modify' && method === 'POST') {
      const messages = box.filter((m) => m.threadId === path[1]);
      if (!messages.length) return notFound();
      const change = JSON.parse(body || '{}') as { addLabelIds?: string[]; removeLabelIds?: string[] };
      for (const message of messages) message.labelIds = [...new Set([...message.labelIds.filter((l) => !change.removeLabelIds?.includes(l)), ...(change.addLabelIds ?? [])])];
      return json(res, 200, { id: path[1], messages: messages.map((m) => render(m, 'minimal', [])) });
    }
    if (path[0] === 'threads' && path[1] && method === 'GET') {
      const messages = box.filter((m) => m.threadId === path[1]).sort((a, b) => a.internalDate - b.internalDate);
      if (!messages.length) return notFound();
      const format = url.searchParams.get('format') ?? 'full';
      return json(res, 200, { id: path[1], historyId: '1', messages: messages.map((m) => render(m, format, url.searchParams.getAll('metadataHeaders'))) });
    }
    notFound();
  }
}

/** A message as Gmail's `users.messages.get` answers it in the given format. */
function render(m: FakeMessage, format: string, metadataHeaders: string[]): Record<string, unknown> {
  const base = { id: m.id, threadId: m.threadId, labelIds: m.labelIds, snippet: m.body.slice(0, 100).replace(/&/g, '&amp;'), internalDate: String(m.internalDate), sizeEstimate: m.body.length };
  const headers = m.headers.map(([name, value]) => ({ name, value }));
  if (format === 'minimal') return base;
  if (format === 'metadata') {
    const wanted = metadataHeaders.map((h) => h.toLowerCase());
    return { ...base, payload: { mimeType: 'multipart/alternative', headers: headers.filter((h) => wanted.length === 0 || wanted.includes(h.name.toLowerCase())) } };
  }
  const data = Buffer.from(m.body, 'utf8').toString('base64url');
  const html = Buffer.from(`<p>${m.body.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`, 'utf8').toString('base64url');
  return {
    ...base,
    payload: {
      partId: '',
      mimeType: 'multipart/alternative',
      headers,
      body: { size: 0 },
      parts: [
        { partId: '0', mimeType: 'text/plain', headers: [{ name: 'Content-Type', value: 'text/plain; charset="UTF-8"' }], body: { size: m.body.length, data } },
        { partId: '1', mimeType: 'text/html', headers: [{ name: 'Content-Type', value: 'text/html; charset="UTF-8"' }], body: { size: m.body.length, data: html } },
      ],
    },
  };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
