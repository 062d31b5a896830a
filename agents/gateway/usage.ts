/**
 * Token counts of one answer, read from the provider's own stream in its own format and brought to one
 * shape: `input` is the uncached input, cache reads and writes apart (Anthropic reports them apart;
 * OpenAI counts cached tokens inside `input_tokens`, so they are taken out here).
 */
import type { WireApi } from './provider';
import type { SseEvent } from './sse';

export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export class UsageMeter {
  private usage: TokenUsage | undefined;

  constructor(private readonly kind: WireApi) {}

  observe(event: SseEvent): void {
    if (this.kind === 'anthropic') {
      if (event.event === 'message_start') this.add(event.data.message?.usage);
      else if (event.event === 'message_delta') this.add(event.data.usage);
    } else if (event.event === 'response.completed' || event.event === 'response.incomplete') {
      const usage = event.data.response?.usage;
      if (!usage) return;
      const cached = usage.input_tokens_details?.cached_tokens ?? 0;
      this.usage = { input: (usage.input_tokens ?? 0) - cached, output: usage.output_tokens ?? 0, cacheRead: cached, cacheWrite: 0 };
    }
  }

  result(): TokenUsage | undefined {
    return this.usage;
  }

  /** Anthropic's counters are totals so far: a later value replaces an earlier one. */
  private add(usage: Record<string, unknown> | undefined): void {
    if (!usage) return;
    const u = (this.usage ??= { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
    if (typeof usage.input_tokens === 'number') u.input = usage.input_tokens;
    if (typeof usage.output_tokens === 'number') u.output = usage.output_tokens;
    if (typeof usage.cache_read_input_tokens === 'number') u.cacheRead = usage.cache_read_input_tokens;
    if (typeof usage.cache_creation_input_tokens === 'number') u.cacheWrite = usage.cache_creation_input_tokens;
  }
}
