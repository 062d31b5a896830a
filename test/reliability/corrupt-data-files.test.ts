/**
 * Every data file the server keeps, corrupted in several ways (`{}`, `null`, `[]`, `"x"`, an empty
 * file, JSON cut in the middle, fields of the wrong type), then the server started in-process on it.
 * Each file has one of two outcomes:
 *
 * - moved aside: the server starts, the file is renamed `<name>.corrupt-<time>` (its content kept), the
 *   warning names it, and a request that uses its concern answers 200 (it used to be a 500 on every
 *   request, or records silently replaced by defaults);
 * - refused: the start fails with a message naming the file, because starting without it would lock
 *   users out without a word (the main token, the users file, the agent definitions).
 *
 * Agent logs (JSONL) are a third case: a line that is not an event is skipped, the others are served.
 * The `epoch` file (a number, not JSON) a fourth: one that is not a number is replaced, the versions
 * continuing from the clock (never below the hours since 2026), so no client's version comes back.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { waitForSurface } from '../helpers/client';
import { makeRepo } from '../helpers/git-repo';
import { bearer, startTestServer, tempDir, type TestServer } from '../helpers/server';

jest.setTimeout(120_000);

let repo: string;
beforeAll(() => {
  repo = makeRepo();
});

type Probe = (server: TestServer) => Promise<{ status: number; body: any }>;

interface DataFile {
  /** The file, relative to the data dir. */
  file: string;
  /** A valid content (cut in the middle for the "truncated" case). */
  valid: string;
  /** Valid JSON with fields of the wrong type. */
  wrongTypes: string;
  env?: Record<string, string>;
  /** Moved aside: a request that uses the concern. Absent: the start is refused. */
  probe?: Probe;
  /** For a concern that loads in the background: the state that shows it works again. */
  ready?: (server: TestServer) => Promise<unknown>;
}

const get = (url: string): Probe => (server) => request(server.url).get(url).set(bearer(server.token)).then((res) => ({ status: res.status, body: res.body }));

const SESSION_ID = 's-0123456789abcdef01234567';

const DATA_FILES: DataFile[] = [
  {
    // One user's record (preferences, each view's last route).
    file: path.join('sessions', 'local.json'),
    valid: JSON.stringify({ prefs: { theme: 'dark' }, views: { main: { route: '/agents', used_at: 1 } } }),
    wrongTypes: JSON.stringify({ prefs: 5, views: { main: { route: 5 } } }),
    probe: get('/api/a2ui/surface'),
  },
  {
    file: 'agent-sessions.json',
    valid: JSON.stringify({ sessions: {} }),
    wrongTypes: JSON.stringify({ sessions: { [SESSION_ID]: { id: 5, status: 'flying' } } }),
    probe: get('/api/sessions'),
  },
  {
    file: 'worktrees.json',
    valid: JSON.stringify({ worktrees: {} }),
    wrongTypes: JSON.stringify({ worktrees: { '/somewhere': { agentName: 1, taskId: null } } }),
    probe: get('/api/worktrees'),
  },
  {
    file: 'chat-history.json',
    valid: JSON.stringify({ users: { local: { default: { messages: [{ role: 'user', content: 'hi' }], updated_at: '2026-01-01T00:00:00Z' } } } }),
    wrongTypes: JSON.stringify({ users: { local: { default: { messages: 'hi' } } } }),
    probe: get('/api/chat/default'),
  },
  {
    file: 'google-tokens.json',
    valid: JSON.stringify({ users: { local: { refresh_token: 'r', updated_at: '2026-01-01T00:00:00Z' } } }),
    wrongTypes: JSON.stringify({ users: { local: { access_token: 5 } } }),
    env: { MAIL_PROVIDER: 'gmail', GOOGLE_OAUTH_CLIENT_ID: 'client-id', GOOGLE_OAUTH_CLIENT_SECRET: 'client-secret' },
    probe: get('/auth/google/status'),
  },
  {
    // Opened on first use: the inbox screen is the request that uses it.
    file: path.join('mail', 'mailbox-local.json'),
    valid: JSON.stringify({ version: 1, address: 'me@example.com', name: 'Me', nextId: 1, messages: [] }),
    wrongTypes: JSON.stringify({ version: 1, address: 'me@example.com', messages: {} }),
    probe: (server) =>
      request(server.url)
        .post('/api/a2ui/action')
        .set(bearer(server.token))
        .send({ action: 'navigate', payload: { to: '/email/inbox' } })
        .then((res) => ({ status: res.status, body: res.body })),
    ready: (server) => waitForSurface(server.url, server.token, (doc) => Object.keys(doc.components).some((id) => id.startsWith('email-row-'))),
  },
  {
    // The model gateway's usage ledger: the models page reads it.
    file: 'gateway-usage.json',
    valid: JSON.stringify({ users: {}, sessions: {}, worktrees: {}, providers: {} }),
    wrongTypes: JSON.stringify({ users: { local: 5 }, sessions: [], worktrees: {}, providers: {} }),
    probe: (server) =>
      request(server.url)
        .post('/api/a2ui/action')
        .set(bearer(server.token))
        .send({ action: 'navigate', payload: { to: '/models' } })
        .then((res) => ({ status: res.status, body: res.body })),
  },
  { file: 'token', valid: 'a-main-token-0123456789abcdef', wrongTypes: 'a token with spaces 0123456789' },
  { file: 'users.json', valid: JSON.stringify({ users: [{ token: 'alice-token-0123456789abcdef', user_id: 'alice' }] }), wrongTypes: JSON.stringify({ users: [{ token: 5, user_id: 'alice' }] }) },
  { file: 'agents.json', valid: JSON.stringify({ agents: [{ id: 'demo', name: 'Demo', role: 'worker', protocol: 'plain', command: 'true' }] }), wrongTypes: JSON.stringify({ agents: [{ id: 5, name: [] }] }) },
];

function corruptions(dataFile: DataFile): Array<[string, string]> {
  return [
    ['{}', '{}'],
    ['null', 'null'],
    ['[]', '[]'],
    ['"x"', '"x"'],
    ['an empty file', ''],
    ['JSON cut in the middle', dataFile.valid.slice(0, Math.floor(dataFile.valid.length / 2))],
    ['fields of the wrong type', dataFile.wrongTypes],
  ];
}

const cases = DATA_FILES.flatMap((dataFile) => corruptions(dataFile).map(([how, content]) => [dataFile.file, how, dataFile, content] as const));

test.each(cases)('%s as %s', async (_file, _how, dataFile, content) => {
  const dataDir = tempDir('a2ui-corrupt-');
  const file = path.join(dataDir, dataFile.file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const started = startTestServer({ dataDir, env: { A2UI_REPO: repo, ...dataFile.env } });
    if (!dataFile.probe) {
      // Refused, naming the file; the file is left as it was for the administrator to fix.
      await expect(started).rejects.toThrow(file);
      expect(fs.readFileSync(file, 'utf8')).toBe(content);
      return;
    }
    const server = await started;
    try {
      const answer = await dataFile.probe(server);
      expect(answer.status).toBe(200);
      if (answer.body?.status !== undefined) expect(answer.body.status).toBe('success');
      await dataFile.ready?.(server);
      const asides = fs.readdirSync(path.dirname(file)).filter((name) => name.startsWith(`${path.basename(file)}.corrupt-`));
      expect(asides).toHaveLength(1);
      expect(fs.readFileSync(path.join(path.dirname(file), asides[0]!), 'utf8')).toBe(content);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(file));
      // The concern started empty and wrote a file of the right shape.
      expect(() => JSON.parse(fs.readFileSync(file, 'utf8'))).not.toThrow();
    } finally {
      await server.close();
    }
  } finally {
    warn.mockRestore();
  }
});

test('an agent log with lines that are not events: they are skipped, the events are served', async () => {
  const dataDir = tempDir('a2ui-corrupt-');
  const at = '2026-01-01T00:00:00.000Z';
  const record = {
    id: SESSION_ID, agentId: 'demo', userId: 'local', role: 'worker', protocol: 'stream-json', status: 'terminated', statusReason: 'exited',
    cwd: repo, worktree: null, providerSessionId: null, pid: null, busy: false, costUsd: null, lastResult: null, exit: null,
    firstSeq: 1, lastSeq: 2, createdAt: at, updatedAt: at,
  };
  fs.writeFileSync(path.join(dataDir, 'agent-sessions.json'), JSON.stringify({ sessions: { [SESSION_ID]: record } }));
  fs.mkdirSync(path.join(dataDir, 'agent-logs'));
  const event = (seq: number) => JSON.stringify({ type: 'output', text: `line ${seq}`, seq, session_id: SESSION_ID, agent_id: 'demo', at });
  fs.writeFileSync(path.join(dataDir, 'agent-logs', `${SESSION_ID}.jsonl`), ['null', event(1), '[]', '"x"', '7', '{"seq": "2"}', event(2), 'null', '{"cut'].join('\n'));

  const server = await startTestServer({ dataDir, env: { A2UI_REPO: repo } });
  try {
    const status = await request(server.url).get('/api/agents/demo/status').set(bearer(server.token));
    expect(status.status).toBe(200);
    expect(status.body.session).toMatchObject({ id: SESSION_ID, status: 'terminated' });
    // The Agents screen reads the log's tail when the session opens.
    const screen = await request(server.url).post('/api/a2ui/action').set(bearer(server.token)).send({ action: 'navigate', payload: { to: '/agents/demo' } });
    expect(screen.status).toBe(200);
    expect(screen.body.status).toBe('success');
    expect(screen.body.a2ui_json).toContain('line 2');
  } finally {
    await server.close();
  }
});

test.each([
  ['not a number', 'seven\n'],
  ['an empty file', ''],
  ['a number past ten digits', '12345678901\n'],
])('the epoch file as %s: the server starts, says so, and the epoch continues from the clock', async (_how, content) => {
  const dataDir = tempDir('a2ui-corrupt-');
  const file = path.join(dataDir, 'epoch');
  fs.writeFileSync(file, content);
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const server = await startTestServer({ dataDir, env: { A2UI_REPO: repo } });
    try {
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('epoch'));
      const epoch = Number(fs.readFileSync(file, 'utf8'));
      expect(epoch).toBeGreaterThanOrEqual(Math.floor((Date.now() - Date.UTC(2026, 0, 1)) / 3_600_000));
      const surface = await request(server.url).get('/api/a2ui/surface').set(bearer(server.token));
      expect(surface.status).toBe(200);
    } finally {
      await server.close();
    }
  } finally {
    warn.mockRestore();
  }
});
