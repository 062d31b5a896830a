/**
 * An Anthropic Messages stream, event by event, as an OpenAI Responses stream: `message_start` →
 * `response.created` + `response.in_progress`; a text block → a message item (`output_item.added`,
 * `content_part.added`, `output_text.delta`…, `output_text.done`, `content_part.done`,
 * `output_item.done`); a `tool_use` block → a function call item (`function_call_arguments.delta`…,
 * `.done`); `message_stop` → `response.completed`, or `response.incomplete` when the token limit cut
 * the answer. Thinking blocks are left out (Responses clients cannot send them back to Anthropic).
 * Usage: Anthropic counts cached input apart, Responses counts it inside `input_tokens`.
 *
 * `final()` is the whole Response, as `response.completed` carries it (non-streamed answers and the
 * gateway's conversation store use it).
 */
import type { SseEvent } from '../sse';
import { newId } from './ids';

type Json = Record<string, any>;

interface Block {
  kind: 'text' | 'function_call' | 'skipped';
  item: Json;
  outputIndex: number;
}

export class ResponsesFromMessages {
  private seq = 0;
  private readonly blocks = new Map<number, Block>();
  private readonly output: Json[] = [];
  private model = '';
  private readonly createdAt = Math.floor(Date.now() / 1000);
  private stopReason: string | null = null;
  private usage = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
  private response: Json | undefined;

  constructor(
    private readonly responseId: string,
    /** The request's echo fields (instructions, tools, temperature…), as Responses answers carry them. */
    private readonly echo: Json,
  ) {}

  push(event: SseEvent): SseEvent[] {
    const data = event.data;
    switch (event.event) {
      case 'message_start': {
        this.model = data.message?.model ?? '';
        this.countUsage(data.message?.usage);
        const response = this.snapshot('in_progress');
        return [this.emit('response.created', { response }), this.emit('response.in_progress', { response })];
      }
      case 'content_block_start':
        return this.start(data.index, data.content_block ?? {});
      case 'content_block_delta':
        return this.delta(data.index, data.delta ?? {});
      case 'content_block_stop':
        return this.stop(data.index);
      case 'message_delta':
        this.stopReason = data.delta?.stop_reason ?? this.stopReason;
        this.countUsage(data.usage);
        return [];
      case 'message_stop': {
        const incomplete = this.stopReason === 'max_tokens';
        this.response = this.snapshot(incomplete ? 'incomplete' : 'completed');
        return [this.emit(incomplete ? 'response.incomplete' : 'response.completed', { response: this.response })];
      }
      default:
        return []; // ping, and anything newer this translation does not know
    }
  }

  final(): Json | undefined {
    return this.response;
  }

  private start(index: number, block: Json): SseEvent[] {
    const outputIndex = this.output.length;
    if (block.type === 'text') {
      const item = { id: newId('msg'), type: 'message', status: 'in_progress', role: 'assistant', content: [] as Json[] };
      this.blocks.set(index, { kind: 'text', item, outputIndex });
      this.output.push(item);
      const part = { type: 'output_text', text: '', annotations: [] };
      return [
        this.emit('response.output_item.added', { output_index: outputIndex, item: { ...item, content: [] } }),
        this.emit('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part }),
      ];
    }
    if (block.type === 'tool_use') {
      const item = { id: newId('fc'), type: 'function_call', status: 'in_progress', call_id: block.id, name: block.name, arguments: '' };
      this.blocks.set(index, { kind: 'function_call', item, outputIndex });
      this.output.push(item);
      return [this.emit('response.output_item.added', { output_index: outputIndex, item: { ...item } })];
    }
    this.blocks.set(index, { kind: 'skipped', item: {}, outputIndex: -1 });
    return [];
  }

  private delta(index: number, delta: Json): SseEvent[] {
    const block = this.blocks.get(index);
    if (!block) return [];
    if (block.kind === 'text' && delta.type === 'text_delta') {
      block.item.text = (block.item.text ?? '') + delta.text;
      return [this.emit('response.output_text.delta', { item_id: block.item.id, output_index: block.outputIndex, content_index: 0, delta: delta.text, logprobs: [] })];
    }
    if (block.kind === 'function_call' && delta.type === 'input_json_delta') {
      block.item.arguments += delta.partial_json;
      return [this.emit('response.function_call_arguments.delta', { item_id: block.item.id, output_index: block.outputIndex, delta: delta.partial_json })];
    }
    return [];
  }

  private stop(index: number): SseEvent[] {
    const block = this.blocks.get(index);
    if (!block || block.kind === 'skipped') return [];
    const { item, outputIndex } = block;
    item.status = 'completed';
    if (block.kind === 'text') {
      const part = { type: 'output_text', text: item.text ?? '', annotations: [] };
      delete item.text;
      item.content = [part];
      return [
        this.emit('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text: part.text, logprobs: [] }),
        this.emit('response.content_part.done', { item_id: item.id, output_index: outputIndex, content_index: 0, part }),
        this.emit('response.output_item.done', { output_index: outputIndex, item }),
      ];
    }
    if (item.arguments === '') item.arguments = '{}';
    return [
      this.emit('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: item.arguments }),
      this.emit('response.output_item.done', { output_index: outputIndex, item }),
    ];
  }

  private countUsage(usage: Json | undefined): void {
    if (!usage) return;
    if (typeof usage.input_tokens === 'number') this.usage.input = usage.input_tokens;
    if (typeof usage.cache_read_input_tokens === 'number') this.usage.cacheRead = usage.cache_read_input_tokens;
    if (typeof usage.cache_creation_input_tokens === 'number') this.usage.cacheWrite = usage.cache_creation_input_tokens;
    if (typeof usage.output_tokens === 'number') this.usage.output = usage.output_tokens;
  }

  private snapshot(status: 'in_progress' | 'completed' | 'incomplete'): Json {
    const u = this.usage;
    const input = u.input + u.cacheRead + u.cacheWrite;
    return {
      id: this.responseId,
      object: 'response',
      created_at: this.createdAt,
      status,
      error: null,
      incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
      instructions: this.echo.instructions ?? null,
      max_output_tokens: this.echo.max_output_tokens ?? null,
      model: this.model,
      output: status === 'in_progress' ? [] : this.output,
      parallel_tool_calls: this.echo.parallel_tool_calls ?? true,
      previous_response_id: this.echo.previous_response_id ?? null,
      temperature: this.echo.temperature ?? null,
      tool_choice: this.echo.tool_choice ?? 'auto',
      tools: this.echo.tools ?? [],
      top_p: this.echo.top_p ?? null,
      metadata: this.echo.metadata ?? {},
      usage:
        status === 'in_progress'
          ? null
          : { input_tokens: input, input_tokens_details: { cached_tokens: u.cacheRead }, output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + u.output },
    };
  }

  private emit(type: string, fields: Json): SseEvent {
    return { event: type, data: { type, sequence_number: this.seq++, ...fields } };
  }
}
