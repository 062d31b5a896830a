/**
 * Claude drafts through the real @anthropic-ai/sdk against the local fake Messages API (SSE), and the
 * fake itself as a general stand-in (both auth headers, JSON answers, tool_use) for later features.
 */
import Anthropic from '@anthropic-ai/sdk';
import { ProviderPool } from '../../agents/ai/providers';
import { DraftWriter } from '../../agents/email/drafts';
import { PluginError } from '../../agents/errors';
import type { MailThread } from '../../agents/email/types';
import { FakeAnthropic } from '../helpers/fake-anthropic';

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await FakeAnthropic.start();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.script.length = 0;
});

const thread: MailThread = {
  id: 't1',
  subject: 'Lunch next week?',
  messages: [
    { id: 'm7', threadId: 't1', from: 'Tomás <tomas@alvarez.example>', replyTo: 'Tomás <tomas@alvarez.example>', to: 'you@example.com', subject: 'Lunch next week?', date: '2025-01-01T12:00:00.000Z', body: 'Lunch at the usual place on Tuesday?', unread: true },
  ],
};

function writer(timeoutMs = 5000, apiKey = fake.apiKey): DraftWriter {
  const pool = new ProviderPool({ providers: [{ name: 'anthropic', apiKey, baseURL: fake.url, model: 'claude-test-model' }], cooldownMs: 0, timeoutMs: 60_000 });
  return new DraftWriter({ pool, timeoutMs });
}

function draft(w: DraftWriter, signal = new AbortController().signal, onText: (snapshots: string[]) => void = () => undefined) {
  const snapshots: string[] = [];
  const done = w.write({
    userId: 'local',
    thread,
    replyToId: 'm7',
    signal,
    onText: (s) => {
      snapshots.push(s);
      onText(snapshots);
    },
  });
  return { snapshots, done };
}

test('streams the draft: each chunk hands over the text so far, and the whole text resolves', async () => {
  fake.enqueue({ content: [{ type: 'text', text: 'Tuesday works. See you at noon!', chunks: ['Tuesday ', 'works. ', 'See you ', 'at noon!'] }] });
  const { snapshots, done } = draft(writer());
  await expect(done).resolves.toBe('Tuesday works. See you at noon!');
  expect(snapshots).toEqual(['Tuesday ', 'Tuesday works. ', 'Tuesday works. See you ', 'Tuesday works. See you at noon!']);

  const request = fake.requests.at(-1)!;
  expect(request.headers['x-api-key']).toBe(fake.apiKey); // the Messages API's own key header
  expect(request.headers['anthropic-version']).toEqual(expect.any(String));
  expect(request.body).toMatchObject({ model: 'claude-test-model', stream: true, max_tokens: expect.any(Number) });
  expect(JSON.stringify(request.body.messages)).toContain('Lunch at the usual place on Tuesday?');
  expect(JSON.stringify(request.body.messages)).toContain('(this is the message being replied to)');
});

test('an error event in the middle of the stream rejects with what Claude said, after the partial text', async () => {
  fake.enqueue({
    content: [{ type: 'text', text: 'one two three four', chunks: ['one ', 'two ', 'three ', 'four'] }],
    failAfterDeltas: { count: 2, type: 'overloaded_error', message: 'Overloaded' },
  });
  const { snapshots, done } = draft(writer());
  const error = await done.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PluginError);
  expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'Claude stopped with an error: Overloaded.' });
  expect(snapshots).toEqual(['one ', 'one two ']);
});

test('HTTP errors become clear messages: a wrong key (401) and a rate limit (429)', async () => {
  await expect(draft(writer(5000, 'sk-ant-wrong')).done).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('ANTHROPIC_API_KEY') });
  fake.enqueue({ status: 429, error: { type: 'rate_limit_error', message: 'Slow down' } });
  await expect(draft(writer()).done).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('429') });
  fake.enqueue({ status: 500, error: { type: 'api_error', message: 'Internal server error' } });
  await expect(draft(writer()).done).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: 'Claude failed (500): Internal server error.' });
});

test('a stream that stops sending is cut at the time limit', async () => {
  fake.enqueue({ content: [{ type: 'text', text: 'never finished text' }], hangAfterDeltas: 1 });
  const { snapshots, done } = draft(writer(400));
  await expect(done).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('did not finish within') });
  expect(snapshots).toEqual(['never ']);
});

test('a cancelled draft rejects as cancelled and hands over nothing more', async () => {
  fake.enqueue({ content: [{ type: 'text', text: 'a b c d e f' }], eventDelayMs: 30 });
  const controller = new AbortController();
  // Cancelled as the second chunk arrives.
  const { snapshots, done } = draft(writer(), controller.signal, (seen) => seen.length === 2 && controller.abort());
  await expect(done).rejects.toMatchObject({ code: 'CONFLICT' });
  // The fake's answer is over (cut by the abort): nothing of it can arrive any more.
  await fake.requests.at(-1)!.ended;
  expect(snapshots).toEqual(['a ', 'a b ']);
});

describe('the fake Messages API, for later features', () => {
  test('accepts x-api-key (SDK 0.x) as well as Bearer, and refuses a missing key', async () => {
    const headers = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
    const body = JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const withKey = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { ...headers, 'x-api-key': fake.apiKey }, body });
    expect(withKey.status).toBe(200);
    expect(await withKey.json()).toMatchObject({ type: 'message', content: [{ type: 'text', text: expect.any(String) }] });
    const without = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body });
    expect(without.status).toBe(401);
    expect(await without.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
  });

  test('scripts tool_use turns, streamed and not, that the SDK assembles', async () => {
    const client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
    const tools = [{ name: 'archive', description: 'Archive a message', input_schema: { type: 'object' as const, properties: { email_id: { type: 'string' } } } }];
    fake.enqueue({ content: [{ type: 'text', text: 'Archiving it.' }, { type: 'tool_use', name: 'archive', input: { email_id: 'm3', reason: 'done with it' } }] });
    const streamed = await client.messages.stream({ model: 'm', max_tokens: 100, tools, messages: [{ role: 'user', content: 'archive m3' }] }).finalMessage();
    expect(streamed.stop_reason).toBe('tool_use');
    expect(streamed.content).toEqual([
      { type: 'text', text: 'Archiving it.' },
      expect.objectContaining({ type: 'tool_use', name: 'archive', input: { email_id: 'm3', reason: 'done with it' }, id: expect.stringMatching(/^toolu_/) }),
    ]);
    fake.enqueue({ content: [{ type: 'tool_use', id: 'toolu_1', name: 'archive', input: { email_id: 'm4' } }] });
    const plain = await client.messages.create({ model: 'm', max_tokens: 100, tools, messages: [{ role: 'user', content: 'archive m4' }] });
    expect(plain.content).toEqual([{ type: 'tool_use', id: 'toolu_1', name: 'archive', input: { email_id: 'm4' } }]);
    expect(fake.requests.at(-1)!.body.tools).toHaveLength(1);
  });

  test('a scripted delay holds the answer back', async () => {
    const client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0, timeout: 100 });
    fake.enqueue({ delayMs: 400, content: [{ type: 'text', text: 'late' }] });
    await expect(client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/timed out/i);
  });
});
