/**
 * Longest increasing subsequence, O(n log n) (patience sorting with predecessor links).
 *
 * Returns the indices into `seq` of one longest strictly increasing subsequence, ascending. The keyed
 * list diff feeds it the new positions of the kept items in their old order: the items on the LIS keep
 * their relative order and stay put, every other kept item needs exactly one move, and no order can be
 * reached with fewer moves (kept − LIS is the lower bound).
 */
export function longestIncreasingSubsequence(seq: ArrayLike<number>): Int32Array {
  const n = seq.length;
  const predecessor = new Int32Array(n);
  // tails[k] = index in seq of the smallest tail value of any increasing subsequence of length k + 1.
  const tails = new Int32Array(n);
  let length = 0;
  for (let i = 0; i < n; i++) {
    const value = seq[i]!;
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]! < value) lo = mid + 1;
      else hi = mid;
    }
    predecessor[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
    if (lo === length) length++;
  }
  const result = new Int32Array(length);
  let k = length > 0 ? tails[length - 1]! : -1;
  for (let r = length - 1; r >= 0; r--) {
    result[r] = k;
    k = predecessor[k]!;
  }
  return result;
}
