/**
 * The conversation as the panel shows it: the user's words, the assistant's text, and each tool call
 * on one line. Entry ids come from the content (and how often the same content came before), not
 * from positions, so the rows keep their ids when the bounded history drops its oldest messages.
 */
import { createHash } from 'node:crypto';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';

export interface Entry {
  id: string;
  role: 'user' | 'assistant' | 'tool' | 'error';
  text: string;
}

const TOOL_INPUT_CHARS = 160;

/** Stable ids for a list of (role, text) pairs. */
export function withIds(items: ReadonlyArray<Omit<Entry, 'id'>>): Entry[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const digest = createHash('sha256').update(`${item.role}\u0000${item.text}`).digest('hex').slice(0, 16);
    const count = seen.get(digest) ?? 0;
    seen.set(digest, count + 1);
    return { ...item, id: `${digest}-${count}` };
  });
}

export function toolLine(name: string, input: unknown): string {
  const args = JSON.stringify(input ?? {});
  return `${name} ${args.length > TOOL_INPUT_CHARS ? `${args.slice(0, TOOL_INPUT_CHARS)}…` : args}`;
}

/** What the panel shows of a stored conversation (tool results are left out: the reply tells). */
export function entriesOf(messages: readonly MessageParam[]): Entry[] {
  const items: Array<Omit<Entry, 'id'>> = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    if (typeof message.content === 'string') {
      items.push({ role, text: message.content });
      continue;
    }
    const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    if (text) items.push({ role, text });
    for (const block of message.content) if (block.type === 'tool_use') items.push({ role: 'tool', text: toolLine(block.name, block.input) });
  }
  return withIds(items);
}
