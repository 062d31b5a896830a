/**
 * Puts a container's child elements in the wanted order with the fewest DOM operations: elements that
 * already sit in the right relative order (the longest increasing subsequence of their wanted
 * positions) stay where they are; every other wanted element is inserted or moved exactly once, and
 * the element node itself is moved (`insertBefore`), never re-created. The same idea as Vue 3's
 * `patchKeyedChildren` and the server's diff/keyed.ts, on DOM nodes instead of ops. The LIS is this
 * file's own rather than diff/lis.ts because the client imports no code of the server's, only the
 * wire protocol's types (docs/architecture.md, "Layout").
 */

/** Indices (into `values`) of one longest strictly increasing subsequence. O(n log n). */
export function longestIncreasingSubsequence(values: readonly number[]): number[] {
  const tails: number[] = []; // tails[k]: index of the smallest tail of an increasing run of length k+1
  const previous = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (values[tails[mid]!]! < value) low = mid + 1;
      else high = mid;
    }
    previous[i] = low > 0 ? tails[low - 1]! : -1;
    tails[low] = i;
  }
  const out = new Array<number>(tails.length);
  for (let k = tails.length - 1, i = tails[k] ?? -1; k >= 0; k--, i = previous[i]!) out[k] = i;
  return out;
}

export function placeChildren(container: Element, wanted: readonly Element[]): void {
  // 1. Nothing to do (the common case: a re-render that changed no structure).
  if (container.childNodes.length === wanted.length) {
    let index = 0;
    let child = container.firstChild;
    while (child && child === wanted[index]) {
      child = child.nextSibling;
      index++;
    }
    if (child === null) return;
  }

  // 2. Remove what no longer belongs here: dropped children and anything else.
  const position = new Map<Node, number>();
  for (let i = 0; i < wanted.length; i++) position.set(wanted[i]!, i);
  for (let child = container.firstChild; child; ) {
    const next = child.nextSibling;
    if (!position.has(child)) container.removeChild(child);
    child = next;
  }

  // 3. The wanted elements already here, by wanted position in current order: the LIS stays put.
  const present: number[] = [];
  for (let child = container.firstChild; child; child = child.nextSibling) present.push(position.get(child)!);
  const stays = new Set<number>();
  for (const k of longestIncreasingSubsequence(present)) stays.add(present[k]!);

  // 4. Right to left, each element's right neighbour is already final: insert or move before it.
  let anchor: Node | null = null;
  for (let i = wanted.length - 1; i >= 0; i--) {
    const el = wanted[i]!;
    if (!stays.has(i)) container.insertBefore(el, anchor);
    anchor = el;
  }
}
