/**
 * Conformance with the chat gateway document (orra's HTTP/WebSocket gateway): `POST /api/chat` with
 * the request bodies it prints (its own tests' JSON), `GET`/`DELETE /api/sessions/:id` for the chat
 * session, `GET /health`, the bearer key and the body limit, and the `GET /ws` streaming conversation
 * with the `ws` client: `chat` in (serialised as the document's serde would, `None` as null),
 * `text_delta`, `tool_approval_request`, `tool_approval_response` answered on the socket, `response`,
 * `ping`/`pong`, against the local fake Anthropic server.
 *
 * One difference on purpose: errors have the product's one shape, `{"error": {"code", "message"}}`,
 * not the document's `{"error": "…", "code": "…"}`.
 */
import request from 'supertest';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { gitWorktreePaths, makeRepo } from '../helpers/git-repo';
import { BOB, bearer, dataDirWithUsers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { WsClient } from '../helpers/ws-client';

jest.setTimeout(30_000);

let ai: FakeAnthropic;
let server: TestServer;
let repo: string;
const clients: WsClient[] = [];

beforeAll(async () => {
  ai = await FakeAnthropic.start();
  repo = makeRepo();
  server = await startTestServer({ dataDir: dataDirWithUsers(), env: { ...ai.env(), A2UI_REPO: repo, A2UI_APPROVAL_TIMEOUT_MS: '20000' } });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await server.close();
  await ai.close();
});
afterEach(() => {
  ai.script.length = 0;
});

const chat = (body: object | string, token = server.token) => request(server.url).post('/api/chat').set(bearer(token)).set('Content-Type', 'application/json').send(body);

async function ws(token = server.token): Promise<WsClient> {
  const client = await WsClient.open(server.url, token);
  clients.push(client);
  return client;
}

/** The document's ChatUsage. */
const usage = { input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) };

describe('HTTP', () => {
  test('POST /api/chat with the printed bodies: {message, namespace, usage}; no namespace makes a new session', async () => {
    ai.enqueue({ content: [{ type: 'text', text: 'Hello there!' }] }, { content: [{ type: 'text', text: 'Hi!' }] });
    const named = await chat('{"message": "Hello!", "namespace": "user-123"}');
    expect(named.status).toBe(200);
    expect(named.body).toEqual({ message: 'Hello there!', namespace: 'user-123', usage });
    expect(named.body.usage.total_tokens).toBe(named.body.usage.input_tokens + named.body.usage.output_tokens);

    const minimal = await chat('{"message": "Hi"}');
    expect(minimal.status).toBe(200);
    expect(minimal.body).toEqual({ message: 'Hi!', namespace: expect.stringMatching(/^chat-[0-9a-f]{24}$/), usage });
    // A serialised request whose optional fields are null, and metadata as the document defaults it.
    ai.enqueue({ content: [{ type: 'text', text: 'Again.' }] });
    const nulls = await chat({ message: 'Hi', namespace: null, metadata: {} });
    expect(nulls.body).toEqual({ message: 'Again.', namespace: expect.stringMatching(/^chat-/), usage });
    expect(nulls.body.namespace).not.toBe(minimal.body.namespace);
  });

  test('GET /api/sessions/:id is the chat session\'s history; DELETE clears it; another user has none of it', async () => {
    ai.enqueue({ content: [{ type: 'text', text: 'Noted.' }] });
    await chat({ message: 'remember me', namespace: 'ns-1' }).expect(200);
    const got = await request(server.url).get('/api/sessions/ns-1').set(bearer(server.token));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      success: true,
      namespace: 'ns-1',
      messages: [{ role: 'user', content: 'remember me' }, { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] }],
      session: { id: 'ns-1', kind: 'chat', messageCount: 2, lastActivityAt: expect.any(String) },
    });
    expect((await request(server.url).get('/api/sessions/ns-1').set(bearer(BOB.token))).status).toBe(404);
    expect((await request(server.url).delete('/api/sessions/ns-1').set(bearer(BOB.token))).status).toBe(404);

    const deleted = await request(server.url).delete('/api/sessions/ns-1').set(bearer(server.token));
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ success: true, namespace: 'ns-1', deleted: true });
    const gone = await request(server.url).get('/api/sessions/ns-1').set(bearer(server.token));
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    // The next chat in it starts from nothing.
    ai.enqueue({ content: [{ type: 'text', text: 'Fresh.' }] });
    await chat({ message: 'again', namespace: 'ns-1' }).expect(200);
    expect(ai.requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: 'again' }]);
  });

  test('chat session ids never look like agent session ids', async () => {
    const refused = await chat({ message: 'x', namespace: 's-0123456789abcdef01234567' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('agent session id') });
    // That form is an agent session's: none here.
    expect((await request(server.url).get('/api/sessions/s-0123456789abcdef01234567').set(bearer(server.token))).status).toBe(404);
  });

  test('GET /health; the bearer key is required; a body over 1 MB is refused', async () => {
    expect((await request(server.url).get('/health')).body).toEqual({ status: 'ok' });
    expect((await request(server.url).post('/api/chat').send({ message: 'Hi' })).status).toBe(401);
    expect((await request(server.url).post('/api/chat').set(bearer('wrong-key-0123456789')).send({ message: 'Hi' })).status).toBe(401);
    const big = await chat({ message: 'Hi', metadata: { blob: 'x'.repeat(1024 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('GET /ws streaming conversation', () => {
  test('chat → text_delta… → response; ping → pong', async () => {
    const client = await ws();
    ai.enqueue({ content: [{ type: 'text', text: 'Hello from the socket.', chunks: ['Hello ', 'from ', 'the socket.'] }] });
    // WsMessage::Chat as serde serialises it: the None fields as null.
    client.send({ type: 'chat', message: 'Hello', namespace: 'test', model: null, agent: null });
    const response = await client.next('response');
    expect(response).toEqual({ type: 'response', message: 'Hello from the socket.', namespace: 'test', usage });
    const deltas = client.of('text_delta');
    expect(deltas.map((d) => d.content)).toEqual(['Hello ', 'from ', 'the socket.']);
    expect(deltas.every((d) => Object.keys(d).sort().join() === 'content,type')).toBe(true);
    // Deltas come before the response.
    expect(client.messages.findIndex((m) => m.type === 'response')).toBe(client.messages.length - 1);

    const count = client.messages.length;
    client.send({ type: 'ping' });
    expect(await client.next('pong', count)).toEqual({ type: 'pong' });

    // The same conversation is the chat session over HTTP.
    const history = await request(server.url).get('/api/sessions/test').set(bearer(server.token));
    expect(history.body.messages).toHaveLength(2);
  });

  test('a tool that needs approval asks on the socket; approved on the socket, it runs; denied, it does not', async () => {
    const client = await ws();
    const made = await request(server.url).post('/api/worktrees').set(bearer(server.token)).send({ agentName: 'bot', taskId: '7' });
    expect(made.status).toBe(201);
    ai.enqueue(
      { content: [{ type: 'text', text: 'Removing it.' }, { type: 'tool_use', id: 'toolu_rm', name: 'worktree_remove', input: { path: made.body.path } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'Removed.' }] },
    );
    client.send({ type: 'chat', message: 'remove the bot worktree' });
    const asked = await client.next('tool_approval_request');
    expect(asked).toMatchObject({ type: 'tool_approval_request', call_id: expect.any(String), tool_name: 'worktree_remove', arguments: { path: made.body.path } });
    expect(gitWorktreePaths(repo)).toContain(made.body.path); // nothing runs before the answer
    client.send({ type: 'tool_approval_response', call_id: asked.call_id, approved: true });
    const response = await client.next('response');
    expect(response).toMatchObject({ message: 'Removed.', namespace: expect.stringMatching(/^chat-/) });
    expect(gitWorktreePaths(repo)).toEqual([repo]);
    expect(client.of('text_delta').map((d) => d.content).join('')).toBe('Removing it.Removed.');

    // Denied: Claude hears so, and nothing is removed.
    const second = await request(server.url).post('/api/worktrees').set(bearer(server.token)).send({ agentName: 'bot', taskId: '8' });
    ai.enqueue(
      { content: [{ type: 'tool_use', id: 'toolu_rm2', name: 'worktree_remove', input: { path: second.body.path } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'Left it alone.' }] },
    );
    const before = client.messages.length;
    client.send({ type: 'chat', message: 'remove the other one', namespace: response.namespace });
    const again = await client.next('tool_approval_request', before);
    client.send({ type: 'tool_approval_response', call_id: again.call_id, approved: false });
    expect(await client.next('response', before)).toMatchObject({ message: 'Left it alone.', namespace: response.namespace });
    expect(gitWorktreePaths(repo)).toContain(second.body.path);
    const denied = (ai.requests.at(-1)!.body.messages!.at(-1)!.content as Array<{ content: string; is_error?: boolean }>)[0]!;
    expect(denied).toMatchObject({ is_error: true, content: expect.stringContaining('denied') });
  });

  test('model and agent are accepted and said to be ignored; refusals are {type: "error"}; another user cannot answer my approval', async () => {
    const client = await ws();
    ai.enqueue({ content: [{ type: 'text', text: 'Done.' }] });
    client.send({ type: 'chat', message: 'hi', namespace: 'opts', model: 'claude-opus-4', agent: 'Atlas' });
    const response = await client.next('response');
    expect(response).toMatchObject({ message: 'Done.', ignored: { model: expect.any(String), agent: expect.any(String) } });

    const count = client.messages.length;
    client.send({ type: 'chat', message: '' });
    expect(await client.next('error', count)).toMatchObject({ type: 'error', error: expect.stringContaining('message'), code: 'INVALID_INPUT', request: 'chat' });

    const made = await request(server.url).post('/api/worktrees').set(bearer(server.token)).send({ agentName: 'bot', taskId: '9' });
    ai.enqueue(
      { content: [{ type: 'tool_use', id: 'toolu_rm3', name: 'worktree_remove', input: { path: made.body.path } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'Not removed.' }] },
    );
    const before = client.messages.length;
    client.send({ type: 'chat', message: 'remove it' });
    const asked = await client.next('tool_approval_request', before);
    const bob = await ws(BOB.token);
    bob.send({ type: 'tool_approval_response', call_id: asked.call_id, approved: true });
    expect(await bob.next('error')).toMatchObject({ code: 'NOT_FOUND', request: 'tool_approval_response' });
    expect(bob.of('tool_approval_request')).toEqual([]);
    client.send({ type: 'tool_approval_response', call_id: asked.call_id, approved: false });
    expect(await client.next('response', before)).toMatchObject({ message: 'Not removed.' });
    expect(gitWorktreePaths(repo)).toContain(made.body.path);
  });

  test('closing the connection stops its chat: the approval it waited for is cancelled, nothing runs', async () => {
    const client = await ws();
    const made = await request(server.url).post('/api/worktrees').set(bearer(server.token)).send({ agentName: 'bot', taskId: '10' });
    ai.enqueue({ content: [{ type: 'tool_use', id: 'toolu_rm4', name: 'worktree_remove', input: { path: made.body.path } }], stop_reason: 'tool_use' });
    client.send({ type: 'chat', message: 'remove it, then hang up' });
    const asked = await client.next('tool_approval_request');
    const waiting = await request(server.url).get('/api/approvals').set(bearer(server.token));
    expect(waiting.body.approvals.map((a: { call_id: string }) => a.call_id)).toContain(asked.call_id);
    await client.close();
    await waitFor(async () => (await request(server.url).get('/api/approvals').set(bearer(server.token))).body.approvals.length === 0, 'the approval to be cancelled');
    expect(gitWorktreePaths(repo)).toContain(made.body.path);
  });

  test('a provider failure ends the chat with {type: "error"}', async () => {
    const client = await ws();
    ai.enqueue({ status: 400, error: { type: 'invalid_request_error', message: 'bad request' } });
    client.send({ type: 'chat', message: 'fail please' });
    expect(await client.next('error')).toMatchObject({ type: 'error', error: expect.any(String), code: 'UPSTREAM_ERROR', request: 'chat' });
  });
});
