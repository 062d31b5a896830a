/**
 * Limits on free-form JSON from clients. A body's size is bounded by the body limit, but not its
 * shape: 10 KB of `[[[[…]]]]` nested 5,000 deep parses fine and then breaks whatever walks it
 * recursively later (JSON.stringify of a saved record, structuredClone, a diff) — for every user whose
 * data is saved with it. So every value a client sends is refused past MAX_DEPTH levels, and the
 * free-form values the server keeps (preferences, capabilities) are bounded in size too.
 */
import { z } from 'zod';

/** Nesting levels allowed in any value a client sends (bodies, socket payloads, action payloads). */
export const MAX_DEPTH = 32;

/** True when `value` nests no deeper than `max` levels (iterative: a hostile value cannot blow the stack). */
export function withinDepth(value: unknown, max = MAX_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(current)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return true;
}

/**
 * A small free-form object the server keeps (preferences, capabilities): at most `maxKeys` keys,
 * `maxDepth` levels and `maxBytes` of JSON.
 */
export function boundedRecord(limits: { maxKeys: number; maxDepth: number; maxBytes: number }) {
  return z
    .record(z.string().max(128), z.unknown())
    .refine((record) => Object.keys(record).length <= limits.maxKeys, `at most ${limits.maxKeys} keys`)
    .refine((record) => withinDepth(record, limits.maxDepth), `at most ${limits.maxDepth} levels deep`)
    .refine((record) => Buffer.byteLength(JSON.stringify(record)) <= limits.maxBytes, `at most ${limits.maxBytes} bytes of JSON`);
}
