/**
 * Shared by the agent-control tests: a real server whose agents are the demo agent and the fixtures
 * of test/fixtures/agents (configured through the definitions file, as a user would), two users, an
 * SSE reader and polling helpers.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import { DEMO_AGENT_SCRIPT } from '../../agents/control/definitions';
import { StoreCipher } from '../../server/cluster/store-cipher';
import { ALICE as ALICE_USER, BOB as BOB_USER, TEST_STORE, bearer, dataDirWithUsers, startTestServer, storeEnv, tempDir, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

export const FIXTURES = path.join(__dirname, '../fixtures/agents');
/** The tokens of the test users alice and bob (the same users as every other integration test). */
export const ALICE = ALICE_USER.token;
export const BOB = BOB_USER.token;

const node = process.execPath;

/** The agents of the tests. `demo` answers in chunks 20 ms apart; `slow` 150 ms apart. */
export function testAgents(): unknown[] {
  return [
    { id: 'demo', name: 'Demo agent', role: 'worker', protocol: 'stream-json', command: node, args: [DEMO_AGENT_SCRIPT, '--delay-ms', '20'] },
    { id: 'slow', name: 'Slow demo', role: 'director', protocol: 'stream-json', command: node, args: [DEMO_AGENT_SCRIPT, '--delay-ms', '150'] },
    { id: 'crash', name: 'Crashing agent', role: 'worker', protocol: 'stream-json', command: node, args: [path.join(FIXTURES, 'crash-agent.js')] },
    { id: 'hang', name: 'Hanging agent', role: 'worker', protocol: 'stream-json', command: node, args: [path.join(FIXTURES, 'hang-agent.js')] },
    { id: 'env', name: 'Env printer', role: 'steward', protocol: 'plain', command: node, args: [path.join(FIXTURES, 'env-agent.js')], env: { AGENT_EXTRA: 'yes' } },
    { id: 'lines', name: 'Line printer', role: 'steward', protocol: 'plain', command: node, args: [path.join(FIXTURES, 'lines-agent.js'), '600'] },
    { id: 'echo', name: 'Echo', role: 'steward', protocol: 'plain', command: node, args: [path.join(FIXTURES, 'echo-agent.js')] },
    { id: 'missing', name: 'Missing command', role: 'worker', protocol: 'plain', command: '/nonexistent/agent-binary' },
    { id: 'wide', name: 'Wide line printer', role: 'worker', protocol: 'plain', command: node, args: [path.join(FIXTURES, 'lines-agent.js'), '1000', '9000'] },
  ];
}

export interface AgentServerOptions {
  dataDir?: string;
  env?: Record<string, string>;
  /** A folder for the agents to work in (A2UI_REPO); default a fresh temp folder. */
  repo?: string;
}

/** A server with the test agents, users alice and bob besides the main user, and a short stop grace. */
export async function startAgentServer(options: AgentServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir('a2ui-agents-');
  const agentsFile = path.join(dataDir, 'agents.json');
  if (!fs.existsSync(agentsFile)) fs.writeFileSync(agentsFile, JSON.stringify({ agents: testAgents() }));
  if (!fs.existsSync(path.join(dataDir, 'users.json'))) dataDirWithUsers([ALICE_USER, BOB_USER], dataDir);
  return startTestServer({
    dataDir,
    env: { A2UI_REPO: options.repo ?? tempDir('a2ui-repo-'), A2UI_AGENT_STOP_GRACE_MS: '300', A2UI_RATE_LIMIT_PER_MINUTE: '100000', ...options.env },
  });
}

export function api(server: TestServer) {
  return {
    get: (url: string, token = server.token) => request(server.url).get(url).set(bearer(token)),
    delete: (url: string, token = server.token) => request(server.url).delete(url).set(bearer(token)),
    post: (url: string, body?: object, token = server.token) => {
      const req = request(server.url).post(url).set(bearer(token));
      return body === undefined ? req : req.send(body);
    },
  };
}

export { waitFor };

/** Waits until the user's session of `agentId` has `status` (via the REST status endpoint). */
export async function waitForStatus(server: TestServer, agentId: string, status: string, token = server.token) {
  return waitFor(async () => {
    const res = await api(server).get(`/api/agents/${agentId}/status`, token);
    return res.body.status === status ? res.body.session : undefined;
  }, `${agentId} to be ${status}`);
}

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

/** A Server-Sent Events reader over plain http, keeping every event it got. */
export class SseReader {
  readonly events: SseEvent[] = [];
  status = 0;
  private buffer = '';
  private readonly req: http.ClientRequest;
  readonly ready: Promise<void>;

  constructor(url: string, headers: Record<string, string>) {
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.req = http.get(url, { headers }, (res) => {
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.receive(chunk));
      resolveReady();
    });
    this.req.on('error', (error) => rejectReady(error));
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { event: 'message', data: undefined };
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') event.data = JSON.parse(value);
      }
      if (event.data !== undefined) this.events.push(event);
    }
  }

  /** The agent events (those with an id), in order. */
  get agentEvents(): SseEvent[] {
    return this.events.filter((e) => e.id !== undefined);
  }

  until(predicate: (events: SseEvent[]) => boolean, what: string, timeoutMs = 15_000): Promise<SseEvent[]> {
    return waitFor(() => (predicate(this.events) ? this.events : undefined), what, timeoutMs);
  }

  close(): void {
    this.req.destroy();
  }
}

export function openStream(server: TestServer, agentId: string, options: { token?: string; lastEventId?: number | string; query?: string } = {}): SseReader {
  const headers: Record<string, string> = { ...bearer(options.token ?? server.token), Accept: 'text/event-stream' };
  if (options.lastEventId !== undefined) headers['Last-Event-ID'] = String(options.lastEventId);
  return new SseReader(`${server.url}/api/agents/${agentId}/stream${options.query ?? ''}`, headers);
}

/** Whether a process exists (signal 0 checks without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A session's events as the server keeps them, in order: its JSONL file on the embedded store; on
 * Redis, the entries of its user's agent stream (decrypted, as a process would). A stream is written
 * over the server's own connection, so this waits until the events the session's record counts
 * (`last_seq`, asked of the server) have reached Redis. Main user's sessions only.
 */
export async function readLog(server: TestServer, sessionId: string): Promise<any[]> {
  if (TEST_STORE !== 'redis') {
    return fs
      .readFileSync(path.join(server.dataDir, 'agent-logs', `${sessionId}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  }
  const { body } = await api(server).get(`/api/sessions/${sessionId}`);
  const env = await storeEnv(server.dataDir);
  const redis = new Redis(env.A2UI_REDIS_URL!);
  try {
    const key = `${env.A2UI_REDIS_PREFIX}log:agent-events:local/${body.session.agent_id}`;
    const cipher = cipherOf(env.A2UI_STORE_KEY!);
    return await waitFor(async () => {
      const events = (await redis.xrange(key, '-', '+')).map(([, fields]) => JSON.parse(cipher.decrypt(fields[1]!, key))).filter((e) => e.session_id === sessionId);
      return (events.at(-1)?.seq ?? 0) >= body.session.last_seq ? events : undefined;
    }, `the events of ${sessionId} up to ${body.session.last_seq} in Redis`);
  } finally {
    redis.disconnect();
  }
}

/** One cipher per key (deriving it takes a while). */
const ciphers = new Map<string, StoreCipher>();
function cipherOf(secret: string): StoreCipher {
  let cipher = ciphers.get(secret);
  if (!cipher) ciphers.set(secret, (cipher = new StoreCipher(secret)));
  return cipher;
}
