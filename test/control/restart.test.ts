/**
 * A server restart with a running session: the session becomes suspended (its process is gone), can
 * be resumed with the provider's session id in the same folder, and a start meanwhile is refused.
 */
import type { TestServer } from '../helpers/server';
import { alive, api, openStream, readLog, startAgentServer, waitFor, waitForStatus } from './helpers';

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

test('running → suspended across a restart → resumed with --resume <provider id> in the same folder', async () => {
  const first = await startAgentServer();
  servers.push(first);
  await api(first).post('/api/agents/demo/start', { prompt: 'remember me' }).expect(201);
  const running = await waitFor(async () => {
    const s = (await api(first).get('/api/agents/demo/status')).body.session;
    return s?.status === 'running' && s.last_result ? s : undefined;
  }, 'the first answer');
  expect(alive(running.pid)).toBe(true);
  await first.close();
  expect(alive(running.pid)).toBe(false);

  const second = await startAgentServer({ dataDir: first.dataDir, env: { A2UI_REPO: first.repo } });
  servers.push(second);
  const http = api(second);
  const suspended = (await http.get('/api/agents/demo/status')).body;
  expect(suspended).toMatchObject({ status: 'suspended', session: { id: running.id, status: 'suspended', status_reason: 'server_stopped', resumable: true, pid: null, provider_session_id: running.provider_session_id } });
  expect((await http.get('/api/sessions?resumable=true')).body.sessions.map((s: { id: string }) => s.id)).toEqual([running.id]);
  expect((await http.get('/api/sessions?status=running')).body.sessions).toEqual([]);

  // Not a second session while this one can be resumed.
  const start = await http.post('/api/agents/demo/start', { prompt: 'fresh' });
  expect(start.status).toBe(409);
  expect(start.body.error).toMatchObject({ code: 'SESSION_EXISTS', session: { id: running.id, status: 'suspended' } });

  const stream = openStream(second, 'demo', { lastEventId: running.last_seq });
  await stream.ready;
  const resumed = await http.post('/api/agents/demo/resume', { prompt: 'what did I say?' });
  expect(resumed.status).toBe(200);
  await stream.until((events) => events.some((e) => e.event === 'agent_result'), 'the resumed answer');
  const init = stream.agentEvents.find((e) => e.event === 'agent_system')!.data;
  expect(init).toMatchObject({ provider_session_id: running.provider_session_id, cwd: running.cwd });
  expect(stream.agentEvents.some((e) => e.event === 'agent_text' && e.data.text.includes('(This conversation was resumed.)'))).toBe(true);
  const session = await waitForStatus(second, 'demo', 'running');
  expect(session).toMatchObject({ id: running.id, cwd: running.cwd, provider_session_id: running.provider_session_id });

  // One log for the whole life of the session, seqs unbroken across the restart.
  const log = await readLog(second, running.id);
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  expect(log.filter((e) => e.type === 'status').map((e) => e.status)).toEqual(['starting', 'running', 'suspended', 'starting', 'running']);
  stream.close();
});

test('a suspended session can be stopped without a process: it becomes terminated at once', async () => {
  const first = await startAgentServer();
  servers.push(first);
  await api(first).post('/api/agents/slow/start').expect(201);
  await waitFor(async () => (await api(first).get('/api/agents/slow/status')).body.session?.provider_session_id, 'the provider id');
  await first.close();
  const second = await startAgentServer({ dataDir: first.dataDir, env: { A2UI_REPO: first.repo } });
  servers.push(second);
  const stop = await api(second).post('/api/agents/slow/stop');
  expect(stop.status).toBe(200);
  expect(stop.body.session).toMatchObject({ status: 'terminated', status_reason: 'stopped', resumable: true });
  await api(second).post('/api/agents/slow/start').expect(201);
});
