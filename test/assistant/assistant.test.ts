/**
 * The assistant's core against local servers speaking the Anthropic Messages API (real SDK, SSE
 * streaming): provider failover on 429, 5xx, timeouts and mid-stream errors, cooldowns and recovery,
 * tool use with approvals (approve, deny, time out), and the bounded, persisted history.
 */
import path from 'node:path';
import { z } from 'zod';
import { ApprovalBroker, type ApprovalEvent } from '../../agents/assistant/approvals';
import { Assistant } from '../../agents/assistant/chat';
import type { AssistantTool } from '../../agents/module';
import { bound, ConversationStore, type HistoryFile } from '../../agents/assistant/history';
import { ProviderPool, type ProviderConfig } from '../../agents/ai/providers';
import { PluginError } from '../../agents/errors';
import { openStore } from '../../server/app/store';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { tempDir } from '../helpers/server';
import { waitFor } from '../helpers/wait';

jest.setTimeout(20_000);

const fakes: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fake(): Promise<FakeAnthropic> {
  const server = await FakeAnthropic.start();
  fakes.push(server);
  return server;
}

function providerOf(server: FakeAnthropic, name: string, model = `model-${name}`): ProviderConfig {
  return { name, apiKey: server.apiKey, baseURL: server.url, model };
}

function pool(providers: ProviderConfig[], options: { cooldownMs?: number; timeoutMs?: number; now?: () => number } = {}): ProviderPool {
  return new ProviderPool({ providers, cooldownMs: options.cooldownMs ?? 60_000, timeoutMs: options.timeoutMs ?? 5_000, now: options.now });
}

const ask = { messages: [{ role: 'user' as const, content: 'hello' }] };

describe('ProviderPool', () => {
  test('streams the text as it arrives and answers with the whole message', async () => {
    const a = await fake();
    a.enqueue({ content: [{ type: 'text', text: 'Hello there, friend.', chunks: ['Hello ', 'there, ', 'friend.'] }] });
    const snapshots: string[] = [];
    const message = await pool([providerOf(a, 'a')]).stream(ask, { onText: (s) => snapshots.push(s) });
    expect(snapshots).toEqual(['Hello ', 'Hello there, ', 'Hello there, friend.']);
    expect(message).toMatchObject({ provider: 'a', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Hello there, friend.' }] });
    expect(a.requests[0]!.body).toMatchObject({ model: 'model-a', stream: true, messages: ask.messages });
  });

  test.each([
    ['a 429', { status: 429, error: { type: 'rate_limit_error', message: 'slow down' } }, /429/],
    ['a 500', { status: 500, error: { type: 'api_error', message: 'boom' } }, /500/],
    ['a 529 overload', { status: 529, error: { type: 'overloaded_error', message: 'overloaded' } }, /529/],
    ['an error in the middle of the stream', { content: [{ type: 'text' as const, text: 'partial words here' }], failAfterDeltas: { count: 2, type: 'overloaded_error', message: 'overloaded' } }, /stream error/],
    ['a stream that stops moving', { content: [{ type: 'text' as const, text: 'partial words here' }], hangAfterDeltas: 1 }, /timeout/],
  ])('%s moves the same conversation to the next provider, which then answers', async (_name, failure, reason) => {
    const a = await fake();
    const b = await fake();
    a.enqueue(failure);
    b.enqueue({ content: [{ type: 'text', text: 'from b' }] });
    const switches: string[] = [];
    const snapshots: string[] = [];
    const p = pool([providerOf(a, 'a'), providerOf(b, 'b')], { timeoutMs: 500 });
    const message = await p.stream(ask, { onFailover: (failed, why, next) => switches.push(`${failed}->${next}: ${why}`), onText: (s) => snapshots.push(s) });
    expect(message.provider).toBe('b');
    expect(snapshots.at(-1)).toBe('from b'); // a partial text from a is replaced, not continued
    expect(switches).toEqual([expect.stringMatching(/^a->b: /)]);
    expect(switches[0]).toMatch(reason);
    expect(b.requests[0]!.body.messages).toEqual(a.requests[0]!.body.messages);
    const status = p.status();
    expect(status.active).toBe('b');
    expect(status.last_used).toBe('b');
    expect(status.providers[0]).toMatchObject({ name: 'a', failures: 1, cooling_down_until: expect.any(String), last_error: expect.stringMatching(reason) });
  });

  test('a cooled-down provider is skipped, then takes over again once its cooldown is over', async () => {
    const a = await fake();
    const b = await fake();
    let now = 1_000_000;
    const p = pool([providerOf(a, 'a'), providerOf(b, 'b')], { cooldownMs: 30_000, now: () => now });
    a.enqueue({ status: 503, error: { type: 'api_error', message: 'down' } });
    b.fallback = () => ({ content: [{ type: 'text', text: 'b' }] });
    a.fallback = () => ({ content: [{ type: 'text', text: 'a' }] });
    expect((await p.stream(ask)).provider).toBe('b');
    expect((await p.stream(ask)).provider).toBe('b'); // a is cooling down: not even asked
    expect(a.requests).toHaveLength(1);
    now += 30_001;
    expect(p.status().providers[0]!.cooling_down_until).toBeNull();
    expect((await p.stream(ask)).provider).toBe('a'); // recovered
    expect(a.requests).toHaveLength(2);
  });

  test('a bad request or a bad key is not failed over; every provider failing is one clear error', async () => {
    const a = await fake();
    const b = await fake();
    a.enqueue({ status: 400, error: { type: 'invalid_request_error', message: 'messages: bad' } });
    const p = pool([providerOf(a, 'a'), providerOf(b, 'b')]);
    await expect(p.stream(ask)).rejects.toThrow('Claude failed (400): messages: bad.');
    expect(b.requests).toHaveLength(0);

    const wrongKey = pool([{ ...providerOf(a, 'a'), apiKey: 'wrong' }, providerOf(b, 'b')]);
    await expect(wrongKey.stream(ask)).rejects.toThrow(/Claude refused the API key \(401\)/);
    expect(b.requests).toHaveLength(0);

    a.enqueue({ status: 500, error: { type: 'api_error', message: 'x' } });
    b.enqueue({ status: 429, error: { type: 'rate_limit_error', message: 'y' } });
    const error = await p.stream(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).code).toBe('UPSTREAM_ERROR');
    expect((error as PluginError).message).toBe('Every AI provider failed; the last (b): Claude is limiting requests (429). Try again in a minute.');
  });

  test('with no provider configured it says how to enable one', async () => {
    await expect(pool([]).stream(ask)).rejects.toThrow(/ANTHROPIC_API_KEY/);
    expect(pool([]).status()).toEqual({ configured: false, providers: [], active: null, last_used: null });
  });
});

describe('Assistant', () => {
  interface Setup {
    assistant: Assistant;
    approvals: ApprovalBroker;
    history: ConversationStore;
    ran: Array<{ tool: string; input: unknown }>;
    events: ApprovalEvent[];
  }

  async function setup(server: FakeAnthropic, options: { approvalTimeoutMs?: number; historyLimit?: number } = {}): Promise<Setup> {
    const store = await openStore<HistoryFile>(path.join(tempDir(), 'chat.json'), { users: {} });
    const history = new ConversationStore(store, options.historyLimit ?? 50);
    const approvals = new ApprovalBroker(options.approvalTimeoutMs ?? 5_000);
    const events: ApprovalEvent[] = [];
    approvals.subscribe((event) => events.push(event));
    const ran: Array<{ tool: string; input: unknown }> = [];
    const tools: AssistantTool[] = [
      {
        name: 'worktree_list',
        description: 'List worktrees.',
        input: z.object({}),
        needsApproval: false,
        run: async (_user, input) => {
          ran.push({ tool: 'worktree_list', input });
          return { worktrees: ['main', 'agent/bob/1'] };
        },
      },
      {
        name: 'worktree_remove',
        description: 'Remove a worktree.',
        input: z.object({ path: z.string() }),
        needsApproval: true,
        run: async (_user, input) => {
          ran.push({ tool: 'worktree_remove', input });
          return { removed: (input as { path: string }).path };
        },
      },
    ];
    const assistant = new Assistant({ pool: pool([providerOf(server, 'a')]), history, approvals, tools: () => tools });
    return { assistant, approvals, history, ran, events };
  }

  test('runs a tool Claude asks for, sends the result back, and keeps the conversation', async () => {
    const server = await fake();
    const { assistant, history, ran } = await setup(server);
    server.enqueue(
      { content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'toolu_1', name: 'worktree_list', input: {} }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'You have two worktrees.' }] },
    );
    const result = await assistant.chat('alice', 'default', 'what worktrees do I have?');
    expect(result).toMatchObject({ message: 'You have two worktrees.', namespace: 'default', provider: 'a' });
    expect(result.usage.total_tokens).toBe(result.usage.input_tokens + result.usage.output_tokens);
    expect(result.usage.total_tokens).toBeGreaterThan(0);
    expect(ran).toEqual([{ tool: 'worktree_list', input: {} }]);

    const second = server.requests[1]!.body;
    expect(second.tools).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'worktree_remove', description: expect.stringContaining('approve') })]));
    expect(second.messages!.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: JSON.stringify({ worktrees: ['main', 'agent/bob/1'] }) }],
    });
    const saved = history.get('alice', 'default');
    expect(saved).toHaveLength(4);
    expect(saved[0]).toEqual({ role: 'user', content: 'what worktrees do I have?' });
    expect(history.get('bob', 'default')).toEqual([]); // another user's history is their own

    // The next turn carries the history.
    server.enqueue({ content: [{ type: 'text', text: 'Sure.' }] });
    await assistant.chat('alice', 'default', 'thanks');
    expect(server.requests[2]!.body.messages).toHaveLength(5);
  });

  test.each([
    ['approve', true, 'approved'],
    ['deny', false, 'denied'],
  ])('a tool that needs approval waits for it: %s', async (_name, approved, outcome) => {
    const server = await fake();
    const { assistant, approvals, ran, events } = await setup(server);
    server.enqueue(
      { content: [{ type: 'tool_use', id: 'toolu_9', name: 'worktree_remove', input: { path: '/repo/.worktrees/x' } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'Done.' }] },
    );
    const turn = assistant.chat('alice', 'default', 'remove it');
    await waitFor(() => approvals.pendingFor('alice').length === 1, 'the approval request', 5_000);
    expect(ran).toEqual([]); // nothing runs before the answer
    const [request] = approvals.pendingFor('alice');
    expect(request).toMatchObject({ tool_name: 'worktree_remove', arguments: { path: '/repo/.worktrees/x' } });
    expect(approvals.respond('mallory', request!.call_id, true)).toBe(false); // not theirs to answer
    expect(approvals.respond('alice', request!.call_id, approved)).toBe(true);
    await turn;
    expect(ran).toEqual(approved ? [{ tool: 'worktree_remove', input: { path: '/repo/.worktrees/x' } }] : []);
    const toolResult = (server.requests[1]!.body.messages!.at(-1)!.content as Array<{ content: string; is_error?: boolean }>)[0]!;
    if (approved) expect(toolResult.content).toBe(JSON.stringify({ removed: '/repo/.worktrees/x' }));
    else expect(toolResult).toMatchObject({ is_error: true, content: 'Not run: the user denied it.' });
    expect(events.map((e) => e.type)).toEqual(['tool_approval_request', 'tool_approval_resolved']);
    expect(events[1]).toMatchObject({ outcome });
  });

  test('no answer within the time limit counts as a denial', async () => {
    const server = await fake();
    const { assistant, ran, events } = await setup(server, { approvalTimeoutMs: 150 });
    server.enqueue(
      { content: [{ type: 'tool_use', id: 'toolu_2', name: 'worktree_remove', input: { path: 'x' } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'Not removed.' }] },
    );
    expect((await assistant.chat('alice', 'default', 'remove x')).message).toBe('Not removed.');
    expect(ran).toEqual([]);
    expect(events[1]).toMatchObject({ type: 'tool_approval_resolved', outcome: 'timeout' });
    const toolResult = (server.requests[1]!.body.messages!.at(-1)!.content as Array<{ content: string }>)[0]!;
    expect(toolResult.content).toMatch(/no answer came in time/);
  });

  test('bad tool input and unknown tools go back to Claude as errors; a failed turn keeps the old history', async () => {
    const server = await fake();
    const { assistant, history, ran } = await setup(server);
    server.enqueue(
      {
        content: [
          { type: 'tool_use', id: 'toolu_a', name: 'worktree_remove', input: { path: 42 } },
          { type: 'tool_use', id: 'toolu_b', name: 'rm_rf', input: {} },
        ],
        stop_reason: 'tool_use',
      },
      { content: [{ type: 'text', text: 'Those failed.' }] },
    );
    await assistant.chat('alice', 'default', 'try things');
    const results = server.requests[1]!.body.messages!.at(-1)!.content as Array<{ tool_use_id: string; is_error: boolean; content: string }>;
    expect(results.map((r) => [r.tool_use_id, r.is_error])).toEqual([
      ['toolu_a', true],
      ['toolu_b', true],
    ]);
    expect(results[0]!.content).toMatch(/Invalid arguments: path/);
    expect(results[1]!.content).toMatch(/no tool named rm_rf/);
    expect(ran).toEqual([]);

    const before = history.get('alice', 'default');
    server.enqueue({ status: 400, error: { type: 'invalid_request_error', message: 'nope' } });
    await expect(assistant.chat('alice', 'default', 'again')).rejects.toThrow(/400/);
    expect(history.get('alice', 'default')).toEqual(before);
  });

  test('history is bounded at a point a conversation can restart from, and can be cleared', async () => {
    const server = await fake();
    const { history } = await setup(server, { historyLimit: 3 });
    const toolTurn = [
      { role: 'user' as const, content: 'one' },
      { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 't', name: 'x', input: {} }] },
      { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 't', content: 'r' }] },
      { role: 'assistant' as const, content: 'a1' },
      { role: 'user' as const, content: 'two' },
      { role: 'assistant' as const, content: 'a2' },
    ];
    expect(bound(toolTurn, 4)).toEqual(toolTurn.slice(4)); // never starts at the orphaned tool result
    await history.save('alice', 'ns', toolTurn);
    expect(history.get('alice', 'ns')).toEqual(toolTurn.slice(4));
    expect(await history.clear('alice', 'ns')).toBe(true);
    expect(await history.clear('alice', 'ns')).toBe(false);
    expect(() => history.get('alice', '__proto__')).toThrow(/namespace/);
    expect(() => history.get('alice', '../etc')).toThrow(/namespace/);
  });
});
