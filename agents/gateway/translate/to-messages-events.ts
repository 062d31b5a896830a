/**
 * An OpenAI Responses stream, event by event, as an Anthropic Messages stream: `response.created` →
 * `message_start`; an output text part → a text block (`content_block_start`, `text_delta`…,
 * `content_block_stop`); a function call item → a `tool_use` block (`input_json_delta`…);
 * `response.completed` / `response.incomplete` → `message_delta` (stop reason and usage) +
 * `message_stop`. Reasoning items are left out. Responses reports usage only at the end, so
 * `message_start` carries zeros and `message_delta` the real counts (cached input apart, as Anthropic
 * counts it); the SDK's accumulator takes both.
 */
import type { SseEvent } from '../sse';
import { newId } from './ids';

type Json = Record<string, any>;

export class MessagesFromResponses {
  private nextIndex = 0;
  /** Open blocks by `<output_index>` (function calls) or `<output_index>:<content_index>` (text parts). */
  private readonly open = new Map<string, { index: number; sentArguments: boolean }>();
  private sawToolUse = false;
  private readonly messageId = newId('msg');

  push(event: SseEvent): SseEvent[] {
    const data = event.data;
    switch (event.event) {
      case 'response.created':
        return [
          {
            event: 'message_start',
            data: {
              type: 'message_start',
              message: { id: this.messageId, type: 'message', role: 'assistant', model: data.response?.model ?? '', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
            },
          },
        ];
      case 'response.content_part.added': {
        if (data.part?.type !== 'output_text' && data.part?.type !== 'refusal') return [];
        const index = this.openBlock(`${data.output_index}:${data.content_index}`);
        return [{ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } }];
      }
      case 'response.output_text.delta':
      case 'response.refusal.delta': {
        const block = this.open.get(`${data.output_index}:${data.content_index}`);
        if (!block) return [];
        return [{ event: 'content_block_delta', data: { type: 'content_block_delta', index: block.index, delta: { type: 'text_delta', text: data.delta } } }];
      }
      case 'response.content_part.done':
        return this.closeBlock(`${data.output_index}:${data.content_index}`);
      case 'response.output_item.added': {
        if (data.item?.type !== 'function_call') return [];
        this.sawToolUse = true;
        const index = this.openBlock(String(data.output_index));
        return [{ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: data.item.call_id, name: data.item.name, input: {} } } }];
      }
      case 'response.function_call_arguments.delta': {
        const block = this.open.get(String(data.output_index));
        if (!block || !data.delta) return [];
        block.sentArguments = true;
        return [{ event: 'content_block_delta', data: { type: 'content_block_delta', index: block.index, delta: { type: 'input_json_delta', partial_json: data.delta } } }];
      }
      case 'response.output_item.done': {
        if (data.item?.type !== 'function_call') return [];
        const key = String(data.output_index);
        const block = this.open.get(key);
        // A provider that sends the arguments whole, without deltas: one delta with all of them.
        const whole: SseEvent[] =
          block && !block.sentArguments && data.item.arguments
            ? [{ event: 'content_block_delta', data: { type: 'content_block_delta', index: block.index, delta: { type: 'input_json_delta', partial_json: data.item.arguments } } }]
            : [];
        return [...whole, ...this.closeBlock(key)];
      }
      case 'response.completed':
      case 'response.incomplete':
        return this.finish(data.response ?? {});
      default:
        return [];
    }
  }

  private openBlock(key: string): number {
    const index = this.nextIndex++;
    this.open.set(key, { index, sentArguments: false });
    return index;
  }

  private closeBlock(key: string): SseEvent[] {
    const block = this.open.get(key);
    if (!block) return [];
    this.open.delete(key);
    return [{ event: 'content_block_stop', data: { type: 'content_block_stop', index: block.index } }];
  }

  private finish(response: Json): SseEvent[] {
    const closing = [...this.open.keys()].flatMap((key) => this.closeBlock(key));
    const incomplete = response.status === 'incomplete' && response.incomplete_details?.reason === 'max_output_tokens';
    const stopReason = incomplete ? 'max_tokens' : this.sawToolUse ? 'tool_use' : 'end_turn';
    const usage = response.usage ?? {};
    const cached = usage.input_tokens_details?.cached_tokens ?? 0;
    return [
      ...closing,
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason: stopReason, stop_sequence: null },
          usage: { input_tokens: (usage.input_tokens ?? 0) - cached, cache_read_input_tokens: cached, output_tokens: usage.output_tokens ?? 0 },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ];
  }
}
