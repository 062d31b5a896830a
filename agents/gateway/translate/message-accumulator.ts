/**
 * An Anthropic Messages stream folded into the Message it describes, as the API would have answered it
 * without `stream`: for a non-streamed request served from a stream, and for the product's own callers
 * (the assistant, reply drafts), who also want the text so far as it grows.
 */
import type { SseEvent } from '../sse';

type Json = Record<string, any>;

export class MessageAccumulator {
  private message: Json | undefined;
  private readonly json = new Map<number, string>();
  private done = false;

  push(event: SseEvent): void {
    const data = event.data;
    switch (event.event) {
      case 'message_start':
        this.message = { ...data.message, content: [], usage: { ...data.message?.usage } };
        return;
      case 'content_block_start':
        this.message?.content.push({ ...data.content_block });
        return;
      case 'content_block_delta': {
        const block = this.message?.content[data.index];
        if (block) this.applyDelta(block, data.index, data.delta ?? {});
        return;
      }
      case 'content_block_stop': {
        const block = this.message?.content[data.index];
        const json = this.json.get(data.index);
        if (block && json !== undefined) {
          block.input = json === '' ? {} : JSON.parse(json);
          this.json.delete(data.index);
        }
        return;
      }
      case 'message_delta':
        if (!this.message) return;
        this.message.stop_reason = data.delta?.stop_reason ?? this.message.stop_reason;
        this.message.stop_sequence = data.delta?.stop_sequence ?? null;
        for (const [key, value] of Object.entries(data.usage ?? {})) if (value !== null && value !== undefined) this.message.usage[key] = value;
        return;
      case 'message_stop':
        this.done = true;
        return;
      default:
        return;
    }
  }

  /** The text blocks so far, joined. */
  text(): string {
    let text = '';
    for (const block of this.message?.content ?? []) if (block.type === 'text') text += block.text;
    return text;
  }

  /** The whole message, once `message_stop` has arrived. */
  final(): Json | undefined {
    return this.done ? this.message : undefined;
  }

  private applyDelta(block: Json, index: number, delta: Json): void {
    switch (delta.type) {
      case 'text_delta':
        block.text = (block.text ?? '') + delta.text;
        return;
      case 'input_json_delta':
        this.json.set(index, (this.json.get(index) ?? '') + delta.partial_json);
        return;
      case 'thinking_delta':
        block.thinking = (block.thinking ?? '') + delta.thinking;
        return;
      case 'signature_delta':
        block.signature = delta.signature;
        return;
      case 'citations_delta':
        block.citations = [...(block.citations ?? []), delta.citation];
        return;
      default:
        return;
    }
  }
}
