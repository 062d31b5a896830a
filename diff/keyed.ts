/**
 * Keyed list diff: turns the array of keys `prev` into `next` in place with RFC 6902 ops on the array at
 * `path`, using one op per inserted or removed item and the minimum number of `move` ops.
 *
 * The phases follow Vue 3's `patchKeyedChildren`:
 *
 *   1. Trim the common prefix: items that already sit at the same index from the start.
 *   2. Trim the common suffix: items that already sit at the same distance from the end.
 *   3. Index the middle of `next` by key (key → new index). A duplicate key in either middle means the
 *      list is not keyed: return false before emitting anything, and the caller diffs by index.
 *   4. Remove the middle items of `prev` whose key is gone, from the highest index down so that each
 *      index is still valid when its op is applied.
 *   5. For the kept middle items (in old order), take their new indices and find the longest increasing
 *      subsequence (LIS). Those items are already in the right relative order and never move; every
 *      other kept item moves exactly once. kept − LIS is the lower bound for any sequence of moves.
 *   6. Walk `next`'s middle from right to left. The item to the right of the current one is already
 *      final (it was just placed, or it is on the LIS, or it is the first suffix item), so it is the
 *      anchor: a new item is added right before it, an off-LIS item is moved right before it, an LIS
 *      item stays and becomes the next anchor. Unlike a DOM `insertBefore`, JSON Patch addresses by
 *      index, so the phase keeps the middle as an array (`current`) to know each item's live index.
 *
 * Cost: O(m log m) for the LIS over the m middle items, plus O(m) per emitted move or insert for the
 * index lookups, which is nothing for the usual handful of changes (a full shuffle of m items is O(m²)).
 */
import type { Operation } from 'fast-json-patch';
import { longestIncreasingSubsequence } from './lis';

export function diffKeyedList<K>(
  prev: readonly K[],
  next: readonly K[],
  path: string,
  ops: Operation[],
  valueAt: (nextIndex: number) => unknown,
): boolean {
  const prevLength = prev.length;
  const nextLength = next.length;

  // 1. Common prefix.
  let start = 0;
  const shorter = Math.min(prevLength, nextLength);
  while (start < shorter && prev[start] === next[start]) start++;

  // 2. Common suffix.
  let prevEnd = prevLength - 1;
  let nextEnd = nextLength - 1;
  while (prevEnd >= start && nextEnd >= start && prev[prevEnd] === next[nextEnd]) {
    prevEnd--;
    nextEnd--;
  }

  // 3. Index the middle of next; refuse duplicate keys in either middle.
  const nextIndex = new Map<K, number>();
  for (let j = start; j <= nextEnd; j++) nextIndex.set(next[j]!, j);
  if (nextIndex.size !== nextEnd - start + 1) return false;
  if (prevEnd - start >= 1) {
    const seen = new Set<K>();
    for (let i = start; i <= prevEnd; i++) seen.add(prev[i]!);
    if (seen.size !== prevEnd - start + 1) return false;
  }

  // 4. Removals, highest index first.
  for (let i = prevEnd; i >= start; i--) {
    if (!nextIndex.has(prev[i]!)) ops.push({ op: 'remove', path: `${path}/${i}` });
  }
  if (start > nextEnd) return true; // nothing to place: the middle of next is empty

  // 5. Kept items in old order, their new indices, and which of them stay (the LIS).
  const middleLength = nextEnd - start + 1;
  const current: K[] = [];
  const newIndices: number[] = [];
  const kept = new Uint8Array(middleLength); // by new index − start: 1 when the item exists in prev
  for (let i = start; i <= prevEnd; i++) {
    const j = nextIndex.get(prev[i]!);
    if (j === undefined) continue;
    current.push(prev[i]!);
    newIndices.push(j);
    kept[j - start] = 1;
  }
  const stays = new Uint8Array(middleLength); // by new index − start: 1 when the item is on the LIS
  for (const k of longestIncreasingSubsequence(newIndices)) stays[newIndices[k]! - start] = 1;

  // 6. Right to left, place each item right before its anchor.
  let anchor: K | undefined;
  let hasAnchor = false; // false: the anchor is the end of the middle (the first suffix item, if any)
  for (let j = nextEnd; j >= start; j--) {
    const key = next[j]!;
    const slot = j - start;
    if (stays[slot] === 1) {
      anchor = key;
      hasAnchor = true;
      continue;
    }
    const anchorIndex = hasAnchor ? current.indexOf(anchor as K) : current.length;
    if (kept[slot] === 0) {
      ops.push({ op: 'add', path: `${path}/${start + anchorIndex}`, value: valueAt(j) });
      current.splice(anchorIndex, 0, key);
    } else {
      const from = current.indexOf(key);
      // `move` removes first, then adds: an anchor to the right of `from` shifts left by one.
      const to = from < anchorIndex ? anchorIndex - 1 : anchorIndex;
      ops.push({ op: 'move', from: `${path}/${start + from}`, path: `${path}/${start + to}` });
      current.splice(from, 1);
      current.splice(to, 0, key);
    }
    anchor = key;
    hasAnchor = true;
  }
  return true;
}
