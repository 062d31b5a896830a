import { LineSplitter, interruptRequest, parseStreamJsonLine, permissionInputOf, permissionResponse, summariseToolInput, userTurn } from '../../agents/control/stream-json';

describe('LineSplitter', () => {
  test('a partial line waits for its end; CRLF and LF both end a line', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('{"type":"sys')).toEqual([]);
    expect(splitter.push('tem"}\r\nsecond')).toEqual(['{"type":"system"}']);
    expect(splitter.push(' half\nthird\n')).toEqual(['second half', 'third']);
    expect(splitter.flush()).toEqual([]);
  });

  test('the last line without a newline comes out when the stream ends', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a\nb')).toEqual(['a']);
    expect(splitter.flush()).toEqual(['b']);
    expect(splitter.flush()).toEqual([]);
  });

  test('a runaway line is cut instead of growing without bound', () => {
    const splitter = new LineSplitter();
    const lines = splitter.push('x'.repeat(1024 * 1024 + 10));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBe(1024 * 1024);
  });
});

describe('parseStreamJsonLine (Claude Code stream-json)', () => {
  test('system init carries the provider session id, model and cwd', () => {
    expect(parseStreamJsonLine('{"type":"system","subtype":"init","session_id":"abc-1","model":"claude-x","cwd":"/w","tools":[]}')).toEqual([
      { type: 'system', subtype: 'init', provider_session_id: 'abc-1', model: 'claude-x', cwd: '/w' },
    ]);
  });

  test('a session id that could read as an option of the resume command is not kept', () => {
    for (const id of ['--dangerously-skip-permissions', '-p', 'a b', 'x'.repeat(200), '']) {
      expect(parseStreamJsonLine(JSON.stringify({ type: 'system', subtype: 'init', session_id: id }))).toEqual([{ type: 'system', subtype: 'init' }]);
    }
  });

  test('an assistant message becomes text and compact tool uses, in order', () => {
    const line = JSON.stringify({
      type: 'assistant',
      message: {
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls   -la\n  src', description: 'list' } },
          { type: 'thinking', thinking: 'hidden' },
        ],
      },
    });
    expect(parseStreamJsonLine(line)).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', tool: 'Bash', tool_use_id: 'toolu_1', summary: 'ls -la src' },
    ]);
  });

  test('tool results come back in user messages; the first line of their content is the summary', () => {
    const line = JSON.stringify({
      type: 'user',
      message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'total 4\nfile' }], is_error: true }] },
    });
    expect(parseStreamJsonLine(line)).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, summary: 'total 4' }]);
  });

  test('result carries the text, cost, duration and turns', () => {
    const line = '{"type":"result","subtype":"success","is_error":false,"duration_ms":1200,"num_turns":2,"result":"Done.","session_id":"abc-1","total_cost_usd":0.0123}';
    expect(parseStreamJsonLine(line)).toEqual([{ type: 'result', subtype: 'success', is_error: false, text: 'Done.', cost_usd: 0.0123, duration_ms: 1200, num_turns: 2 }]);
  });

  test('a line that is not JSON, or JSON that is not an object, is kept as output; control responses are dropped', () => {
    expect(parseStreamJsonLine('Error: something on stdout')).toEqual([{ type: 'output', text: 'Error: something on stdout' }]);
    expect(parseStreamJsonLine('[1,2]')).toEqual([{ type: 'output', text: '[1,2]' }]);
    expect(parseStreamJsonLine('   ')).toEqual([]);
    expect(parseStreamJsonLine('{"type":"control_response","response":{"subtype":"success"}}')).toEqual([]);
  });

  test('hostile shapes do not throw and do not leak prototypes', () => {
    for (const line of ['{"type":"assistant","message":null}', '{"type":"assistant","message":{"content":"plain"}}', '{"__proto__":{"x":1},"type":"result"}', '{"type":"user","message":{"content":[null,1,"x"]}}']) {
      expect(() => parseStreamJsonLine(line)).not.toThrow();
    }
    expect(parseStreamJsonLine('{"type":"assistant","message":{"content":"plain"}}')).toEqual([{ type: 'text', text: 'plain' }]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test('a tool input is summarised by its most telling argument, bounded', () => {
    expect(summariseToolInput({ file_path: '/a/b.ts', limit: 3 })).toBe('/a/b.ts');
    expect(summariseToolInput({ other: 1 })).toBe('{"other":1}');
    expect(summariseToolInput({ command: 'x'.repeat(500) }).length).toBe(200);
  });
});

describe('stdin messages', () => {
  test('a user turn and the interrupt control request are one JSON line each', () => {
    expect(JSON.parse(userTurn('hi\nthere'))).toEqual({ type: 'user', message: { role: 'user', content: 'hi\nthere' } });
    expect(userTurn('a\nb').trimEnd()).not.toContain('\n');
    expect(JSON.parse(interruptRequest('r1'))).toEqual({ type: 'control_request', request_id: 'r1', request: { subtype: 'interrupt' } });
  });
});

describe('permission requests (can_use_tool control requests)', () => {
  const request = (extra: object = {}) =>
    JSON.stringify({ type: 'control_request', request_id: 'req-1', request: { subtype: 'can_use_tool', tool_name: 'Bash', input: { command: 'rm -f /tmp/x', description: 'Remove' }, tool_use_id: 'toolu_1', permission_suggestions: [], ...extra } });

  test('become permission_request events with the tool and a one-line summary; the input is read back for the answer', () => {
    expect(parseStreamJsonLine(request())).toEqual([{ type: 'permission_request', request_id: 'req-1', tool: 'Bash', summary: 'rm -f /tmp/x' }]);
    expect(permissionInputOf(request())).toEqual({ command: 'rm -f /tmp/x', description: 'Remove' });
  });

  test('other control requests, and request ids that are not plain tokens, are not ours to answer', () => {
    expect(parseStreamJsonLine(JSON.stringify({ type: 'control_request', request_id: 'r', request: { subtype: 'hook_callback' } }))).toEqual([]);
    expect(parseStreamJsonLine(JSON.stringify({ type: 'control_request', request_id: 'bad id\n', request: { subtype: 'can_use_tool', tool_name: 'Bash', input: {} } }))).toEqual([]);
    expect(parseStreamJsonLine(JSON.stringify({ type: 'control_request', request_id: 'r', request: { subtype: 'can_use_tool', input: {} } }))).toEqual([]);
  });

  test('the answers are control responses of subtype success: allow with updatedInput, deny with a message', () => {
    expect(JSON.parse(permissionResponse('req-1', { behavior: 'allow', updatedInput: { command: 'ls' } }))).toEqual({
      type: 'control_response',
      response: { subtype: 'success', request_id: 'req-1', response: { behavior: 'allow', updatedInput: { command: 'ls' } } },
    });
    const deny = permissionResponse('req-2', { behavior: 'deny', message: 'No.' });
    expect(deny.endsWith('\n')).toBe(true);
    expect(JSON.parse(deny)).toEqual({ type: 'control_response', response: { subtype: 'success', request_id: 'req-2', response: { behavior: 'deny', message: 'No.' } } });
  });
});
