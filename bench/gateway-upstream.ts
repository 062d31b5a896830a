/**
 * The local upstream of the gateway benchmark, in its own process: the tests' fake Anthropic Messages
 * and OpenAI Responses servers (the real wire formats, SSE included), answering every request with as
 * many text deltas as its token limit asks (`max_tokens`, `max_output_tokens`), one short word each.
 * Prints `listening <anthropic port> <openai port>`.
 */
import { FakeAnthropic } from '../test/helpers/fake-anthropic';
import { FakeOpenAI } from '../test/helpers/fake-openai';

export const BENCH_KEYS = { anthropic: 'sk-ant-bench-0123456789', openai: 'sk-openai-bench-0123456789' };

function chunks(count: unknown): string[] {
  return Array.from({ length: typeof count === 'number' && count > 0 ? count : 1 }, () => 'tok ');
}

async function main(): Promise<void> {
  const anthropic = await FakeAnthropic.start(BENCH_KEYS.anthropic);
  const openai = await FakeOpenAI.start(BENCH_KEYS.openai);
  anthropic.fallback = (request) => {
    anthropic.requests.length = 0; // a benchmark sends thousands: keep none
    const parts = chunks(request.body.max_tokens);
    return { content: [{ type: 'text', text: parts.join(''), chunks: parts }], usage: { input_tokens: 50, output_tokens: parts.length } };
  };
  openai.fallback = (request) => {
    openai.requests.length = 0;
    const parts = chunks(request.body.max_output_tokens);
    return { output: [{ type: 'text', text: parts.join(''), chunks: parts }], usage: { input_tokens: 50, output_tokens: parts.length } };
  };
  console.log(`listening ${new URL(anthropic.url).port} ${new URL(openai.url).port}`);
  process.once('SIGTERM', () => void Promise.all([anthropic.close(), openai.close()]).then(() => process.exit(0)));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
