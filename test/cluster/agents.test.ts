/**
 * Agents on two processes on one Redis: an agent runs where it was started (its record names the
 * process); a tab on the other process watches it stream; a stop sent to the other process reaches
 * the agent (forwarded); and when the process running an agent dies, the other suspends the session
 * (resumable) within the lease time, stops the orphaned agent (same machine) and can resume it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bearer, LiveClient } from '../helpers/client';
import { CLUSTER_TOKEN, startCluster, type ClusterProcess, type TestCluster } from '../helpers/cluster';
import { makeRepo } from '../helpers/git-repo';
import { tempDir } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { testAgents } from '../control/helpers';

const LEASE_MS = 2000;
let cluster: TestCluster;

beforeAll(async () => {
  const agentsFile = path.join(tempDir('a2ui-cluster-agents-'), 'agents.json');
  fs.writeFileSync(agentsFile, JSON.stringify({ agents: testAgents() }));
  cluster = await startCluster(['agents-a', 'agents-b'], { A2UI_AGENTS_FILE: agentsFile, A2UI_AGENT_STOP_GRACE_MS: '300', A2UI_LEASE_MS: String(LEASE_MS) });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

type Session = { id: string; status: string; status_reason: string | null; pid: number | null; resumable: boolean; last_seq: number; terminationReason?: string | null };

async function post(node: ClusterProcess, url: string, body: object = {}): Promise<{ status: number; body: { session: Session; error?: { code: string } } }> {
  const res = await fetch(`${node.url}${url}`, { method: 'POST', headers: { ...bearer(CLUSTER_TOKEN), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { session: Session } };
}

async function latest(node: ClusterProcess, agentId: string): Promise<Session | null> {
  const res = await fetch(`${node.url}/api/agents/${agentId}/status`, { headers: bearer(CLUSTER_TOKEN) });
  return ((await res.json()) as { session: Session | null }).session;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('an agent started through A streams to a tab on B and is stopped from B', async () => {
  const [a, b] = cluster.nodes;
  // The tab on A makes A the user's owner; the tab on B is relayed.
  const tabA = await LiveClient.open(a!.url, CLUSTER_TOKEN, 'agents-on-a');
  const tabB = await LiveClient.open(b!.url, CLUSTER_TOKEN, 'agents-on-b');
  await tabA.action('navigate', { to: '/agents' });
  await tabB.action('navigate', { to: '/agents' });

  const started = await post(a!, '/api/agents/slow/start', { prompt: 'hello from A' });
  expect(started.status).toBe(201);
  // The tab on B sees it run and its output come in.
  await tabB.waitFor(() => /running/i.test(tabB.text('agent-slow-status') ?? ''), 20_000);
  const lastLines = new Set<string>();
  await waitFor(() => {
    lastLines.add(tabB.text('agent-slow-last') ?? '');
    return lastLines.size >= 3;
  }, () => `the output to stream to the tab on B (lines seen: ${[...lastLines].join(' | ')})`, 20_000);
  const pid = (await latest(b!, 'slow'))!.pid!;
  expect(pid).toBeGreaterThan(0);
  expect(running(pid)).toBe(true);

  // Stopped through B: the agent's own process (on A) is stopped, not just its record.
  const stopped = await post(b!, '/api/agents/slow/stop', { reason: 'stopped from B' });
  expect(stopped.status).toBe(200);
  await waitFor(() => !running(pid), 'the agent process to end', 15_000);
  const record = await waitFor(async () => {
    const session = await latest(a!, 'slow');
    return session?.status === 'terminated' ? session : undefined;
  }, 'the session to be terminated', 15_000);
  expect(record.terminationReason).toBe('stopped from B');
  await tabB.waitFor(() => /terminated|stopped/i.test(tabB.text('agent-slow-status') ?? ''), 15_000);
  tabA.close();
  tabB.close();
}, 90_000);

test('the process running an agent dies: the other suspends its session within the lease time, stops the orphan, and resumes it', async () => {
  const [a, b] = cluster.nodes;
  const started = await post(a!, '/api/agents/slow/start', { prompt: 'hello again' });
  expect(started.status).toBe(201);
  const live = await waitFor(async () => {
    const session = await latest(b!, 'slow');
    return session?.status === 'running' && session.resumable === false && session.pid ? session : undefined;
  }, 'the agent to run on A', 20_000);
  // Resumable once the provider named its conversation.
  await waitFor(async () => (await fetch(`${b!.url}/api/agents/slow/status`, { headers: bearer(CLUSTER_TOKEN) }).then((r) => r.json() as Promise<{ session: { provider_session_id: string | null } }>)).session.provider_session_id, 'a provider session id', 20_000);

  const killedAt = Date.now();
  a!.child.kill('SIGKILL');
  await a!.exited;
  const suspended = await waitFor(async () => {
    const session = await latest(b!, 'slow');
    return session?.status === 'suspended' ? session : undefined;
  }, 'B to suspend the session of the dead process', 15_000);
  const noticedMs = Date.now() - killedAt;
  console.log(`the session of the killed process was suspended by the other after ${noticedMs} ms (lease ${LEASE_MS} ms)`);
  expect(noticedMs).toBeLessThan(LEASE_MS + 3000);
  expect(suspended).toMatchObject({ id: live.id, status_reason: 'node_lost', resumable: true, pid: null });
  // Its events go on numbering where A left off (the suspension is an event of B's).
  expect(suspended.last_seq).toBeGreaterThan(live.last_seq);
  // The agent A left running (same machine) is stopped by B.
  await waitFor(() => !running(live.pid!), 'the orphaned agent to be stopped', 15_000);

  const resumed = await post(b!, '/api/agents/slow/resume', { prompt: 'go on' });
  expect(resumed.status).toBe(200);
  const resumedRunning = await waitFor(async () => {
    const session = await latest(b!, 'slow');
    return session?.status === 'running' ? session : undefined;
  }, 'the resumed session to run on B', 20_000);
  expect(resumedRunning.last_seq).toBeGreaterThan(suspended.last_seq);
  expect((await post(b!, '/api/agents/slow/stop')).status).toBe(200);
  await waitFor(async () => (await latest(b!, 'slow'))?.status === 'terminated', 'the resumed session to stop', 15_000);
}, 90_000);

test('a process whose repository is not the one the others use (no shared disk) refuses to start, saying why', async () => {
  await expect(cluster.start('agents-elsewhere', { A2UI_REPO: makeRepo() })).rejects.toThrow(/A2UI_REPO \(.*\) is not the repository the other server processes use/);
}, 60_000);
