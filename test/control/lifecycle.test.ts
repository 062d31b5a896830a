/**
 * Real agent processes through the REST API: the demo agent's whole life, a crash, a hang that only
 * SIGKILL ends, a command that does not exist, plain commands (input, partial last line, scrubbed
 * environment), and refusals by status.
 */
import fs from 'node:fs';
import type { TestServer } from '../helpers/server';
import { ALICE, alive, api, openStream, readLog, startAgentServer, waitFor, waitForStatus } from './helpers';

let server: TestServer;
const savedEnv = { ...process.env };

beforeAll(async () => {
  // What must never reach an agent: a nested Claude Code marker and the server's own secrets.
  process.env.CLAUDECODE = '1';
  process.env.A2UI_TOKEN = 'server-secret-token';
  server = await startAgentServer();
});
afterAll(async () => {
  await server.close();
  process.env = savedEnv;
});

describe('the demo agent', () => {
  test('start, stream, input, stop, resume: every step over REST, every event in order', async () => {
    const http = api(server);
    const listed = await http.get('/api/agents');
    expect(listed.status).toBe(200);
    expect(listed.body.agents.find((a: { id: string }) => a.id === 'demo')).toMatchObject({ id: 'demo', role: 'worker', protocol: 'stream-json', status: 'idle', session: null });

    const stream = openStream(server, 'demo', { lastEventId: 0 });
    await stream.ready;
    const started = await http.post('/api/agents/demo/start', { prompt: 'Say hello' });
    expect(started.status).toBe(201);
    expect(started.body.session).toMatchObject({ agent_id: 'demo', status: expect.stringMatching(/^(starting|running)$/), cwd: server.repo, worktree: null });
    const sessionId = started.body.session.id as string;

    // The first turn: init, text in chunks, one compact tool use and its result, the result with cost.
    await stream.until((events) => events.some((e) => e.event === 'agent_result'), 'the first result');
    const first = stream.agentEvents.map((e) => e.event);
    expect(first).toEqual([
      'agent_status', // starting
      'agent_status', // running
      'agent_input', // the prompt, sent as soon as the process runs
      'agent_system',
      'agent_text',
      'agent_text',
      'agent_tool_use',
      'agent_tool_result',
      'agent_text',
      'agent_text',
      'agent_result',
    ]);
    const byName = (name: string) => stream.agentEvents.filter((e) => e.event === name).map((e) => e.data);
    expect(byName('agent_tool_use')[0]).toMatchObject({ tool: 'LS', summary: server.repo });
    expect(byName('agent_result')[0]).toMatchObject({ is_error: false, cost_usd: 0.0042, num_turns: 1 });
    const providerId = byName('agent_system')[0].provider_session_id as string;
    expect(providerId).toMatch(/^[0-9a-f-]{36}$/);

    // Input: 202 with the seq of the input event, then a second turn.
    const input = await http.post('/api/agents/demo/input', { input: 'And now?' });
    expect(input.status).toBe(202);
    expect(input.body).toMatchObject({ success: true, accepted: true, seq: expect.any(Number), session_id: sessionId });
    await stream.until((events) => events.filter((e) => e.event === 'agent_result').length === 2, 'the second result');
    expect(stream.agentEvents.find((e) => Number(e.id) === input.body.seq)).toMatchObject({ event: 'agent_input', data: { text: 'And now?' } });
    const running = await waitForStatus(server, 'demo', 'running');
    expect(running).toMatchObject({ provider_session_id: providerId, cost_usd: 0.0084, busy: false, last_result: expect.stringContaining('And now?'), resumable: false });

    // Stop: the interrupt and the end of input are enough for the demo agent (no signal needed).
    const stop = await http.post('/api/agents/demo/stop');
    expect(stop.status).toBe(200);
    expect(stop.body.session.status).toBe('terminating');
    const stopped = await waitForStatus(server, 'demo', 'terminated');
    expect(stopped).toMatchObject({ resumable: true, pid: null, exit: { code: 0, signal: null, reason: 'stopped', stopped_by: 'interrupt' } });

    // Resume: same provider session id, same folder, the conversation goes on.
    const resumed = await http.post('/api/agents/demo/resume', { prompt: 'Where were we?' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.session).toMatchObject({ id: sessionId, status: expect.stringMatching(/^(starting|running)$/), exit: null });
    await stream.until((events) => events.filter((e) => e.event === 'agent_result').length === 3, 'the resumed result');
    const systems = byName('agent_system');
    expect(systems).toHaveLength(2);
    expect(systems[1]).toMatchObject({ provider_session_id: providerId, cwd: server.repo });
    expect(byName('agent_text').some((e) => e.text.includes('(This conversation was resumed.)'))).toBe(true);

    await http.post('/api/agents/demo/stop');
    await waitForStatus(server, 'demo', 'terminated');
    await stream.until((events) => events.filter((e) => e.event === 'agent_exit').length === 2, 'the second exit');
    stream.close();

    // Every event of the stream is in the log, in order, with the same seq (the ids of the stream).
    const log = await readLog(server, sessionId);
    expect(log.map((e) => e.seq)).toEqual(stream.agentEvents.map((e) => Number(e.id)));
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => log[0].seq + i));
    const sessions = await http.get('/api/sessions?agentId=demo');
    expect(sessions.body.sessions).toHaveLength(1);
    expect(sessions.body.sessions[0]).toMatchObject({ id: sessionId, last_seq: log.at(-1).seq });
  });
});

describe('processes that misbehave', () => {
  test('a crashing agent is terminated with its exit code and stderr tail shown', async () => {
    const http = api(server);
    await http.post('/api/agents/crash/start', { prompt: 'go' }).expect(201);
    const session = await waitForStatus(server, 'crash', 'terminated');
    expect(session).toMatchObject({ status_reason: 'crashed', exit: { code: 3, signal: null, reason: 'crashed', stderr_tail: ['loading the model', 'fatal: the crash agent always crashes'] } });
    const exit = (await readLog(server, session.id)).find((e) => e.type === 'exit');
    expect(exit).toMatchObject({ code: 3, reason: 'crashed', stderr_tail: ['loading the model', 'fatal: the crash agent always crashes'] });
  });

  test('an agent that ignores the interrupt, SIGINT and SIGTERM is killed by SIGKILL, its child with it', async () => {
    const http = api(server);
    await http.post('/api/agents/hang/start').expect(201);
    const childPid = await waitFor(async () => {
      const session = (await http.get('/api/sessions?agentId=hang')).body.sessions[0];
      const text = (await readLog(server, session.id)).find((e) => e.type === 'text');
      return text ? Number(/child (\d+)/.exec(text.text)![1]) : undefined;
    }, 'the child pid');
    expect(alive(childPid)).toBe(true);
    const stop = await http.post('/api/agents/hang/stop');
    expect(stop.body.session.status).toBe('terminating');
    const session = await waitForStatus(server, 'hang', 'terminated');
    expect(session.exit).toMatchObject({ signal: 'SIGKILL', reason: 'stopped', stopped_by: 'SIGKILL' });
    // The whole process group got the signal: the child that ignored everything is gone too.
    await waitFor(() => !alive(childPid), 'the child to die');
  });

  test('a command that does not exist ends terminated with an agent_error saying why', async () => {
    await api(server).post('/api/agents/missing/start').expect(201);
    const session = await waitForStatus(server, 'missing', 'terminated');
    expect(session.exit.reason).toBe('crashed');
    const error = (await readLog(server, session.id)).find((e) => e.type === 'error');
    expect(error.message).toBe('Missing command could not start: its command or its working folder was not found (ENOENT)');
  });
});

describe('plain commands', () => {
  test('each stdout line is an output event; input goes as a line; stop starts at SIGINT', async () => {
    const http = api(server);
    await http.post('/api/agents/echo/start').expect(201);
    await waitForStatus(server, 'echo', 'running');
    const input = await http.post('/api/agents/echo/input', { input: 'hello there' });
    expect(input.status).toBe(202);
    const sessionId = (await http.get('/api/agents/echo/status')).body.session.id;
    await waitFor(async () => (await readLog(server, sessionId)).some((e) => e.type === 'output' && e.text === 'got: hello there'), 'the echo');
    await http.post('/api/agents/echo/stop').expect(200);
    const session = await waitForStatus(server, 'echo', 'terminated');
    expect(session.exit).toMatchObject({ signal: 'SIGINT', reason: 'stopped', stopped_by: 'SIGINT' });
    expect(session.resumable).toBe(false);
  });

  test('a burst of 600 lines, the last without a newline, is logged line by line', async () => {
    await api(server).post('/api/agents/lines/start').expect(201);
    const session = await waitForStatus(server, 'lines', 'terminated');
    expect(session.exit).toMatchObject({ code: 0, reason: 'exited' });
    const outputs = (await readLog(server, session.id)).filter((e) => e.type === 'output');
    expect(outputs.map((e) => e.text)).toEqual(Array.from({ length: 600 }, (_, i) => `line ${i + 1}`));
  });

  test('the environment is scrubbed (no CLAUDECODE, no server secrets), the definition adds its own, cwd is the repository', async () => {
    await api(server).post('/api/agents/env/start').expect(201);
    const session = await waitForStatus(server, 'env', 'terminated');
    const lines = (await readLog(server, session.id))
      .filter((e) => e.type === 'output')
      .map((e) => e.text as string);
    expect(lines[0]).toBe(`cwd ${fs.realpathSync(server.repo)}`);
    const names = lines.filter((l) => l.startsWith('env ')).map((l) => l.slice(4));
    expect(names).toEqual(expect.arrayContaining(['PATH', 'AGENT_EXTRA']));
    expect(names).not.toContain('CLAUDECODE');
    expect(names).not.toContain('A2UI_TOKEN');
    expect(process.env.CLAUDECODE).toBe('1'); // it was there to leak
  });
});

describe('refusals by status', () => {
  test('stop, resume and input without a session; a second start; stop of a terminated session', async () => {
    const http = api(server);
    const noSession = await http.post('/api/agents/slow/stop', undefined, ALICE);
    expect(noSession.status).toBe(404);
    expect(noSession.body).toEqual({ error: { code: 'NO_SESSION', message: expect.any(String) } });
    expect((await http.post('/api/agents/slow/resume', undefined, ALICE)).body.error.code).toBe('NO_RESUMABLE_SESSION');
    expect((await http.post('/api/agents/slow/input', { input: 'x' }, ALICE)).body.error.code).toBe('NO_SESSION');

    const started = await http.post('/api/agents/slow/start', {}, ALICE);
    expect(started.status).toBe(201);
    const again = await http.post('/api/agents/slow/start', { prompt: 'again' }, ALICE);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'SESSION_EXISTS', session: { id: started.body.session.id, agent_id: 'slow' } });
    await waitForStatus(server, 'slow', 'running', ALICE);
    const resumeRunning = await http.post('/api/agents/slow/resume', undefined, ALICE);
    expect(resumeRunning.status).toBe(409);
    expect(resumeRunning.body.error).toEqual({ code: 'CONFLICT', message: 'The session is running; it cannot become starting.', status: 'running' });

    await http.post('/api/agents/slow/stop', undefined, ALICE).expect(200);
    await waitForStatus(server, 'slow', 'terminated', ALICE);
    const stopAgain = await http.post('/api/agents/slow/stop', undefined, ALICE);
    expect(stopAgain.status).toBe(409);
    expect(stopAgain.body.error.code).toBe('CONFLICT');
    const inputDead = await http.post('/api/agents/slow/input', { input: 'hello?' }, ALICE);
    expect(inputDead.status).toBe(409);
    expect(inputDead.body.error.message).toBe('The session is terminated; input needs a running agent.');
    // The demo agent printed its init (a provider session id) before it was stopped: resumable.
    expect((await http.get('/api/agents/slow/status', ALICE)).body.session.resumable).toBe(true);
  });

  test('a plain command cannot be resumed', async () => {
    const http = api(server);
    await http.post('/api/agents/lines/start', undefined, ALICE).expect(201);
    await waitForStatus(server, 'lines', 'terminated', ALICE);
    const res = await http.post('/api/agents/lines/resume', undefined, ALICE);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NO_RESUMABLE_SESSION');
  });
});
