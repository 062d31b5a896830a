/**
 * An Anthropic Messages request rewritten as an OpenAI Responses request, for an Anthropic client
 * (Claude Code) routed to an OpenAI provider. What carries over: `system` (→ `instructions`), user and
 * assistant text, images (base64 and URL), `tool_use` / `tool_result` (→ function calls and their
 * outputs; an error result is marked `[tool error]`, Responses has no flag for it), custom tools (→
 * function tools), `tool_choice` and `disable_parallel_tool_use`, `max_tokens`, `temperature`, `top_p`.
 *
 * Dropped: `thinking` (the model answers without visible thinking; earlier thinking blocks carry
 * Anthropic signatures no one else can read), `metadata`, `service_tier`, `cache_control` marks.
 * Refused with a TranslationError naming the field: Anthropic's server tools (web search, code
 * execution, bash and text-editor tool types…), documents, `top_k`, `stop_sequences`, MCP servers and
 * containers. `store: false` is always sent: the gateway keeps conversations itself.
 */
import { TranslationError } from '../upstream-error';

type Json = Record<string, any>;

export function responsesRequestFromMessages(body: Json, model: string): Json {
  refuseUntranslatable(body);
  const input: Json[] = [];
  if (!Array.isArray(body.messages)) throw new TranslationError('messages must be a list.', 'messages');
  body.messages.forEach((message: Json, i: number) => {
    const at = `messages.${i}`;
    if (message?.role !== 'user' && message?.role !== 'assistant') throw new TranslationError('A message role must be user or assistant.', `${at}.role`);
    appendMessage(input, message.role, message.content, at);
  });
  const request: Json = { model, input, store: false };
  const instructions = systemText(body.system);
  if (instructions) request.instructions = instructions;
  if (Array.isArray(body.tools) && body.tools.length > 0) request.tools = body.tools.map(toolOf);
  if (body.tool_choice && request.tools) Object.assign(request, toolChoice(body.tool_choice));
  if (typeof body.max_tokens === 'number') request.max_output_tokens = body.max_tokens;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  return request;
}

function refuseUntranslatable(body: Json): void {
  if (body.top_k !== undefined) throw new TranslationError('top_k cannot be translated to the OpenAI Responses API.', 'top_k');
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) throw new TranslationError('stop_sequences cannot be translated to the OpenAI Responses API.', 'stop_sequences');
  if (body.mcp_servers !== undefined) throw new TranslationError('MCP servers run at Anthropic only.', 'mcp_servers');
  if (body.container !== undefined) throw new TranslationError('Containers run at Anthropic only.', 'container');
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system
    .map((block: Json, i) => {
      if (block?.type !== 'text') throw new TranslationError('The system prompt can only hold text blocks.', `system.${i}`);
      return String(block.text ?? '');
    })
    .join('\n\n');
}

/** One message's content as Responses input items, in order (text runs become one message item). */
function appendMessage(input: Json[], role: 'user' | 'assistant', content: unknown, at: string): void {
  if (typeof content === 'string') {
    if (content) input.push(messageItem(role, [{ type: 'text', text: content }]));
    return;
  }
  if (!Array.isArray(content)) throw new TranslationError('A message content must be a string or a list of blocks.', `${at}.content`);
  let run: Json[] = [];
  const flush = () => {
    if (run.length > 0) input.push(messageItem(role, run));
    run = [];
  };
  content.forEach((block: Json, j) => {
    const where = `${at}.content.${j}`;
    switch (block?.type) {
      case 'text':
        run.push(block);
        return;
      case 'image':
        if (role !== 'user') throw new TranslationError('Only user messages can hold images.', where);
        run.push(block);
        return;
      case 'tool_use':
        flush();
        input.push({ type: 'function_call', call_id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
        return;
      case 'tool_result':
        flush();
        input.push({ type: 'function_call_output', call_id: block.tool_use_id, output: toolResultOutput(block, where) });
        return;
      case 'thinking':
      case 'redacted_thinking':
        return; // signed by Anthropic for Anthropic: another vendor cannot take it back
      default:
        throw new TranslationError(`Content blocks of type "${String(block?.type)}" cannot be sent to an OpenAI provider.`, where);
    }
  });
  flush();
}

function messageItem(role: 'user' | 'assistant', blocks: Json[]): Json {
  if (role === 'assistant') return { type: 'message', role, content: blocks.map((b) => String(b.text ?? '')).join('') };
  return { type: 'message', role, content: blocks.map((b, i) => (b.type === 'text' ? { type: 'input_text', text: String(b.text ?? '') } : imagePart(b, i))) };
}

function imagePart(block: Json, i: number): Json {
  const source = block.source ?? {};
  if (source.type === 'base64') return { type: 'input_image', image_url: `data:${source.media_type};base64,${source.data}`, detail: 'auto' };
  if (source.type === 'url') return { type: 'input_image', image_url: source.url, detail: 'auto' };
  throw new TranslationError(`Images from a "${String(source.type)}" source cannot be sent to an OpenAI provider.`, `content.${i}.source`);
}

function toolResultOutput(block: Json, at: string): string | Json[] {
  const marker = block.is_error ? '[tool error] ' : '';
  const content = block.content;
  if (content === undefined || typeof content === 'string') return `${marker}${content ?? ''}`;
  if (!Array.isArray(content)) throw new TranslationError('A tool result content must be a string or a list of blocks.', `${at}.content`);
  if (content.every((b: Json) => b?.type === 'text')) return marker + content.map((b: Json) => String(b.text ?? '')).join('\n');
  const parts = content.map((b: Json, i: number) => {
    if (b?.type === 'text') return { type: 'input_text', text: String(b.text ?? '') };
    if (b?.type === 'image') return imagePart(b, i);
    throw new TranslationError(`Tool results holding "${String(b?.type)}" blocks cannot be sent to an OpenAI provider.`, `${at}.content.${i}`);
  });
  return marker ? [{ type: 'input_text', text: marker.trim() }, ...parts] : parts;
}

function toolOf(tool: Json, i: number): Json {
  if (tool?.type !== undefined && tool.type !== 'custom') {
    throw new TranslationError(`Anthropic's "${String(tool.type)}" tool runs at Anthropic only; an OpenAI provider takes custom tools (name, description, input_schema).`, `tools.${i}`);
  }
  return { type: 'function', name: tool.name, ...(typeof tool.description === 'string' ? { description: tool.description } : {}), parameters: tool.input_schema ?? { type: 'object', properties: {} }, strict: false };
}

function toolChoice(choice: Json): Json {
  const parallel = choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  switch (choice.type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'none':
      return { tool_choice: 'none' };
    case 'tool':
      return { tool_choice: { type: 'function', name: choice.name }, ...parallel };
    default:
      throw new TranslationError(`tool_choice "${String(choice.type)}" cannot be translated.`, 'tool_choice');
  }
}
