/**
 * The server under attack and what it holds before the attack: a real server process on a fresh data
 * dir and git repository, four users, and the victim's data.
 *
 * - `alice` is the victim: her tokens are never fuzzed. She has a mail, a running agent session, a
 *   worktree, preferences and a tab, each carrying a marker string; her ids are aimed at by the attack.
 * - `bob` (a user) and `local` (the main user, an administrator) are the attackers with valid tokens;
 *   besides them the attack uses wrong, malformed and missing tokens.
 * - `carol` is never fuzzed either: her actions are the known-good requests.
 *
 * What must hold: no answer to anyone but alice shows her markers (an administrator manages every
 * user's worktrees, so `local` may see her worktree's); her mail, agent sessions, record and (unless an
 * administrator changed it) worktree are unchanged; the server keeps answering.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_AGENT_SCRIPT } from '../../../agents/control/definitions';
import { makeRepo } from '../../helpers/git-repo';
import { dataDirWithUsers, tempDir } from '../../helpers/server';
import { startServerProcess, type ServerProcess } from '../../helpers/server-process';
import { waitFor } from '../../helpers/wait';

export type Who = 'local' | 'bob' | 'alice' | 'carol';

export const TOKENS: Record<Who, string> = {
  local: 'fuzz-main-token-0123456789abcdef',
  alice: 'fuzz-alice-token-0123456789abcdef',
  bob: 'fuzz-bob-token-0123456789abcdef',
  carol: 'fuzz-carol-token-0123456789abcdef',
};

const ECHO_AGENT = path.join(__dirname, '../../fixtures/agents/echo-agent.js');

/** Agents the attack may start: one that stays, one that exits at once, one that cannot start, the demo. */
function agentDefinitions(): unknown[] {
  const node = process.execPath;
  return [
    { id: 'echo', name: 'Echo', role: 'steward', protocol: 'plain', command: node, args: [ECHO_AGENT] },
    { id: 'quick', name: 'Quick', role: 'worker', protocol: 'plain', command: 'true' },
    { id: 'missing', name: 'Missing command', role: 'worker', protocol: 'plain', command: '/nonexistent/agent-binary' },
    { id: 'demo', name: 'Demo agent', role: 'worker', protocol: 'stream-json', command: node, args: [DEMO_AGENT_SCRIPT, '--delay-ms', '1'] },
  ];
}

export interface Victim {
  markers: { mail: string; agent: string; worktree: string; prefs: string };
  sessionId: string;
  worktreePath: string;
  viewId: string;
}

export interface FuzzWorld {
  server: ServerProcess;
  url: string;
  dataDir: string;
  repo: string;
  victim: Victim;
  /** Absolute paths of the server's machine that no error message may show. */
  serverPaths: string[];
  /** Ids the attack aims at: the victim's, and things that exist. */
  knownIds: string[];
  /** Set when an administrator's request changed something under /api/worktrees (it may change the victim's). */
  adminChangedWorktrees: boolean;
  /** What is wrong with the server's answers to a known-good request, or undefined. */
  knownGood(): Promise<string | undefined>;
  /** What of the victim's data changed, or undefined. */
  victimChanged(): Promise<string | undefined>;
  /** What is wrong with the data files now: a file moved aside, or JSON that does not parse. */
  dataFilesBroken(): string | undefined;
  /**
   * After close: a new server on the same data dir, which checks every file with its own schemas as it
   * starts; what it moved aside or refused, or undefined.
   */
  restartBroken(): Promise<string | undefined>;
  /** SIGTERM; answers the exit code. */
  close(): Promise<number | null>;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => fs.statSync(path.join(dir, name)).isFile());
}

/** A moved-aside file, or a JSON data file that does not parse (agent logs are JSONL, checked by the server). */
function brokenDataFile(dataDir: string): string | undefined {
  for (const name of filesUnder(dataDir)) {
    if (/\.corrupt-\d+$/.test(name)) return `the data file ${name} was moved aside as corrupt`;
    if (!name.endsWith('.json')) continue;
    try {
      JSON.parse(fs.readFileSync(path.join(dataDir, name), 'utf8'));
    } catch (error) {
      return `the data file ${name} is not JSON: ${(error as Error).message}`;
    }
  }
  return undefined;
}

async function call(url: string, who: Who, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + route, {
    method,
    headers: { Authorization: `Bearer ${TOKENS[who]}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function expectOk(answer: Promise<{ status: number; body: any }>, what: string): Promise<any> {
  const { status, body } = await answer;
  if (status >= 300 || body?.status === 'error') throw new Error(`setting up the victim: ${what} answered ${status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export async function startWorld(): Promise<FuzzWorld> {
  const dataDir = tempDir('a2ui-fuzz-');
  dataDirWithUsers(
    (['alice', 'bob', 'carol'] as const).map((who) => ({ token: TOKENS[who], userId: who })),
    dataDir,
  );
  fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify({ agents: agentDefinitions() }));
  const repo = makeRepo();
  const env = {
      A2UI_DATA_DIR: dataDir,
      A2UI_TOKEN: TOKENS.local,
      A2UI_REPO: repo,
      A2UI_RATE_LIMIT_PER_MINUTE: '1000000000',
      A2UI_AUTH_FAILURES_PER_MINUTE: '1000000000',
      A2UI_GIT_TIMEOUT_MS: '10000',
      A2UI_AGENT_STOP_GRACE_MS: '200',
      A2UI_GH_COMMAND: '/nonexistent/gh',
      MAIL_PROVIDER: 'local',
      ANTHROPIC_API_KEY: '',
      A2UI_AI_PROVIDERS: '',
      OPENAI_API_KEY: '',
      A2UI_GATEWAY_PROVIDERS: '',
      // Nothing may reach Google from a test, whatever the attack asks.
      GOOGLE_OAUTH_REVOKE_URL: 'http://127.0.0.1:9/revoke',
      GOOGLE_OAUTH_TOKEN_URL: 'http://127.0.0.1:9/token',
  };
  const server = await startServerProcess({ env });
  const url = server.url;

  const id = () => crypto.randomBytes(6).toString('hex');
  const markers = { mail: `ALICE-MAIL-${id()}`, agent: `ALICE-AGENT-${id()}`, worktree: `ALICE-WORKTREE-${id()}`, prefs: `ALICE-PREFS-${id()}` };
  const viewId = 'alice-tab';
  await expectOk(call(url, 'alice', 'POST', '/api/a2ui/action', { action: 'navigate', payload: { to: '/email/compose' }, surface_id: viewId, context: { user_prefs: { theme: 'dark', note: markers.prefs } } }), 'navigate');
  await expectOk(call(url, 'alice', 'POST', '/api/a2ui/action', { action: 'send', payload: { to: 'you@example.com', subject: markers.mail, body: `${markers.mail} body` }, surface_id: viewId }), 'send');
  const started = await expectOk(call(url, 'alice', 'POST', '/api/agents/echo/start', { prompt: markers.agent }), 'start echo');
  const sessionId = started.session.id as string;
  await waitFor(() => fs.existsSync(path.join(dataDir, 'agent-logs', `${sessionId}.jsonl`)) && fs.readFileSync(path.join(dataDir, 'agent-logs', `${sessionId}.jsonl`), 'utf8').includes(`got: ${markers.agent}`), 'the victim agent to echo its prompt');
  const created = await expectOk(call(url, 'alice', 'POST', '/api/worktrees', { agentName: 'alicebot', taskId: '7', taskTitle: markers.worktree }), 'create worktree');
  const worktreePath = created.path as string;
  await expectOk(call(url, 'alice', 'POST', '/api/a2ui/action', { action: 'navigate', payload: { to: '/email/inbox' }, surface_id: viewId }), 'navigate');

  const victim: Victim = { markers, sessionId, worktreePath, viewId };
  const mailbox = path.join(dataDir, 'mail', 'mailbox-alice.json');
  const record = path.join(dataDir, 'sessions', 'alice.json');
  const read = (file: string) => fs.readFileSync(file, 'utf8');
  // Written in the background: read the files once they hold the victim's data.
  await waitFor(() => fs.existsSync(mailbox) && read(mailbox).includes(markers.mail) && fs.existsSync(record) && read(record).includes(markers.prefs), 'the victim records on disk');
  const before = {
    mailbox: read(mailbox),
    record: read(record),
    sessions: JSON.stringify((await call(url, 'alice', 'GET', '/api/sessions')).body.sessions.map((s: any) => [s.id, s.status, s.last_seq])),
    worktrees: JSON.stringify((await call(url, 'alice', 'GET', '/api/worktrees')).body.worktrees),
  };

  const serverPaths = [...new Set([dataDir, repo, path.join(__dirname, '../../..'), os.homedir()].flatMap((p) => [p, fs.realpathSync(p)]))].filter((p) => p.length > 1);
  const knownIds = [sessionId, worktreePath, encodeURIComponent(worktreePath), path.relative(repo, worktreePath), viewId, 'alice', 'main', 'echo', 'demo', 'quick', 'missing', 'm1', 'm2', 't-m1', 'default', 'you@example.com', '/email/inbox', '/agents/echo', '/worktrees', 'main-branch'];

  const world: FuzzWorld = {
    server,
    url,
    dataDir,
    repo,
    victim,
    serverPaths,
    knownIds,
    adminChangedWorktrees: false,
    async knownGood() {
      if (!server.alive()) return 'the server process exited';
      try {
        const health = await fetch(`${url}/health`);
        if (health.status !== 200) return `GET /health answered ${health.status}`;
        const answer = await call(url, 'carol', 'POST', '/api/a2ui/action', { action: 'navigate', payload: { to: '/agents' } });
        if (answer.status !== 200 || answer.body?.status !== 'success') return `a known-good action answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
        return undefined;
      } catch (error) {
        return `the server did not answer: ${(error as Error).message}`;
      }
    },
    async victimChanged() {
      const now = {
        mailbox: read(mailbox),
        record: read(record),
        sessions: JSON.stringify((await call(url, 'alice', 'GET', '/api/sessions')).body.sessions.map((s: any) => [s.id, s.status, s.last_seq])),
        worktrees: JSON.stringify((await call(url, 'alice', 'GET', '/api/worktrees')).body.worktrees),
      };
      const changed = (Object.keys(before) as Array<keyof typeof before>).filter((key) => now[key] !== before[key] && !(key === 'worktrees' && world.adminChangedWorktrees));
      return changed.length ? `the victim's ${changed.join(', ')} changed` : undefined;
    },
    dataFilesBroken: () => brokenDataFile(dataDir),
    async restartBroken() {
      let again: ServerProcess;
      try {
        again = await startServerProcess({ env });
      } catch (error) {
        return `the server did not start again on the attacked data: ${(error as Error).message.slice(-2000)}`;
      }
      try {
        const health = await fetch(`${again.url}/health`).then((res) => res.status, () => 0);
        if (health !== 200) return `after the restart GET /health answered ${health}`;
        if (/corrupt|moved aside/i.test(again.output())) return `the restart found a broken data file: ${again.output().slice(-2000)}`;
        return brokenDataFile(dataDir);
      } finally {
        await again.stop();
      }
    },
    close: () => server.stop(),
  };
  return world;
}
