/**
 * The assistant through the real server: the seed chat endpoints, approvals over REST and socket.io,
 * the listener-event endpoint, failover between two local Messages API servers, the panel on every
 * screen, and a server without any key.
 */
import { waitFor } from '../helpers/wait';
import request from 'supertest';
import { WorktreeService } from '../../agents/worktree/service';
import { LiveClient } from '../helpers/client';
import { act, textOf, waitForDoc } from '../helpers/email';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { FakeGoogle } from '../helpers/fake-google';
import { gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { bearer, startTestServer, type TestServer, ALICE, BOB, dataDirWithUsers } from '../helpers/server';

jest.setTimeout(30_000);

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function fake(): Promise<FakeAnthropic> {
  const server = await FakeAnthropic.start();
  closers.push(() => server.close());
  return server;
}

async function server(env: Record<string, string>): Promise<TestServer & { repo: string }> {
  const repo = makeRepo();
  const running = await startTestServer({ dataDir: dataDirWithUsers(), env: { A2UI_REPO: repo, ...env } });
  closers.push(() => running.close());
  return { ...running, repo };
}

async function live(s: TestServer, token: string): Promise<LiveClient> {
  const client = await LiveClient.open(s.url, token);
  closers.push(() => client.close());
  return client;
}

const chat = (s: TestServer, token: string, body: object) => request(s.url).post('/api/chat').set(bearer(token)).send(body);

type Approval = { call_id: string; tool_name: string; arguments: Record<string, unknown> };

/** Polls GET /api/approvals (as a REST client would) until one request waits; answers the list. */
function waitingApprovals(s: TestServer): Promise<Approval[]> {
  return waitFor(async () => {
    const approvals = (await request(s.url).get('/api/approvals').set(bearer(s.token))).body.approvals as Approval[];
    return approvals.length === 1 ? approvals : undefined;
  }, 'one waiting approval');
}

describe('without any key', () => {
  test('the panel says how to enable it, the API says why, and the rest of the product works', async () => {
    const s = await server({ ANTHROPIC_API_KEY: '' });
    const res = await chat(s, s.token, { message: 'hello' });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'AI_DISABLED', message: expect.stringContaining('ANTHROPIC_API_KEY') });
    expect((await request(s.url).get('/api/ai/status').set(bearer(s.token))).body).toEqual({ configured: false, providers: [], active: null, last_used: null });
    const health = await request(s.url).get('/api/health').set(bearer(s.token));
    expect(health.body.plugins.assistant).toMatchObject({ status: 'disabled' });

    const doc = await waitForDoc(s.url, s.token, (d) => 'assistant-off' in d.components);
    expect(textOf(doc, 'assistant-off')).toMatch(/ANTHROPIC_API_KEY/);
    const nav = await act(s.url, s.token, 'navigate', { to: '/worktrees' });
    expect(nav.body.status).toBe('success');
    const send = await act(s.url, s.token, 'assistant_send', { message: 'hi' });
    expect(send.body).toMatchObject({ status: 'error', error: { message: expect.stringContaining('ANTHROPIC_API_KEY') } });

    const event = await request(s.url).post('/events/message').set(bearer(s.token)).send({ provider: 'slack', channel_id: 'C1', user_id: 'U1', content: 'hello' });
    expect(event.body).toEqual({ reply: expect.stringContaining('ANTHROPIC_API_KEY'), login_url: null, logout_url: null, provider: 'slack' });
  });
});

describe('chat endpoints', () => {
  test('POST /api/chat answers {message, namespace, usage}; history per user and namespace; DELETE forgets', async () => {
    const ai = await fake();
    const s = await server(ai.env());
    ai.enqueue({ content: [{ type: 'text', text: 'Hello Alice.' }] });
    const res = await chat(s, ALICE.token, { message: 'hi', namespace: 'work', metadata: { source: 'test' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      message: 'Hello Alice.',
      namespace: 'work',
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) },
      ignored: { metadata: expect.stringContaining('not stored') },
    });
    expect(res.body.usage.total_tokens).toBe(res.body.usage.input_tokens + res.body.usage.output_tokens);

    const history = await request(s.url).get('/api/chat/work').set(bearer(ALICE.token));
    expect(history.body).toEqual({ namespace: 'work', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'text', text: 'Hello Alice.' }] }] });
    expect((await request(s.url).get('/api/chat/work').set(bearer(BOB.token))).body.messages).toEqual([]);

    ai.enqueue({ content: [{ type: 'text', text: 'Again.' }] });
    await chat(s, ALICE.token, { message: 'more', namespace: 'work' });
    expect(ai.requests[1]!.body.messages).toHaveLength(3); // the conversation went along

    expect((await request(s.url).delete('/api/chat/work').set(bearer(ALICE.token))).body).toEqual({ namespace: 'work', deleted: true });
    expect((await request(s.url).get('/api/chat/work').set(bearer(ALICE.token))).body.messages).toEqual([]);
    expect((await request(s.url).delete('/api/chat/work').set(bearer(ALICE.token))).body.deleted).toBe(false);
  });

  test('bad input is a 400 in the one error shape and reaches no provider', async () => {
    const ai = await fake();
    const s = await server(ai.env());
    for (const body of [{}, { message: '' }, { message: 42 }, { message: 'x', namespace: '../etc' }, { message: 'x', namespace: '__proto__' }, { message: 'x'.repeat(20_001) }, { message: 'x', metadata: 'no' }]) {
      const res = await chat(s, s.token, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
    }
    expect((await request(s.url).post('/api/chat').set(bearer(s.token)).set('Content-Type', 'application/json').send('{"message":')).status).toBe(400);
    expect((await request(s.url).get('/api/chat/a%2F..').set(bearer(s.token))).status).toBe(400);
    expect((await request(s.url).post('/api/approvals').set(bearer(s.token)).send({ call_id: 'nope', approved: true })).status).toBe(404);
    expect((await request(s.url).post('/api/approvals').set(bearer(s.token)).send({ call_id: 'x', approved: 'yes' })).status).toBe(400);
    expect((await request(s.url).post('/api/chat').send({ message: 'hi' })).status).toBe(401);
    expect(ai.requests).toHaveLength(0);
  });

  test('a tool that removes a worktree waits for the REST approval; Claude gets the result', async () => {
    const ai = await fake();
    const s = await server(ai.env());
    const created = await request(s.url).post('/api/worktrees').set(bearer(s.token)).send({ agentName: 'bot', taskId: '1' });
    ai.enqueue(
      { content: [{ type: 'tool_use', id: 'toolu_rm', name: 'worktree_remove', input: { path: created.body.path, delete_branch: true } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'Removed it.' }] },
    );
    const pending = chat(s, s.token, { message: 'remove the bot worktree' }).then((r) => r);
    const approvals = await waitingApprovals(s);
    expect(approvals[0]).toMatchObject({ tool_name: 'worktree_remove', arguments: { path: created.body.path, delete_branch: true } });
    expect(gitWorktreePaths(s.repo)).toContain(created.body.path); // nothing ran before the answer
    expect((await request(s.url).get('/api/approvals').set(bearer(BOB.token))).body.approvals).toEqual([]);
    expect((await request(s.url).post('/api/approvals').set(bearer(BOB.token)).send({ call_id: approvals[0]!.call_id, approved: true })).status).toBe(404);

    const answer = await request(s.url).post('/api/approvals').set(bearer(s.token)).send({ call_id: approvals[0]!.call_id, approved: true });
    expect(answer.body).toEqual({ call_id: approvals[0]!.call_id, approved: true });
    expect((await pending).body.message).toBe('Removed it.');
    expect(gitWorktreePaths(s.repo)).toEqual([s.repo]);
    const toolResult = (ai.requests[1]!.body.messages!.at(-1)!.content as Array<{ tool_use_id: string; content: string }>)[0]!;
    expect(toolResult.tool_use_id).toBe('toolu_rm');
    expect(JSON.parse(toolResult.content)).toMatchObject({ path: created.body.path, branchDeleted: true });
  });

  test('over socket.io: tool_approval_request, then a deny answers Claude "denied"; silence times out', async () => {
    const ai = await fake();
    const s = await server({ ...ai.env(), A2UI_APPROVAL_TIMEOUT_MS: '400' });
    const client = await live(s, s.token);
    const requests: Array<{ call_id: string; tool_name: string; arguments: unknown }> = [];
    const resolved: Array<{ call_id: string; outcome: string }> = [];
    client.socket.on('tool_approval_request', (r: (typeof requests)[number]) => {
      requests.push(r);
      if (requests.length === 1) client.socket.emit('tool_approval_response', { call_id: r.call_id, approved: false }, () => undefined);
    });
    client.socket.on('tool_approval_resolved', (r: (typeof resolved)[number]) => resolved.push(r));

    ai.enqueue(
      { content: [{ type: 'tool_use', id: 'toolu_1', name: 'agent_stop', input: { agent_id: 'demo' } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'I did not stop it.' }] },
    );
    expect((await chat(s, s.token, { message: 'stop demo' })).body.message).toBe('I did not stop it.');
    expect(requests[0]).toMatchObject({ tool_name: 'agent_stop', arguments: { agent_id: 'demo' } });
    expect(resolved[0]).toEqual({ call_id: requests[0]!.call_id, outcome: 'denied' });
    expect(JSON.stringify(ai.requests[1]!.body.messages!.at(-1))).toContain('the user denied it');

    ai.enqueue(
      { content: [{ type: 'tool_use', id: 'toolu_2', name: 'agent_stop', input: { agent_id: 'demo' } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'No answer, so nothing stopped.' }] },
    );
    expect((await chat(s, s.token, { message: 'stop demo again' })).body.message).toBe('No answer, so nothing stopped.');
    expect(resolved[1]).toEqual({ call_id: requests[1]!.call_id, outcome: 'timeout' });
    const bad = await new Promise((resolve) => client.socket.emit('tool_approval_response', { call_id: 'x' }, resolve));
    expect(bad).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });

  test('mail tools: the list reads the inbox, archive goes through the Email plugin (the row leaves the screen), a reply waits for approval', async () => {
    const ai = await fake();
    const s = await server(ai.env());
    await act(s.url, s.token, 'navigate', { to: '/email/inbox' });
    await waitForDoc(s.url, s.token, (d) => Object.keys(d.components).some((id) => id.startsWith('email-row-')));

    ai.enqueue(
      { content: [{ type: 'tool_use', id: 'toolu_list', name: 'mail_list', input: { page_size: 5 } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'Here is your mail.' }] },
    );
    await chat(s, s.token, { message: 'what mail do I have?' });
    const listed = JSON.parse((ai.requests[1]!.body.messages!.at(-1)!.content as Array<{ content: string }>)[0]!.content) as { messages: Array<{ id: string; subject: string }> };
    expect(listed.messages.length).toBeGreaterThanOrEqual(2);
    const [first, second] = listed.messages;
    const rowOf = (d: { components: Record<string, unknown> }, mailId: string) => Object.keys(d.components).some((id) => id.startsWith('email-row-') && id.includes(mailId));
    await waitForDoc(s.url, s.token, (d) => rowOf(d, first!.id)); // on screen before

    ai.enqueue(
      {
        content: [
          { type: 'tool_use', id: 'toolu_archive', name: 'mail_archive', input: { email_id: first!.id } },
          { type: 'tool_use', id: 'toolu_reply', name: 'mail_reply', input: { email_id: second!.id, body: 'Thanks, sounds good.' } },
        ],
        stop_reason: 'tool_use',
      },
      { content: [{ type: 'text', text: 'Archived one, answered the other.' }] },
    );
    const turn = chat(s, s.token, { message: 'archive the first, say thanks to the second' }).then((r) => r);
    const waiting = await waitingApprovals(s);
    // The archive needed no approval and already happened: its row left the inbox on screen.
    expect(waiting[0]).toMatchObject({ tool_name: 'mail_reply', arguments: { email_id: second!.id, body: 'Thanks, sounds good.' } });
    const doc = await waitForDoc(s.url, s.token, (d) => !rowOf(d, first!.id));
    expect(doc.dataModel.app).toMatchObject({ route: '/email/inbox' }); // the assistant did not move the screen
    await request(s.url).post('/api/approvals').set(bearer(s.token)).send({ call_id: waiting[0]!.call_id, approved: true });
    expect((await turn).body.message).toBe('Archived one, answered the other.');
    const results = ai.requests[3]!.body.messages!.at(-1)!.content as Array<{ tool_use_id: string; content: string; is_error?: boolean }>;
    expect(results.map((r) => [r.tool_use_id, r.is_error ?? false])).toEqual([
      ['toolu_archive', false],
      ['toolu_reply', false],
    ]);
    expect(JSON.parse(results[1]!.content)).toMatchObject({ sent: true, subject: expect.stringMatching(/^Re: /) });

    // The reply is in its thread.
    await act(s.url, s.token, 'open_thread', { email_id: second!.id });
    const thread = await waitForDoc(s.url, s.token, (d) => JSON.stringify(d.components).includes('Thanks, sounds good.'));
    expect(thread.dataModel.app).toMatchObject({ route: expect.stringMatching(/^\/email\/thread\//) });
  });

  test('failover: a 500 from the first provider hands the same conversation to the second; /api/ai/status shows the cooldown', async () => {
    const first = await fake();
    const second = await fake();
    const providers = [
      { name: 'primary', api_key: first.apiKey, base_url: first.url, model: 'model-a' },
      { name: 'backup', api_key: second.apiKey, base_url: second.url, model: 'model-b' },
    ];
    const s = await server({ A2UI_AI_PROVIDERS: JSON.stringify(providers), A2UI_AI_COOLDOWN_MS: '60000' });
    first.enqueue({ status: 500, error: { type: 'api_error', message: 'down' } });
    second.enqueue({ content: [{ type: 'text', text: 'From the backup.' }] });
    expect((await chat(s, s.token, { message: 'hi' })).body.message).toBe('From the backup.');
    expect(second.requests[0]!.body).toMatchObject({ model: 'model-b', messages: first.requests[0]!.body.messages });
    const status = (await request(s.url).get('/api/ai/status').set(bearer(s.token))).body;
    expect(status).toMatchObject({ configured: true, active: 'backup', last_used: 'backup' });
    expect(status.providers).toEqual([
      expect.objectContaining({ name: 'primary', base_url: first.url, model: 'model-a', failures: 1, cooling_down_until: expect.any(String) }),
      expect.objectContaining({ name: 'backup', cooling_down_until: null }),
    ]);
    expect(JSON.stringify(status)).not.toContain(first.apiKey); // keys never leave the server
  });
});

describe('POST /events/message', () => {
  test('answers as the token`s user in a conversation per provider and channel; sign-out needs no model', async () => {
    const ai = await fake();
    const s = await server(ai.env());
    ai.enqueue({ content: [{ type: 'text', text: 'Your inbox has mail.' }] });
    const event = { provider: 'slack', channel_id: 'C42', user_id: 'U7', content: 'what is new?', message_id: 'm1', timestamp: '2026-11-25T00:00:00Z' };
    const res = await request(s.url).post('/events/message').set(bearer(s.token)).send(event);
    expect(res.body).toEqual({ reply: 'Your inbox has mail.', login_url: null, logout_url: null, provider: 'slack' });
    expect((await request(s.url).get('/api/chat/ev:slack:C42').set(bearer(s.token))).body.messages).toHaveLength(2);

    const signOut = await request(s.url).post('/events/message').set(bearer(s.token)).send({ ...event, content: 'please sign out' });
    expect(signOut.body).toMatchObject({ logout_url: null, reply: expect.stringMatching(/not signed in/) }); // local mailbox: no Google account
    expect(ai.requests).toHaveLength(1);

    for (const body of [{}, { ...event, content: '' }, { ...event, provider: 5 }]) {
      const bad = await request(s.url).post('/events/message').set(bearer(s.token)).send(body);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('INVALID_INPUT');
    }
    expect((await request(s.url).post('/events/message').send(event)).status).toBe(401);
  });

  test('with Gmail: login_url until the user signs in, then logout_url when they ask to sign out', async () => {
    const ai = await fake();
    const google = await FakeGoogle.start();
    closers.push(() => google.close());
    google.addAccount('ada@example.com');
    const s = await server({ ...ai.env(), ...google.env(), MAIL_PROVIDER: 'gmail' });
    const event = { provider: 'discord', channel_id: 'general', user_id: 'ada#1', content: 'any mail from Bob?' };
    ai.enqueue({ content: [{ type: 'text', text: 'Sign in first, please.' }] });
    const before = await request(s.url).post('/events/message').set(bearer(s.token)).send(event);
    expect(before.body).toEqual({ reply: 'Sign in first, please.', login_url: `${s.url}/auth/google/login?user_id=local`, logout_url: null, provider: 'discord' });

    // The sign-in as a browser does it: our login → Google's consent → the callback (no cookie).
    google.nextAccount = 'ada@example.com';
    const login = await fetch(before.body.login_url, { headers: bearer(s.token), redirect: 'manual' });
    const back = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    expect((await fetch(back.headers.get('location')!, { redirect: 'manual' })).status).toBe(200);

    ai.enqueue({ content: [{ type: 'text', text: 'Nothing from Bob.' }] });
    const after = await request(s.url).post('/events/message').set(bearer(s.token)).send(event);
    expect(after.body).toMatchObject({ reply: 'Nothing from Bob.', login_url: null, logout_url: null });
    const out = await request(s.url).post('/events/message').set(bearer(s.token)).send({ ...event, content: 'log me out' });
    expect(out.body).toMatchObject({ login_url: null, logout_url: `${s.url}/auth/google/logout` });
    expect(ai.requests).toHaveLength(2);
  });
});

describe('the panel', () => {
  test('is on every screen; a send streams the reply in as data ops; an approval is a dialog whose Approve runs the tool', async () => {
    const ai = await fake();
    const s = await server(ai.env());
    const client = await live(s, s.token);
    for (const route of ['/', '/email/inbox', '/agents', '/worktrees']) {
      await client.action('navigate', { to: route });
      expect(client.doc!.components['assistant-panel']).toBeDefined();
    }

    ai.enqueue({ content: [{ type: 'text', text: 'One two three four.', chunks: ['One ', 'two ', 'three ', 'four.'] }], eventDelayMs: 30 });
    const framesBefore = client.frames.length;
    const sent = await client.action('assistant_send', { message: 'count' });
    expect(sent.status).toBe('success');
    await client.waitFor((doc) => Object.values(doc.components).some((c) => (c as { text?: string }).text === 'Assistant: One two three four.'));
    const streamOps = client.frames.slice(framesBefore).flatMap((f) => f.ops).filter((op) => op.path === '/dataModel/assistant/streaming');
    expect(streamOps.length).toBeGreaterThanOrEqual(3); // the text came in pieces, each one small op
    expect(streamOps.every((op) => JSON.stringify(op).length < 200)).toBe(true);

    const wt = await request(s.url).post('/api/worktrees').set(bearer(s.token)).send({ agentName: 'panel', taskId: '1' });
    ai.enqueue(
      { content: [{ type: 'tool_use', id: 'toolu_p', name: 'worktree_remove', input: { path: wt.body.path } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'Gone.' }] },
    );
    await client.action('assistant_send', { message: 'remove it' });
    await client.waitFor((doc) => Object.keys(doc.components).some((id) => /^assistant-approval-.*-approve$/.test(id)));
    const approveId = Object.keys(client.doc!.components).find((id) => /^assistant-approval-.*-approve$/.test(id))!;
    const action = (client.doc!.components[approveId] as { action: { event: { name: string; context: Record<string, unknown> } } }).action.event;
    expect(client.text(approveId.replace(/-approve$/, '-title'))).toBe('The assistant wants to run worktree_remove');
    expect(gitWorktreePaths(s.repo)).toContain(wt.body.path);
    const approved = await client.action(action.name, action.context);
    expect(approved.status).toBe('success');
    await client.waitFor((doc) => Object.values(doc.components).some((c) => (c as { text?: string }).text === 'Assistant: Gone.'));
    expect(gitWorktreePaths(s.repo)).toEqual([s.repo]);
    expect(Object.keys(client.doc!.components).some((id) => id.startsWith('assistant-approval-'))).toBe(false);
    // The worktree screen of this user heard of it too.
    expect(`worktree-row-${WorktreeService.keyOf(wt.body.path)}` in client.doc!.components).toBe(false);

    const again = await client.action('assistant_approve', { call_id: action.context.call_id as string });
    expect(again).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND' } });
  });
});
