/**
 * The conversation as the panel shows it: the user's words, the assistant's text, and each tool call
 * on one line. Entry ids come from the content (and how often the same content came before), not
 * from positions, so the rows keep their ids when the bounded history drops its oldest messages.
 *
 * An entry's id depends only on the entries before it, so appending never changes an earlier id, and
 * entries whose id is unchanged are kept as the identical objects: the panel's row memos then skip
 * every row but the new ones.
 */
import { createHash } from 'node:crypto';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { textOf } from '../ai/providers';
import { reuseUnchanged } from '../reuse';

export interface Entry {
  id: string;
  role: 'user' | 'assistant' | 'tool' | 'error';
  text: string;
}

type Item = Omit<Entry, 'id'>;

const TOOL_INPUT_CHARS = 160;

function digestOf(item: Item): string {
  return createHash('sha256').update(`${item.role}\u0000${item.text}`).digest('hex').slice(0, 16);
}

/** Stable ids for a list of (role, text) pairs. */
function withIds(items: readonly Item[]): Entry[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const digest = digestOf(item);
    const count = seen.get(digest) ?? 0;
    seen.set(digest, count + 1);
    return { ...item, id: `${digest}-${count}` };
  });
}

/** `entries` and one more at the end, the others untouched (the same ids `withIds` would give). */
export function appendEntry(entries: readonly Entry[], role: Entry['role'], text: string): Entry[] {
  const digest = digestOf({ role, text });
  const count = entries.filter((entry) => entry.id.startsWith(`${digest}-`)).length;
  return [...entries, { id: `${digest}-${count}`, role, text }];
}

export function toolLine(name: string, input: unknown): string {
  const args = JSON.stringify(input ?? {});
  return `${name} ${args.length > TOOL_INPUT_CHARS ? `${args.slice(0, TOOL_INPUT_CHARS)}…` : args}`;
}

/**
 * What the panel shows of a stored conversation (tool results are left out: the reply tells), reusing
 * the entries of `previous` (what the panel shows now) that did not change.
 */
export function entriesOf(messages: readonly MessageParam[], previous: readonly Entry[] = []): readonly Entry[] {
  const items: Item[] = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    if (typeof message.content === 'string') {
      items.push({ role, text: message.content });
      continue;
    }
    const text = textOf(message.content);
    if (text) items.push({ role, text });
    for (const block of message.content) if (block.type === 'tool_use') items.push({ role: 'tool', text: toolLine(block.name, block.input) });
  }
  return reuseUnchanged(previous, withIds(items), (entry) => entry.id);
}
