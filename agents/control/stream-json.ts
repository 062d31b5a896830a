/**
 * Claude Code's stream-json, both ways: stdout is split into lines (a partial line waits for its end)
 * and each line becomes zero or more normalised events; stdin gets user turns and the interrupt
 * control request. Shapes (field notes, "Agents"):
 *
 *   {"type":"system","subtype":"init","session_id":"…","model":"…","cwd":"…"}
 *   {"type":"assistant","message":{"content":[{"type":"text","text":"…"},{"type":"tool_use","id","name","input"}]}}
 *   {"type":"user","message":{"content":[{"type":"tool_result","tool_use_id","content","is_error"}]}}
 *   {"type":"result","subtype":"success","is_error":false,"result":"…","total_cost_usd":0.01,…}
 *
 * Anything that is not a JSON object is kept as an `output` line; known noise (control responses,
 * partial-message stream events) is dropped.
 */
import type { AgentEventBody } from './events';

/** A line longer than this is cut: one runaway line must not hold the whole stream in memory. */
const MAX_LINE_CHARS = 1024 * 1024;
const SUMMARY_CHARS = 200;
/**
 * A provider session id becomes an argument (`--resume <id>`) of a later spawn: only a plain token is
 * kept (Claude Code's are UUIDs), never one that starts with `-` and would read as an option.
 */
const PROVIDER_SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** Splits a text stream into lines, keeping the unfinished tail for the next chunk. */
export class LineSplitter {
  private tail = '';

  /** The complete lines in `chunk` (and the tail before it); `\r\n` and `\n` both end a line. */
  push(chunk: string): string[] {
    const text = this.tail + chunk;
    const parts = text.split('\n');
    this.tail = parts.pop()!;
    if (this.tail.length > MAX_LINE_CHARS) {
      parts.push(this.tail);
      this.tail = '';
    }
    return parts.map(clean);
  }

  /** What is left when the stream ends (a last line without a newline), or nothing. */
  flush(): string[] {
    const rest = this.tail;
    this.tail = '';
    return rest === '' ? [] : [clean(rest)];
  }
}

function clean(line: string): string {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  return trimmed.length > MAX_LINE_CHARS ? trimmed.slice(0, MAX_LINE_CHARS) : trimmed;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function truncate(text: string, max = SUMMARY_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A tool call in one line: its name and the argument that says most (`Bash: ls -la`). */
export function summariseToolInput(input: unknown): string {
  if (!isObject(input)) return '';
  for (const key of ['command', 'file_path', 'path', 'pattern', 'url', 'query', 'description', 'prompt']) {
    const value = str(input[key]);
    if (value) return truncate(value.replace(/\s+/g, ' ').trim());
  }
  const json = JSON.stringify(input);
  return json === '{}' ? '' : truncate(json);
}

/** A tool result's content (a string, or text blocks) in one line. */
function summariseToolResult(content: unknown): string {
  let text = '';
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) text = content.map((block) => (isObject(block) ? (str(block.text) ?? '') : '')).join(' ');
  const firstLine = text.trim().split('\n')[0] ?? '';
  return truncate(firstLine);
}

function contentBlocks(event: Json): Json[] {
  const message = isObject(event.message) ? event.message : undefined;
  const content = message?.content;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

/** One stdout line of a stream-json agent as normalised events. */
export function parseStreamJsonLine(line: string): AgentEventBody[] {
  if (line.trim() === '') return [];
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return [{ type: 'output', text: line }];
  }
  if (!isObject(event)) return [{ type: 'output', text: line }];
  switch (event.type) {
    case 'system': {
      const body: AgentEventBody = { type: 'system', subtype: str(event.subtype) ?? 'unknown' };
      const id = str(event.session_id);
      if (id && PROVIDER_SESSION_ID.test(id)) body.provider_session_id = id;
      const model = str(event.model);
      if (model) body.model = model;
      const cwd = str(event.cwd);
      if (cwd) body.cwd = cwd;
      return [body];
    }
    case 'assistant': {
      const out: AgentEventBody[] = [];
      for (const block of contentBlocks(event)) {
        if (block.type === 'text' && str(block.text)) out.push({ type: 'text', text: block.text as string });
        else if (block.type === 'tool_use') {
          out.push({ type: 'tool_use', tool: str(block.name) ?? 'tool', tool_use_id: str(block.id) ?? '', summary: summariseToolInput(block.input) });
        }
      }
      return out;
    }
    case 'user': {
      // Tool results come back as user messages; the user's own turns are echoed by us as `input`.
      const out: AgentEventBody[] = [];
      for (const block of contentBlocks(event)) {
        if (block.type === 'tool_result') {
          out.push({ type: 'tool_result', tool_use_id: str(block.tool_use_id) ?? '', is_error: block.is_error === true, summary: summariseToolResult(block.content) });
        }
      }
      return out;
    }
    case 'result': {
      const body: AgentEventBody = { type: 'result', subtype: str(event.subtype) ?? 'unknown', is_error: event.is_error === true };
      const text = str(event.result);
      if (text !== undefined) body.text = text;
      const cost = num(event.total_cost_usd);
      if (cost !== undefined) body.cost_usd = cost;
      const duration = num(event.duration_ms);
      if (duration !== undefined) body.duration_ms = duration;
      const turns = num(event.num_turns);
      if (turns !== undefined) body.num_turns = turns;
      return [body];
    }
    case 'control_request':
      return permissionRequestOf(event);
    case 'control_response':
    case 'stream_event':
      return [];
    default:
      return [{ type: 'output', text: truncate(line, 2000) }];
  }
}

/** A request id we write back: a plain token, bounded. */
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * `{"type":"control_request","request_id":…,"request":{"subtype":"can_use_tool","tool_name":…,"input":{…}}}`
 * as a `permission_request` (the input itself is kept by the supervisor, see permissions.ts); any
 * other control request is not ours to answer and is dropped.
 */
function permissionRequestOf(event: Json): AgentEventBody[] {
  const request = isObject(event.request) ? event.request : undefined;
  const requestId = str(event.request_id);
  const tool = str(request?.tool_name);
  if (request?.subtype !== 'can_use_tool' || !requestId || !REQUEST_ID.test(requestId) || !tool) return [];
  return [{ type: 'permission_request', request_id: requestId, tool: truncate(tool, 100), summary: summariseToolInput(request.input) }];
}

/** The tool input of a `can_use_tool` line (what an allow sends back as `updatedInput`). */
export function permissionInputOf(line: string): Record<string, unknown> {
  try {
    const event: unknown = JSON.parse(line);
    if (isObject(event) && isObject(event.request) && isObject(event.request.input)) return event.request.input;
  } catch {
    // not JSON: no input
  }
  return {};
}

/** The answer to a `can_use_tool` request on stdin. */
export function permissionResponse(requestId: string, answer: { behavior: 'allow'; updatedInput: Record<string, unknown> } | { behavior: 'deny'; message: string }): string {
  return `${JSON.stringify({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response: answer } })}\n`;
}

/** A user turn on stdin. */
export function userTurn(text: string): string {
  return `${JSON.stringify({ type: 'user', message: { role: 'user', content: text } })}\n`;
}

/** Stops the current turn without ending the process (Claude Code's control request). */
export function interruptRequest(requestId: string): string {
  return `${JSON.stringify({ type: 'control_request', request_id: requestId, request: { subtype: 'interrupt' } })}\n`;
}
