/**
 * Permissions as approvals, end to end with the demo agent started with `--permission-prompt-tool
 * stdio`: its `can_use_tool` request shows on the agent page (and the session says it waits for
 * approval), Deny leaves the file unwritten, Approve writes it, and Always allow answers the next
 * request of that tool without asking.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_AGENT_SCRIPT } from '../../agents/control/definitions';
import { LiveClient } from '../helpers/client';
import { tempDir, type TestServer } from '../helpers/server';
import { ALICE, api, readLog, startAgentServer, testAgents, waitFor } from './helpers';

let server: TestServer;
let repo: string;
let c: LiveClient;

beforeAll(async () => {
  const dataDir = tempDir('a2ui-perm-');
  const asker = { id: 'asker', name: 'Asking demo', role: 'worker', protocol: 'stream-json', command: process.execPath, args: [DEMO_AGENT_SCRIPT, '--delay-ms', '5', '--permission-prompt-tool', 'stdio'] };
  fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify({ agents: [...testAgents(), asker] }));
  repo = tempDir('a2ui-perm-repo-');
  server = await startAgentServer({ dataDir, repo });
  c = await LiveClient.open(server.url, server.token);
});
afterAll(async () => {
  c.close();
  await server.close();
});

const status = async () => (await api(server).get('/api/agents/asker/status')).body;
const pendingOf = async () => waitFor(async () => {
  const body = await status();
  return body.session?.waiting_approval ? body.session.pending_approvals[0] : undefined;
}, 'a permission request');
const badge = () => c.text('agent-asker-status');

test('a request is shown and waits; Deny keeps the file unwritten, Approve writes it, Always allow skips the next prompt', async () => {
  await c.action('navigate', { to: '/agents/asker' });
  await c.action('start_agent', { agent_id: 'asker', prompt: 'write denied.txt\nnot wanted' });

  const first = await pendingOf();
  expect(first).toMatchObject({ tool: 'Write', summary: 'denied.txt' });
  await c.waitFor(() => badge() === 'running · waiting for approval');
  await c.waitFor(() => c.text(`control-approval-${first.request_id}-title`) === 'Approve Write?');
  expect(c.text(`control-approval-${first.request_id}-summary`)).toBe('denied.txt');
  expect(fs.existsSync(path.join(repo, 'denied.txt'))).toBe(false);

  await c.action('answer_permission', { request_id: first.request_id, decision: 'deny' });
  await waitFor(async () => (await status()).session.last_result?.includes('refused'), 'the denied turn to end');
  expect(fs.existsSync(path.join(repo, 'denied.txt'))).toBe(false);
  expect((await status()).session.waiting_approval).toBe(false);
  await c.waitFor(() => c.doc!.components[`control-approval-${first.request_id}`] === undefined);

  await c.action('send_input', { input: 'write approved.txt\nyes please' });
  const second = await pendingOf();
  expect(second.request_id).not.toBe(first.request_id);
  expect(fs.existsSync(path.join(repo, 'approved.txt'))).toBe(false);
  await c.action('answer_permission', { request_id: second.request_id, decision: 'allow' });
  await waitFor(() => fs.existsSync(path.join(repo, 'approved.txt')), 'approved.txt to be written');
  expect(fs.readFileSync(path.join(repo, 'approved.txt'), 'utf8')).toBe('yes please\n');

  await waitFor(async () => (await status()).session.busy === false, 'the approved turn to end');
  await c.action('send_input', { input: 'write always-1.txt\none' });
  const third = await pendingOf();
  await c.action('answer_permission', { request_id: third.request_id, decision: 'always' });
  await waitFor(() => fs.existsSync(path.join(repo, 'always-1.txt')), 'always-1.txt to be written');
  await waitFor(async () => (await status()).session.busy === false, 'the third turn to end');
  expect((await status()).session.always_allow).toEqual(['Write']);

  // The next Write is answered at once: no approval ever waits.
  await c.action('send_input', { input: 'write always-2.txt\ntwo' });
  await waitFor(() => fs.existsSync(path.join(repo, 'always-2.txt')), 'always-2.txt to be written without asking');
  const done = await waitFor(async () => {
    const body = await status();
    return body.session.busy === false ? body.session : undefined;
  }, 'the fourth turn to end');
  const permissionEvents = (await readLog(server, done.id)).filter((e) => e.type.startsWith('permission_'));
  expect(permissionEvents.map((e) => [e.type, e.behavior ?? null, e.by ?? null])).toEqual([
    ['permission_request', null, null],
    ['permission_answer', 'deny', 'user'],
    ['permission_request', null, null],
    ['permission_answer', 'allow', 'user'],
    ['permission_request', null, null],
    ['permission_answer', 'allow', 'user'],
    ['permission_request', null, null],
    ['permission_answer', 'allow', 'always'],
  ]);
  expect(fs.readFileSync(path.join(repo, 'always-2.txt'), 'utf8')).toBe('two\n');
});

test('an unknown request is refused; stopping a waiting agent ends the wait and writes nothing', async () => {
  const refused = await c.action('answer_permission', { agent_id: 'asker', request_id: 'no-such-request', decision: 'allow' });
  expect(refused.status).toBe('error');
  expect(refused.error).toEqual({ code: 'NOT_FOUND', message: expect.stringMatching(/no longer waiting/) });
  await c.action('stop_agent', { agent_id: 'asker' });
  await waitFor(async () => (await status()).session.status === 'terminated', 'the stop');
  await c.action('start_agent', { agent_id: 'asker', prompt: 'write stopped.txt\nnever' });
  const waiting = await pendingOf();
  await c.action('stop_agent', { agent_id: 'asker' });
  const ended = await waitFor(async () => {
    const body = await status();
    return body.session.status === 'terminated' ? body.session : undefined;
  }, 'the stop while waiting');
  expect(ended.waiting_approval).toBe(false);
  expect(fs.existsSync(path.join(repo, 'stopped.txt'))).toBe(false);
  expect((await c.action('answer_permission', { request_id: waiting.request_id, decision: 'allow' })).error?.code).toBe('NOT_FOUND');
});

test('over REST: the session lists the waiting request, POST /api/agents/:id/permissions/:requestId answers it; another user cannot', async () => {
  await c.action('start_agent', { agent_id: 'asker', prompt: 'write rest.txt\nfrom rest' });
  const waiting = await pendingOf();
  const list = await api(server).get('/api/sessions?agentId=asker');
  expect(list.body.sessions[0]).toMatchObject({ waiting_approval: true, pending_approvals: [{ request_id: waiting.request_id, tool: 'Write', summary: 'rest.txt' }] });
  const bad = await api(server).post(`/api/agents/asker/permissions/${waiting.request_id}`, { decision: 'maybe' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('INVALID_INPUT');
  const other = await api(server).post(`/api/agents/asker/permissions/${waiting.request_id}`, { decision: 'allow' }, ALICE);
  expect(other.status).toBe(404);
  expect(fs.existsSync(path.join(repo, 'rest.txt'))).toBe(false);
  const ok = await api(server).post(`/api/agents/asker/permissions/${waiting.request_id}`, { decision: 'allow' });
  expect(ok.status).toBe(200);
  expect(ok.body.session.pending_approvals).toEqual([]);
  await waitFor(() => fs.existsSync(path.join(repo, 'rest.txt')), 'rest.txt to be written');
});

test('the assistant panel shows the waiting request beside every screen and answers it', async () => {
  await c.action('stop_agent', { agent_id: 'asker' });
  await waitFor(async () => (await status()).session.status === 'terminated', 'the stop');
  await c.action('start_agent', { agent_id: 'asker', prompt: 'write panel.txt\nfrom the panel' });
  const waiting = await pendingOf();
  await c.action('navigate', { to: '/' });
  const id = `assistant-agent-approval-asker-${waiting.request_id}`;
  await c.waitFor(() => c.text(`${id}-title`) === 'Asking demo asks to use Write');
  expect(c.text(`${id}-summary`)).toBe('panel.txt');
  const ack = await c.action('assistant_agent_permission', { agent_id: 'asker', request_id: waiting.request_id, decision: 'allow' });
  expect(ack.status).toBe('success');
  await waitFor(() => fs.existsSync(path.join(repo, 'panel.txt')), 'panel.txt to be written');
  await c.waitFor(() => c.doc!.components[id] === undefined);
});
