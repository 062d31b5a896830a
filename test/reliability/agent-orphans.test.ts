/**
 * Agents do not survive the server unsupervised. The attack: after `kill -9` of the server and a
 * restart, agent processes kept running while their records said `terminated`, and starting the agent
 * again ran a second copy; processes that trap SIGTERM survived a normal shutdown.
 *
 * Real server processes (`node --import tsx server/main.ts`, as `npm start` runs it) with agents that
 * trap SIGINT and SIGTERM: the hang agent (stream-json, with a child of its own that traps them too),
 * a plain command that traps them, and one that dies on SIGTERM but leaves a child that traps it (the
 * group outlives its leader). "Running" means a process that is not a zombie: after a crash the
 * agents' parent is init, which collects them when it likes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { isRunning } from '../../agents/control/os-process';
import { testAgents } from '../control/helpers';
import { bearer, tempDir } from '../helpers/server';
import { waitFor } from '../helpers/wait';

jest.setTimeout(180_000);

const PROJECT = path.join(__dirname, '../..');
const TOKEN = 'orphans-test-token-0123456789';
const TRAP = "process.on('SIGINT',()=>{});process.on('SIGTERM',()=>{});setInterval(()=>{},1000)";
/** Dies on SIGTERM, but first starts a child (no pipes of ours) that traps it. */
const LEAVER = `const c=require('node:child_process').spawn(process.execPath,['-e',${JSON.stringify(TRAP)}],{stdio:'ignore'});console.log('child '+c.pid);setInterval(()=>{},1000)`;

interface ServerProcess {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output: () => string;
}

/** Every pid a test started, killed in afterAll if a failure left it running. */
const started = new Set<number>();

afterAll(() => {
  for (const pid of started) {
    try {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

function dataDirWithAgents(): string {
  const dataDir = tempDir('a2ui-orphans-');
  const agents = [
    ...testAgents(),
    { id: 'trap', name: 'Trapping command', role: 'steward', protocol: 'plain', command: process.execPath, args: ['-e', TRAP] },
    { id: 'leaver', name: 'Leaves a child', role: 'steward', protocol: 'plain', command: process.execPath, args: ['-e', LEAVER] },
  ];
  fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify({ agents }));
  fs.mkdirSync(path.join(dataDir, 'repo'));
  return dataDir;
}

/** Starts the server as its own process on `dataDir` and waits until it listens. */
async function startServerProcess(dataDir: string): Promise<ServerProcess> {
  const env = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    A2UI_DATA_DIR: dataDir,
    A2UI_TOKEN: TOKEN,
    A2UI_REPO: path.join(dataDir, 'repo'),
    A2UI_AGENT_STOP_GRACE_MS: '300',
    A2UI_CLIENT_DIR: path.join(PROJECT, 'client-demo/dist'),
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(proc.pid!);
  let output = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(output)?.[1], () => `the server to listen; it said: ${output}`, 60_000);
  return { proc, url, exited, output: () => output };
}

const http = (server: ServerProcess) => ({
  get: (url: string) => request(server.url).get(url).set(bearer(TOKEN)),
  post: (url: string, body: object = {}) => request(server.url).post(url).set(bearer(TOKEN)).send(body),
});

/** The pid an agent printed as `child <pid>` in its log. */
function childOf(dataDir: string, sessionId: string): Promise<number> {
  const log = path.join(dataDir, 'agent-logs', `${sessionId}.jsonl`);
  return waitFor(() => {
    const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    return Number(/"text":"child (\d+)"/.exec(text)?.[1]) || undefined;
  }, `the child pid in ${sessionId}'s log`);
}

/** Starts the hang, trap and leaver agents; answers every pid they run (leaders and children). */
async function startTrappingAgents(server: ServerProcess, dataDir: string): Promise<{ hang: number; child: number; trap: number; leaver: number; leftChild: number }> {
  await http(server).post('/api/agents/hang/start').expect(201);
  await http(server).post('/api/agents/trap/start').expect(201);
  await http(server).post('/api/agents/leaver/start').expect(201);
  const hang = await waitFor(async () => {
    const session = (await http(server).get('/api/agents/hang/status')).body.session;
    return session?.status === 'running' && session.provider_session_id ? session : undefined;
  }, 'the hang agent running');
  const trap = await waitFor(async () => {
    const session = (await http(server).get('/api/agents/trap/status')).body.session;
    return session?.status === 'running' && session.pid ? session : undefined;
  }, 'the trap agent running');
  const leaver = await waitFor(async () => {
    const session = (await http(server).get('/api/agents/leaver/status')).body.session;
    return session?.status === 'running' && session.pid ? session : undefined;
  }, 'the leaver agent running');
  const pids = { hang: hang.pid, child: await childOf(dataDir, hang.id), trap: trap.pid, leaver: leaver.pid, leftChild: await childOf(dataDir, leaver.id) };
  for (const pid of Object.values(pids)) started.add(pid);
  return pids;
}

test('after kill -9 of the server, the restart stops the agents it left running; sessions are suspended; a resume waits for the old copy', async () => {
  const dataDir = dataDirWithAgents();
  const first = await startServerProcess(dataDir);
  const pids = await startTrappingAgents(first, dataDir);

  first.proc.kill('SIGKILL');
  await first.exited;
  // Unsupervised now: still running, their records still say running.
  for (const pid of Object.values(pids)) expect(isRunning(pid)).toBe(true);

  const second = await startServerProcess(dataDir);
  try {
    const hang = (await http(second).get('/api/agents/hang/status')).body.session;
    expect(hang).toMatchObject({ status: 'suspended', status_reason: 'server_restarted', resumable: true, pid: null });
    expect((await http(second).get('/api/agents/trap/status')).body.session).toMatchObject({ status: 'terminated', status_reason: 'server_restarted' });

    // Never two copies: the resume answers only once the old process and its child are gone.
    const resumed = await http(second).post('/api/agents/hang/resume');
    expect(resumed.status).toBe(200);
    expect(isRunning(pids.hang)).toBe(false);
    expect(isRunning(pids.child)).toBe(false);
    started.add(resumed.body.session.pid ?? 0);

    await waitFor(() => Object.values(pids).every((pid) => !isRunning(pid)), () => `0 orphans; running: ${Object.values(pids).filter(isRunning).join(', ')}`);
    expect(second.output()).toMatch(/stopping hang \(pid \d+\) of local, left running by the previous server/);

    // The resumed copy (it traps SIGTERM too) goes with a normal shutdown.
    const again = await waitFor(async () => (await http(second).get('/api/agents/hang/status')).body.session?.pid, 'the resumed hang agent');
    started.add(again);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(isRunning(again)).toBe(false);
  } finally {
    if (isRunning(second.proc.pid!)) second.proc.kill('SIGKILL');
  }
});

test('SIGTERM of the server leaves no agent process behind, even those that trap SIGTERM', async () => {
  const dataDir = dataDirWithAgents();
  const server = await startServerProcess(dataDir);
  const pids = await startTrappingAgents(server, dataDir);

  server.proc.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  // Gone before the server exited, not some time later.
  expect(Object.values(pids).filter(isRunning)).toEqual([]);

  const records = JSON.parse(fs.readFileSync(path.join(dataDir, 'agent-sessions.json'), 'utf8')) as { sessions: Record<string, { agentId: string; status: string; statusReason: string; osProcess: unknown }> };
  const byAgent = Object.fromEntries(Object.values(records.sessions).map((s) => [s.agentId, s]));
  expect(byAgent.hang).toMatchObject({ status: 'suspended', statusReason: 'server_stopped', osProcess: null });
  expect(byAgent.trap).toMatchObject({ status: 'terminated', statusReason: 'server_stopped', osProcess: null });
  expect(byAgent.leaver).toMatchObject({ status: 'terminated', osProcess: null });
});
