/**
 * The Agent-control screens over the live socket, checked on the frames' ops: the output panel grows
 * by one `add` per line and is never re-sent, badges and buttons follow the status, the panel keeps
 * the last 500 lines while the log keeps everything, and refusals become error toasts.
 */
import type { Operation } from 'fast-json-patch';
import type { Frame } from '../../server/transport/protocol';
import { LiveClient, emitAck, surfaceOf, type Doc } from '../helpers/client';
import type { TestServer } from '../helpers/server';
import { api, readLog, startAgentServer, waitFor, waitForStatus } from './helpers';

let server: TestServer;
const clients: LiveClient[] = [];

beforeAll(async () => {
  server = await startAgentServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});

async function client(): Promise<LiveClient> {
  const c = await LiveClient.open(server.url, server.token);
  clients.push(c);
  return c;
}

type Line = { id: string; icon: string; text: string; tool: Array<{ use_id: string; input: string; output: string }> };
const detail = (c: LiveClient) => (c.doc!.dataModel.control as { detail: { lines: Line[]; can_start: boolean; can_stop: boolean; can_resume: boolean; can_send: boolean } }).detail;
const component = (c: LiveClient, id: string) => c.doc!.components[id] as Record<string, unknown> | undefined;
const opsOf = (frames: Frame[]): Operation[] => frames.flatMap((f) => f.ops);

/** An action, and the wait until the client holds its result (a background frame may overtake the ack). */
async function act(c: LiveClient, name: string, payload: Record<string, unknown> = {}) {
  const ack = await c.action(name, payload);
  await c.until(ack.frame.to);
  return ack;
}

/** The lines added by `ops`, by id: each line at most once. */
function addedLines(ops: Operation[]): Map<string, Line> {
  const added = new Map<string, Line>();
  for (const op of ops) {
    if (op.op !== 'add') continue;
    const line = op.value as Line;
    expect(added.has(line.id)).toBe(false);
    added.set(line.id, line);
  }
  return added;
}

/** The server's own current document (a snapshot), to check that the client's copy is the same. */
async function serverDoc(): Promise<Doc> {
  return (await surfaceOf(server.url, server.token)).doc;
}

/**
 * The client's copy equals a fresh snapshot once the frames in flight have arrived: a success toast
 * that expires between the two reads (its removal still on its way) is a change, not a divergence.
 */
async function expectInSync(c: LiveClient): Promise<void> {
  const same = async () => {
    const doc = await serverDoc();
    try {
      expect(c.doc).toEqual(doc);
      return true;
    } catch {
      return undefined;
    }
  };
  await waitFor(same, 'the client to hold the server\'s document', 5_000).catch(() => undefined);
  expect(c.doc).toEqual(await serverDoc());
}

test('the agents list shows every agent with a live status badge; open_agent opens its page', async () => {
  const c = await client();
  await act(c, 'navigate', { to: '/agents' });
  expect((component(c, 'control-agent-list')!.children as string[]).slice(0, 3)).toEqual(['agent-demo', 'agent-slow', 'agent-crash']);
  expect(component(c, 'agent-echo-status')).toMatchObject({ component: 'Text', text: 'idle' });

  const from = c.frames.length;
  await api(server).post('/api/agents/echo/start').expect(201);
  await waitFor(() => component(c, 'agent-echo-status')?.text === 'running · waiting for input', 'the running badge');
  await api(server).post('/api/agents/echo/stop').expect(200);
  await waitFor(() => component(c, 'agent-echo-status')?.text === 'terminated · stopped', 'the stopped badge');
  // Background changes touched the echo row's badge, its facts and its last line, and nothing else.
  const touched = new Set(opsOf(c.frames.slice(from)).map((op) => op.path));
  expect([...touched].sort()).toEqual([
    '/components/agent-echo-glance/text',
    '/components/agent-echo-last/text',
    '/components/agent-echo-status-icon/name',
    '/components/agent-echo-status/text',
  ]);
  expect(component(c, 'agent-echo-glance')?.text).toBe('the repository');
  expect(component(c, 'agent-echo-last')?.text).toBe('Status: terminated (stopped)');

  const ack = await act(c, 'open_agent', { agent_id: 'demo' });
  expect(ack.frame.side_effects).toEqual([{ type: 'navigate', to: '/agents/demo' }]);
  expect(c.doc!.dataModel.app).toMatchObject({ route: '/agents/demo' });
  expect(component(c, 'control-output')).toEqual({ id: 'control-output', component: 'List', children: { componentId: 'control-line', path: '/control/detail/lines' } });
  expect(detail(c)).toEqual({ agent_id: 'demo', lines: [], can_start: true, can_stop: false, can_resume: false, can_send: false });

  const refused = await c.action('open_agent', { agent_id: 'nobody' });
  expect(refused).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND', message: 'No agent "nobody" is configured.' } });
});

test('start, stream, input, stop and resume from the screen: one add per line, the panel never re-sent', async () => {
  const c = await client();
  await act(c, 'navigate', { to: '/agents/demo' });
  const from = c.frames.length;
  const started = await act(c, 'start_agent', { agent_id: 'demo', prompt: 'Hello from the screen', worktree: [''] });
  expect(started.status).toBe('success');
  expect(started.frame.side_effects).toEqual([{ type: 'toast', variant: 'success', message: 'Started Demo agent.' }]);
  // While the session runs the start form is not on screen.
  expect(component(c, 'control-prompt')).toBeUndefined();

  await waitFor(() => detail(c).lines.some((l) => l.text.startsWith('Turn done')), 'the result line');
  await waitFor(() => component(c, 'agent-demo-status')?.text === 'running · waiting for input', 'the idle badge');
  const lines = detail(c).lines;
  expect(lines.map((l) => l.text)).toEqual([
    'Status: starting',
    'Status: running',
    '> Hello from the screen',
    expect.stringMatching(/^Session [0-9a-f-]{36} · model demo$/),
    'You asked: "Hello from the screen".',
    'Let me look at the working directory first.',
    `LS: ${server.repo}`,
    expect.stringMatching(/^The folder holds \d+ entries\.$/),
    'That is all for turn 1.',
    expect.stringMatching(/^Turn done · \d+\.\d s · \$0\.0042 · 1 turn: Answered "Hello from the screen"/),
  ]);
  // The tool use is one line: its result folded into it (the icon says how it went, Details show both).
  const toolLine = lines.find((l) => l.text.startsWith('LS:'))!;
  expect(toolLine).toMatchObject({ icon: 'check', tool: [{ input: server.repo, output: expect.stringMatching(/^\d+ entries in /) }] });
  expect(lines.filter((l) => l.tool.length === 0)).toHaveLength(lines.length - 1);
  expect(component(c, 'control-summary')!.text).toMatch(/^Last result: Answered "Hello from the screen" .* · Cost: \$0\.0042$/);
  expect(detail(c)).toMatchObject({ can_start: false, can_stop: true, can_resume: false, can_send: true });

  const ops = opsOf(c.frames.slice(from));
  const lineOps = ops.filter((op) => op.path.startsWith('/dataModel/control/detail/lines'));
  // One add per line; the tool result folding into its line is two replaces (its icon, its output).
  const adds = lineOps.filter((op) => op.op === 'add');
  expect(adds).toHaveLength(lines.length);
  expect(adds.every((op) => /^\/dataModel\/control\/detail\/lines\/\d+$/.test(op.path))).toBe(true);
  // (When the result comes in the same batch as its use, the line is added folded already.)
  expect(lineOps.filter((op) => op.op !== 'add').every((op) => op.op === 'replace' && /^\/dataModel\/control\/detail\/lines\/\d+\/(icon|tool\/0\/output)$/.test(op.path))).toBe(true);
  expect(ops.filter((op) => /^\/components\/control-(output|line)/.test(op.path) || op.path === '/dataModel/control' || op.path === '/dataModel/control/detail')).toEqual([]);
  await expectInSync(c);

  // Input from the box: the line shows, the box is cleared (bound to a fresh key).
  const sent = await act(c, 'send_input', { agent_id: 'demo', input: 'More, please' });
  expect(sent.status).toBe('success');
  expect(component(c, 'control-input')).toMatchObject({ value: { path: '/control/input_1' } });
  await waitFor(() => detail(c).lines.filter((l) => l.text.startsWith('Turn done')).length === 2, 'the second result');
  expect(detail(c).lines.some((l) => l.text === '> More, please')).toBe(true);

  const refusedStart = await act(c, 'start_agent', { agent_id: 'demo' });
  expect(refusedStart).toMatchObject({ status: 'error', error: { code: 'SESSION_EXISTS', message: 'Demo agent already has a running session.' } });
  expect(refusedStart.frame.side_effects).toEqual([{ type: 'toast', variant: 'error', message: 'Demo agent already has a running session.' }]);
  const empty = await emitAck<{ status: string; error: { code: string; message: string } }>(c.socket, 'action', { action: 'send_input', payload: { input: '' } });
  expect(empty).toEqual({ status: 'error', error: { code: 'INVALID_INPUT', message: 'payload.input: must not be empty' } });

  // Stop: stop disabled and resume enabled once terminated; how it ended is shown.
  const stopped = await act(c, 'stop_agent');
  expect(stopped.frame.side_effects).toEqual([{ type: 'toast', variant: 'info', message: 'Stopping Demo agent…' }]);
  await waitFor(() => detail(c).can_resume, 'resume enabled');
  expect(detail(c)).toMatchObject({ can_start: true, can_stop: false, can_resume: true, can_send: false });
  expect(component(c, 'agent-demo-status')!.text).toBe('terminated · stopped');
  // The start form is back, its prompt on a fresh (empty) data key: the form was cleared.
  expect(component(c, 'control-prompt')).toMatchObject({ value: { path: '/control/prompt_1' } });
  expect(component(c, 'control-exit-summary')!.text).toBe('Exited: stopped (interrupt), exit code 0');

  const count = detail(c).lines.length;
  const resumed = await act(c, 'resume_agent');
  expect(resumed.status).toBe('success');
  await waitFor(() => String(component(c, 'agent-demo-status')?.text).startsWith('running'), 'running again');
  // The same session: the panel goes on instead of starting over.
  expect(detail(c).lines.length).toBeGreaterThan(count);
  expect(detail(c).lines[0]!.text).toBe('Status: starting');
  expect(component(c, 'control-exit')!.children).toEqual([]);
  await act(c, 'stop_agent');
  await waitFor(() => detail(c).can_resume, 'stopped again');
  await expectInSync(c);
});

test('the panel keeps the last 500 lines, each shown line added once; the log keeps all', async () => {
  const c = await client();
  await act(c, 'navigate', { to: '/agents/lines' });
  const from = c.frames.length;
  await act(c, 'start_agent', { agent_id: 'lines' });
  const session = await waitForStatus(server, 'lines', 'terminated');
  await waitFor(() => detail(c).lines.at(-1)?.text === 'Status: terminated (exited)', 'the last line');
  const lines = detail(c).lines;
  expect(lines).toHaveLength(500);
  // 604 lines in all (2 statuses, 600 outputs, the exit, the last status): the first 104 are gone.
  expect(lines[0]!.text).toBe('line 103');
  expect(lines.at(-2)!.text).toBe('Exited: exited, exit code 0');
  expect((await readLog(server, session.id)).filter((e) => e.type === 'output')).toHaveLength(600);

  const lineOps = opsOf(c.frames.slice(from)).filter((op) => op.path.startsWith('/dataModel/control/detail/lines'));
  const adds = addedLines(lineOps);
  const removes = lineOps.filter((op) => op.op === 'remove');
  expect(lineOps).toHaveLength(adds.size + removes.length); // adds and removes only
  expect(adds.size - removes.length).toBe(500);
  // The burst came in one update: lines that scrolled out within it were never sent at all.
  expect(adds.size).toBeLessThan(604);
  for (const line of lines) expect(adds.get(line.id)).toEqual(line);
  await expectInSync(c);
});

test('a panel that overflows line by line: one add per new line, one remove per line that scrolls out', async () => {
  const c = await client();
  await act(c, 'navigate', { to: '/agents/echo' });
  await act(c, 'start_agent', { agent_id: 'echo' });
  await waitFor(() => detail(c).lines.some((l) => l.text === 'ready'), 'echo ready');
  const before = detail(c).lines.length;
  const from = c.frames.length;
  for (let i = 0; i < 260; i++) await api(server).post('/api/agents/echo/input', { input: `m${i}` }).expect(202);
  await waitFor(() => detail(c).lines.at(-1)?.text === 'got: m259', 'the last echo');
  const lineOps = opsOf(c.frames.slice(from)).filter((op) => op.path.startsWith('/dataModel/control/detail/lines'));
  const adds = addedLines(lineOps);
  const removes = lineOps.filter((op) => op.op === 'remove');
  expect(adds.size).toBe(520); // 260 inputs and their 260 echoes
  expect(removes).toHaveLength(before + 520 - 500);
  expect(lineOps).toHaveLength(adds.size + removes.length);
  expect(detail(c).lines).toHaveLength(500);
  await expectInSync(c);
  await act(c, 'stop_agent');
  await waitFor(() => detail(c).can_start, 'echo stopped');
});

test('a crash shows the exit code and the stderr tail; an unknown agent page says so', async () => {
  const c = await client();
  await act(c, 'navigate', { to: '/agents/crash' });
  await act(c, 'start_agent', { agent_id: 'crash' });
  await waitFor(() => component(c, 'control-exit-summary'), 'the exit');
  expect(component(c, 'control-exit-summary')!.text).toBe('Exited: crashed, exit code 3');
  expect(component(c, 'control-exit-stderr-1')!.text).toBe('fatal: the crash agent always crashes');
  expect(component(c, 'agent-crash-status')!.text).toBe('terminated · exit 3');

  await act(c, 'navigate', { to: '/agents/nobody' });
  expect(component(c, 'control-missing-text')!.text).toBe('No agent "nobody" is configured.');
});

test('a user who opens the page later sees the tail of the output from the log', async () => {
  const later = await LiveClient.open(server.url, server.token);
  clients.push(later);
  await act(later, 'navigate', { to: '/agents/crash' });
  expect(detail(later).lines.map((l) => l.text)).toContain('About to fail.');
});
