/**
 * An OpenAI Responses request rewritten as an Anthropic Messages request, for a Responses client
 * routed to an Anthropic provider. What carries over: `instructions` and system/developer messages
 * (→ `system`), user and assistant text, images (data URLs and http(s) URLs), function calls and their
 * outputs (→ `tool_use` / `tool_result`), function tools, `tool_choice`, `parallel_tool_calls: false`,
 * `max_output_tokens`, `temperature`, `top_p`.
 *
 * Dropped, because they change nothing the answer needs: `reasoning` (the model answers without
 * extended thinking), reasoning items of earlier turns (opaque to another vendor), `store`, `include`,
 * `metadata`, `user`, `truncation`, `service_tier` and the prompt-cache hints. Refused with a
 * TranslationError naming the field: tools other than functions (web search, file search, computer
 * use, custom grammar tools…), files, structured output (`text.format` other than text), stored
 * prompts, conversations, background mode, and input items that only make sense at OpenAI.
 */
import { TranslationError } from '../upstream-error';

type Json = Record<string, any>;

/** Anthropic needs a token limit; this one when the Responses request sets none. */
export const DEFAULT_MAX_TOKENS = 8192;

/** A Responses `input` as a list of items (a string is one user message). */
export function inputItems(input: unknown): Json[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  if (Array.isArray(input)) return input as Json[];
  throw new TranslationError('input must be a string or a list of items.', 'input');
}

interface Draft {
  role: 'user' | 'assistant';
  content: Json[];
}

export function messagesRequestFromResponses(body: Json, model: string): Json {
  const system: string[] = [];
  if (typeof body.instructions === 'string' && body.instructions) system.push(body.instructions);
  const messages: Draft[] = [];
  const add = (role: Draft['role'], blocks: Json[]) => {
    if (blocks.length === 0) return;
    const last = messages.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };

  inputItems(body.input).forEach((item, i) => {
    const at = `input.${i}`;
    if (!item || typeof item !== 'object') throw new TranslationError('Each input item must be an object.', at);
    const type = item.type ?? 'message';
    switch (type) {
      case 'message': {
        if (item.role === 'system' || item.role === 'developer') {
          system.push(textOnly(item.content, at));
        } else if (item.role === 'user' || item.role === 'assistant') {
          add(item.role, contentBlocks(item.content, at));
        } else {
          throw new TranslationError(`Unknown message role "${String(item.role)}".`, `${at}.role`);
        }
        return;
      }
      case 'function_call':
        add('assistant', [{ type: 'tool_use', id: item.call_id, name: item.name, input: parseArguments(item.arguments, `${at}.arguments`) }]);
        return;
      case 'function_call_output':
        add('user', [{ type: 'tool_result', tool_use_id: item.call_id, content: toolOutput(item.output, `${at}.output`) }]);
        return;
      case 'reasoning':
        return; // another vendor's thinking: nothing Anthropic can read
      default:
        throw new TranslationError(`Input items of type "${String(type)}" cannot be sent to an Anthropic provider.`, `${at}.type`);
    }
  });

  refuseUntranslatable(body);
  const request: Json = {
    model,
    max_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length > 0) request.system = system.join('\n\n');
  if (Array.isArray(body.tools) && body.tools.length > 0) request.tools = body.tools.map(toolOf);
  const choice = toolChoice(body.tool_choice, body.parallel_tool_calls === false);
  if (choice && request.tools) request.tool_choice = choice;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  return request;
}

function refuseUntranslatable(body: Json): void {
  const format = body.text?.format?.type;
  if (format !== undefined && format !== 'text') throw new TranslationError(`text.format "${String(format)}" (structured output) cannot be translated to the Anthropic Messages API.`, 'text.format');
  if (body.prompt !== undefined && body.prompt !== null) throw new TranslationError('Stored prompts cannot be used with an Anthropic provider.', 'prompt');
  if (body.conversation !== undefined && body.conversation !== null) throw new TranslationError('Conversations are kept at OpenAI; use previous_response_id with the gateway instead.', 'conversation');
  if (body.background === true) throw new TranslationError('Background responses cannot be run on an Anthropic provider.', 'background');
}

function toolOf(tool: Json, i: number): Json {
  if (tool?.type !== 'function') {
    throw new TranslationError(`Tools of type "${String(tool?.type)}" cannot be translated to the Anthropic Messages API; only function tools can.`, `tools.${i}`);
  }
  return {
    name: tool.name,
    ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
    input_schema: tool.parameters ?? { type: 'object', properties: {} },
  };
}

function toolChoice(choice: unknown, noParallel: boolean): Json | undefined {
  const parallel = noParallel ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null || choice === 'auto') return noParallel ? { type: 'auto', ...parallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...parallel };
  if (typeof choice === 'object' && (choice as Json).type === 'function') return { type: 'tool', name: (choice as Json).name, ...parallel };
  throw new TranslationError('tool_choice can only be auto, none, required or a function when the provider is Anthropic.', 'tool_choice');
}

/** A message's content as Anthropic blocks (text and images). */
function contentBlocks(content: unknown, at: string): Json[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) throw new TranslationError('A message content must be a string or a list of parts.', `${at}.content`);
  return content.map((part: Json, j) => {
    const where = `${at}.content.${j}`;
    switch (part?.type) {
      case 'input_text':
      case 'output_text':
        return { type: 'text', text: String(part.text ?? '') };
      case 'refusal':
        return { type: 'text', text: String(part.refusal ?? '') };
      case 'input_image':
        return imageBlock(part, where);
      default:
        throw new TranslationError(`Content parts of type "${String(part?.type)}" cannot be sent to an Anthropic provider.`, where);
    }
  });
}

function textOnly(content: unknown, at: string): string {
  return contentBlocks(content, at)
    .map((block) => {
      if (block.type !== 'text') throw new TranslationError('System and developer messages can only hold text.', `${at}.content`);
      return block.text as string;
    })
    .join('\n');
}

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.*)$/is;

function imageBlock(part: Json, at: string): Json {
  const url = part.image_url;
  if (typeof url !== 'string') throw new TranslationError('Images by file_id cannot be sent to an Anthropic provider; use a data URL or an http(s) URL.', at);
  const data = DATA_URL.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1]!.toLowerCase(), data: data[2] } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new TranslationError('An image must be a base64 data URL or an http(s) URL.', at);
}

function parseArguments(raw: unknown, at: string): Json {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'string') throw new TranslationError('Function call arguments must be a JSON string.', at);
  try {
    const parsed = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new TranslationError('Function call arguments must be a JSON object.', at);
}

function toolOutput(output: unknown, at: string): string | Json[] {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return contentBlocks(output, at);
  throw new TranslationError('A function call output must be a string or a list of parts.', at);
}
