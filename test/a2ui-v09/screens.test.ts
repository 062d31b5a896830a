/**
 * The whole product through the A2UI v0.9 transport, every message checked by the official
 * `MessageProcessor` with the basic catalog: every route of every registered plugin (and every page a
 * navigate button on any screen leads to, clicked the way the renderer clicks), toasts, a plugin's own
 * navigation, background updates, and the plugins' flows. Three clients watch: an SSE stream, a v0.9
 * socket, and one that gets nothing but the actions' answers. At the end the streams hold exactly
 * the server's surface.
 */
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { escapeEventContext, type A2uiV09Message } from '../../server/transport/a2ui-v09';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { OfficialClient, reachableFromRoot, StreamReader, v09Action, type ClientAction } from '../helpers/a2ui-v09';
import { connect, connected, emitAck, surfaceOf } from '../helpers/client';
import { makeRepo } from '../helpers/git-repo';
import { labCount, labPlugin } from '../helpers/lab-plugin';
import { bearer, startTestServer, type TestServer } from '../helpers/server';
import { closeTestModules, openTestModules } from '../helpers/services';

jest.setTimeout(60_000);

let server: TestServer;
let ai: FakeAnthropic;
let sse: StreamReader;
let socket: Socket;
const socketClient = new OfficialClient('v0.9 socket');
const answers = new OfficialClient('answers only');

beforeAll(async () => {
  ai = await FakeAnthropic.start(); // the assistant panel on, so its screens are checked too
  server = await startTestServer({ env: { A2UI_REPO: makeRepo(), ...ai.env() } });
  sse = await StreamReader.open(`${server.url}/api/a2ui/v0.9/stream?view=main`, bearer(server.token), new OfficialClient('SSE stream'));
  await sse.until(3);
  // The answers-only client starts from a sync of its own, then sees nothing but answers.
  const sync = await StreamReader.open(`${server.url}/api/a2ui/v0.9/stream?view=main`, { ...bearer(server.token), Accept: 'application/jsonl' }, answers);
  await sync.until(3);
  sync.close();
  socket = connect(server.url, server.token);
  socket.on('a2ui', (batch: { messages: A2uiV09Message[] }) => socketClient.process(batch.messages));
  await connected(socket);
  await emitAck(socket, 'join', { format: 'a2ui-v0.9', surface_id: 'main' });
});
afterAll(async () => {
  sse.close();
  socket.close();
  await server.close();
  await ai.close();
  await closeTestModules();
});
afterEach(() => {
  for (const client of [sse.client!, socketClient, answers]) client.expectValid();
});

const screen = () => sse.client!;

interface Answer {
  status: 'success' | 'error';
  messages: A2uiV09Message[];
  side_effects: { type: string; to?: string; message?: string }[];
  error?: { code: string; message: string };
}

/** Sends a client message, feeds the answer to the answers-only client, waits for the stream's copy. */
async function send(message: ClientAction): Promise<Answer> {
  const start = sse.events.length; // the stream's copy may arrive before the answer
  const res = await request(server.url).post('/api/a2ui/v0.9/action').set(bearer(server.token)).send(message);
  expect({ status: res.status, body: res.status === 200 ? 'answer' : res.body }).toEqual({ status: 200, body: 'answer' });
  const answer = res.body as Answer;
  answers.process(answer.messages);
  await sse.received(answer.messages, start);
  return answer;
}

/** Clicks a button of the screen the way the official renderer does. */
async function click(id: string): Promise<Answer> {
  return send(await screen().click(id));
}

const visit = (to: string) => send(v09Action('navigate', { to }));

/** The buttons on screen whose action is `name`. */
function buttons(name: string): string[] {
  return screen()
    .onScreen()
    .filter((id) => screen().type(id) === 'Button' && (screen().props(id)?.action as { event?: { name?: string } } | undefined)?.event?.name === name);
}

test('the official processor refuses what it should: the check can fail', () => {
  const probe = new OfficialClient('probe', { track: false });
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined); // the processor logs what it refuses
  probe.process([
    { version: 'v0.9', createSurface: { surfaceId: 'main', catalogId: 'https://a2ui.org/specification/v0_9/catalogs/basic/catalog.json' } },
    { version: 'v0.9', updateComponents: { surfaceId: 'main', components: [{ id: 'root', component: 'Text', text: 'ok', label: 'not a Text prop' }] } },
  ]);
  expect(probe.errors).toEqual([expect.stringContaining("Validation failed for component 'Text' (root)")]);
  expect(logged).toHaveBeenCalled();
  logged.mockRestore();
});

test('every route of every plugin, and every page a navigate button leads to, clicked as the renderer does', async () => {
  const plugins = [...(await openTestModules()).plugins, labPlugin()];
  const routes = plugins.flatMap((p) => p.routes.map((r) => r.path.replace(/:(\w+)/g, 'sample-$1')));
  const visited = new Set<string>();
  const queue = [...routes];
  while (queue.length > 0) {
    const route = queue.shift()!;
    if (visited.has(route)) continue;
    visited.add(route);
    await visit(route);
    // Every navigate button here: clicked, then back to this page for the next one.
    for (const id of buttons('navigate')) {
      const answer = await click(id);
      const reached = screen().route()!;
      expect(answer.side_effects).toContainEqual({ type: 'navigate', to: reached });
      if (!visited.has(reached)) queue.push(reached);
      await visit(route);
    }
  }
  expect([...visited]).toEqual(expect.arrayContaining(routes));
  expect(screen().received.length).toBeGreaterThan(visited.size * 2);
});

test('toasts come and go, a plugin navigates, background updates stream in', async () => {
  await visit('/lab');
  const hostile = '<img src=x onerror=alert(1)> & "quotes"';
  screen().input('/lab/draft', hostile);
  const added = await click('lab-add');
  expect(added.side_effects).toEqual([{ type: 'toast', variant: 'success', message: `Added ${hostile}` }]);
  expect(screen().toasts()).toContain(`Added ${hostile}`);

  const boom = await click('lab-boom');
  expect(boom).toMatchObject({ status: 'error', error: { code: 'PLUGIN_ERROR' } });
  expect(screen().toasts()).toContain('Lab Agent failed: the lab exploded');
  const dismiss = buttons('dismiss_toast').find((id) => screen().text(id.replace(/-dismiss$/, '-text')) === 'Lab Agent failed: the lab exploded')!;
  await click(dismiss);
  expect(screen().toasts()).not.toContain('Lab Agent failed: the lab exploded');

  const count = () => labCount(screen().text('lab-count'));
  const before = count();
  await click('lab-bump');
  expect(count()).toBe(before + 1);
  await send(v09Action('background', { times: 5 }));
  await sse.waitFor(() => count() === before + 6);

  const home = await send(v09Action('go_home'));
  expect(home.side_effects).toEqual([{ type: 'navigate', to: '/' }]);
  expect(screen().route()).toBe('/');
});

test('worktrees: one created through the form, then removed through its dialog', async () => {
  await visit('/worktrees');
  await click('worktree-new');
  expect(screen().route()).toBe('/worktrees/new');
  const bound = (id: string) => (screen().props(id)?.value as { path: string }).path;
  screen().input(bound('worktree-new-agent'), 'lit');
  screen().input(bound('worktree-new-task'), '7');
  screen().input(bound('worktree-new-title-field'), 'Official renderer');
  const created = await click('worktree-new-create');
  expect(created.status).toBe('success');
  expect(screen().route()).toBe('/worktrees');
  expect(screen().toasts()).toContain('Created worktree agent/lit/7-official-renderer.');

  const confirm = buttons('remove_worktree').find((id) => id.endsWith('-confirm'))!;
  const dialog = confirm.replace(/-confirm$/, '');
  screen().input((screen().props(`${dialog}-delete-branch`)?.value as { path: string }).path, true);
  const removed = await click(confirm);
  expect(removed.status).toBe('success');
  expect(screen().onScreen()).not.toContain(dialog);
  expect(screen().toasts().join(' ')).toContain('Removed worktree agent/lit/7-official-renderer');
});

test('the assistant: the reply streams in, and an approval dialog is answered through the official renderer', async () => {
  await visit('/');
  ai.enqueue(
    { content: [{ type: 'text', text: 'Looking.' }, { type: 'tool_use', id: 'toolu_w', name: 'worktree_list', input: {} }], stop_reason: 'tool_use' },
    { content: [{ type: 'tool_use', id: 'toolu_s', name: 'agent_stop', input: { agent_id: 'demo' } }], stop_reason: 'tool_use' },
    { content: [{ type: 'text', text: 'There was nothing to stop.', chunks: ['There was ', 'nothing ', 'to stop.'] }], eventDelayMs: 20 },
  );
  screen().input((screen().props('assistant-input')?.value as { path: string }).path, 'stop the demo agent');
  const sent = await click('assistant-send');
  expect(sent.status).toBe('success');
  const approve = () => screen().onScreen().find((id) => /^assistant-approval-.*-approve$/.test(id));
  await sse.waitFor(() => approve() !== undefined);
  expect(screen().text(approve()!.replace(/-approve$/, '-title'))).toBe('The assistant wants to run agent_stop');
  const approved = await click(approve()!);
  expect(approved.side_effects).toEqual([{ type: 'toast', variant: 'success', message: 'Approved: agent_stop' }]);
  await sse.waitFor(() => screen().onScreen().some((id) => screen().text(id) === 'Assistant: There was nothing to stop.'));
  expect(approve()).toBeUndefined();
});

test('at the end both streams hold exactly the server\'s surface', async () => {
  const { doc, version } = await surfaceOf(server.url, server.token);
  await sse.waitFor(() => sse.lastEventId() === String(version));
  for (const client of [screen(), socketClient]) {
    await sse.waitFor(() => JSON.stringify(client.dataModel()) === JSON.stringify(doc.dataModel));
    expect(client.dataModel()).toEqual(doc.dataModel);
    const shown = client.onScreen();
    expect(shown.sort()).toEqual(reachableFromRoot((id) => doc.components[id] as Record<string, unknown> | undefined).sort());
    // Sent as v0.9 sends them: event contexts escaped for the official renderer (diff/a2ui-v09-context.ts).
    for (const id of shown) expect({ id, component: client.type(id), ...client.props(id) }).toEqual(escapeEventContext(doc.components[id]!));
  }
  expect(answers.received.length).toBeGreaterThan(0);
});

