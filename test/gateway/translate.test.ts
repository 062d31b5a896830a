/**
 * Translation between the two wire formats: requests both ways (what carries over, what is dropped,
 * what is refused with the field named), and streams both ways, folded back into whole answers.
 */
import { responsesRequestFromMessages } from '../../agents/gateway/translate/from-messages-request';
import { DEFAULT_MAX_TOKENS, messagesRequestFromResponses } from '../../agents/gateway/translate/from-responses-request';
import { MessageAccumulator } from '../../agents/gateway/translate/message-accumulator';
import { MessagesFromResponses } from '../../agents/gateway/translate/to-messages-events';
import { ResponsesFromMessages } from '../../agents/gateway/translate/to-responses-events';
import { SseDecoder, type SseEvent } from '../../agents/gateway/sse';
import { TranslationError } from '../../agents/gateway/upstream-error';

const ev = (event: string, data: Record<string, unknown>): SseEvent => ({ event, data: { type: event, ...data } });

describe('a Responses request for an Anthropic provider', () => {
  test('carries instructions, turns, images, function calls and their outputs, tools and limits', () => {
    const request = messagesRequestFromResponses(
      {
        model: 'gpt-5',
        instructions: 'Be brief.',
        input: [
          { role: 'developer', content: 'Answer in English.' },
          { role: 'user', content: [{ type: 'input_text', text: 'What is here?' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look.' }] },
          { type: 'function_call', call_id: 'call_1', name: 'ls', arguments: '{"path":"."}' },
          { type: 'reasoning', summary: [] },
          { type: 'function_call_output', call_id: 'call_1', output: '3 files' },
          { role: 'user', content: 'Thanks' },
        ],
        tools: [{ type: 'function', name: 'ls', description: 'List files', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: true }],
        tool_choice: 'required',
        parallel_tool_calls: false,
        max_output_tokens: 300,
        temperature: 0.2,
        reasoning: { effort: 'high' },
        store: true,
      },
      'claude-x',
    );
    expect(request).toEqual({
      model: 'claude-x',
      max_tokens: 300,
      system: 'Be brief.\n\nAnswer in English.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is here?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'call_1', name: 'ls', input: { path: '.' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '3 files' }, { type: 'text', text: 'Thanks' }] },
      ],
      tools: [{ name: 'ls', description: 'List files', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      temperature: 0.2,
    });
  });

  test('a string input is one user turn; the token limit defaults', () => {
    expect(messagesRequestFromResponses({ model: 'm', input: 'hi' }, 'c')).toEqual({ model: 'c', max_tokens: DEFAULT_MAX_TOKENS, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
  });

  test.each([
    ['a web search tool', { tools: [{ type: 'web_search' }] }, 'tools.0', /only function tools/],
    ['structured output', { text: { format: { type: 'json_schema', schema: {} } } }, 'text.format', /structured output/],
    ['a file', { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input.0.content.0', /input_file/],
    ['an image by file id', { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'f' }] }] }, 'input.0.content.0', /file_id/],
    ['arguments that are not JSON', { input: [{ type: 'function_call', call_id: 'c', name: 'n', arguments: '{oops' }] }, 'input.0.arguments', /JSON object/],
    ['an item only OpenAI knows', { input: [{ type: 'item_reference', id: 'x' }] }, 'input.0.type', /item_reference/],
  ])('%s is refused, naming the field', (_name, fields, param, message) => {
    const error = (() => {
      try {
        messagesRequestFromResponses({ model: 'm', input: 'hi', ...fields }, 'c');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TranslationError);
    expect((error as TranslationError).param).toBe(param);
    expect((error as TranslationError).message).toMatch(message);
  });
});

describe('a Messages request for an OpenAI provider', () => {
  test('carries the system prompt, turns, images, tool uses and results, tools and limits', () => {
    const request = responsesRequestFromMessages(
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 1000,
        system: [{ type: 'text', text: 'You are Claude Code.' }, { type: 'text', text: 'Be careful.', cache_control: { type: 'ephemeral' } }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'Running it.' }, { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'boom' }], is_error: true }, { type: 'text', text: 'Fix it' }] },
        ],
        tools: [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
        tool_choice: { type: 'auto', disable_parallel_tool_use: true },
        thinking: { type: 'enabled', budget_tokens: 2000 },
        metadata: { user_id: 'u' },
      },
      'gpt-5',
    );
    expect(request).toEqual({
      model: 'gpt-5',
      store: false,
      instructions: 'You are Claude Code.\n\nBe careful.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Look' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] },
        { type: 'message', role: 'assistant', content: 'Running it.' },
        { type: 'function_call', call_id: 'toolu_1', name: 'Bash', arguments: '{"command":"ls"}' },
        { type: 'function_call_output', call_id: 'toolu_1', output: '[tool error] boom' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix it' }] },
      ],
      tools: [{ type: 'function', name: 'Bash', description: 'Run a command', parameters: { type: 'object', properties: { command: { type: 'string' } } }, strict: false }],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      max_output_tokens: 1000,
    });
  });

  test.each([
    ['top_k', { top_k: 5 }, 'top_k'],
    ['stop sequences', { stop_sequences: ['END'] }, 'stop_sequences'],
    ["Anthropic's web search", { tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools.0'],
    ['a document', { messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] }, 'messages.0.content.0'],
  ])('%s is refused, naming the field', (_name, fields, param) => {
    expect(() => responsesRequestFromMessages({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], ...fields }, 'g')).toThrow(
      expect.objectContaining({ name: 'TranslationError', param }),
    );
  });
});

/** An Anthropic stream with a text block and a tool use, as the API sends it. */
function anthropicStream(): SseEvent[] {
  return [
    ev('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, usage: { input_tokens: 20, cache_read_input_tokens: 5, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
    ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'secret' } }),
    ev('content_block_stop', { index: 0 }),
    ev('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
    ev('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Hello ' } }),
    ev('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'there.' } }),
    ev('content_block_stop', { index: 1 }),
    ev('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'ls', input: {} } }),
    ev('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '{"path":' } }),
    ev('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '"."}' } }),
    ev('content_block_stop', { index: 2 }),
    ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } }),
    ev('message_stop', {}),
  ];
}

describe('streams', () => {
  test('an Anthropic stream read as a Responses stream: items, deltas, usage and the completed response', () => {
    const translator = new ResponsesFromMessages('resp_gw', { instructions: 'x', tools: [] });
    const out = anthropicStream().flatMap((event) => translator.push(event));
    expect(out.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(out.map((e) => e.data.sequence_number)).toEqual(out.map((_e, i) => i));
    const completed = out.at(-1)!.data.response;
    expect(completed).toMatchObject({
      id: 'resp_gw',
      status: 'completed',
      model: 'claude-x',
      instructions: 'x',
      output: [
        { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello there.' }] },
        { type: 'function_call', call_id: 'toolu_1', name: 'ls', arguments: '{"path":"."}', status: 'completed' },
      ],
      usage: { input_tokens: 25, input_tokens_details: { cached_tokens: 5 }, output_tokens: 9, total_tokens: 34 },
    });
    expect(translator.final()).toBe(completed);
  });

  test('a cut by the token limit is an incomplete response', () => {
    const translator = new ResponsesFromMessages('resp_gw', {});
    const events = anthropicStream().slice(0, 9);
    events.push(ev('message_delta', { delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 3 } }), ev('message_stop', {}));
    const last = events.flatMap((event) => translator.push(event)).at(-1)!;
    expect(last.event).toBe('response.incomplete');
    expect(last.data.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  test('and back: the Responses stream read as an Anthropic stream folds into the same message', () => {
    const toResponses = new ResponsesFromMessages('resp_gw', {});
    const toMessages = new MessagesFromResponses();
    const accumulator = new MessageAccumulator();
    for (const event of anthropicStream().flatMap((e) => toResponses.push(e)).flatMap((e) => toMessages.push(e))) accumulator.push(event);
    expect(accumulator.final()).toMatchObject({
      role: 'assistant',
      model: 'claude-x',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'Hello there.' },
        { type: 'tool_use', id: 'toolu_1', name: 'ls', input: { path: '.' } },
      ],
      usage: { input_tokens: 20, cache_read_input_tokens: 5, output_tokens: 9 },
    });
    expect(accumulator.text()).toBe('Hello there.');
  });

  test('the SSE decoder takes events split anywhere, CRLF lines, comments and a last event without its blank line; data is parsed when read', () => {
    const decoder = new SseDecoder();
    const text = ': comment\r\nevent: a\r\ndata: {"x":1}\r\n\r\nevent: b\ndata: {"y":\ndata: 2}\n\ndata: [DONE]\n\ndata: {"type":"c"}';
    const events: SseEvent[] = [];
    for (let i = 0; i < text.length; i += 3) events.push(...decoder.push(Buffer.from(text.slice(i, i + 3))));
    events.push(...decoder.end());
    expect(events.map((e) => ({ event: e.event, data: e.data }))).toEqual([
      { event: 'a', data: { x: 1 } },
      { event: 'b', data: { y: 2 } },
      { event: 'c', data: { type: 'c' } },
    ]);
    const relayed = new SseDecoder().push('event: d\ndata: {"n": 1}\n\n')[0]!;
    expect(relayed.raw).toBe('{"n": 1}'); // relayed untouched: the JSON text as it came
    relayed.data.n = 2;
    expect(relayed.raw).toBeUndefined(); // read (and maybe changed): serialised again
    expect(() => new SseDecoder().push('event: e\ndata: {oops\n\n')[0]!.data).toThrow(/not JSON/);
  });
});
