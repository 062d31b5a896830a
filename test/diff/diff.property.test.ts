/**
 * Property tests of the diff engine over random surfaces and random edit sequences (generators.ts).
 */
import fc from 'fast-check';
import { diff, longestIncreasingSubsequence, type DiffSurface } from '../../diff';
import { apply, checkedDiff, doc, node, surface, text } from './fixtures';
import { applyEdit, editArb, randomJson, randomStart, randomTree, rng, toSurface } from './generators';

// ---------- properties ----------
function checkStep(prev: DiffSurface, next: DiffSurface): void {
  checkedDiff(prev, next);
  expect(diff(next, next)).toEqual([]);
}

describe('diff properties', () => {
  test('applying diff(prev, next) to prev gives next, over random edit sequences', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(editArb, { maxLength: 25 }), (seed, edits) => {
        let state = randomStart(seed);
        let prev = toSurface(state);
        for (const e of edits) {
          state = applyEdit(state, e);
          const next = toSurface(state);
          checkStep(prev, next);
          prev = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  test('diff between two unrelated random surfaces applies too', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (s1, s2) => {
        const a = surface(node('root', 'Column', {}, [randomTree(rng(s1), 3)]), { d: randomJson(rng(s1), 3) } as Record<string, unknown>);
        const b = surface(node('root', 'Row', {}, [randomTree(rng(s2), 3)]), { d: randomJson(rng(s2), 3) } as Record<string, unknown>);
        checkStep(a, b);
      }),
      { numRuns: 200 },
    );
  });

  test('pure reorders of children take exactly kept − LIS moves and nothing else', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }))),
        ([n, order]) => {
          const rows = Array.from({ length: n }, (_, i) => text(`r${i}`, `${i}`));
          const prev = surface(node('root', 'List', {}, rows));
          const next = surface(node('root', 'List', {}, order.map((i) => rows[i]!)));
          const ops = diff(prev, next);
          expect(ops.every((o) => o.op === 'move')).toBe(true);
          expect(ops).toHaveLength(n - lisLength(order));
          expect(apply(prev, ops)).toEqual(doc(next));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('pure reorders of keyed data arrays take exactly kept − LIS moves', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }).chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })),
        (order) => {
          const items = order.map((_, i) => ({ id: `m${i}`, subject: `s${i}` }));
          const prev = surface(node('root', 'Column'), { items });
          const next = surface(node('root', 'Column'), { items: order.map((i) => items[i]!) });
          const ops = diff(prev, next);
          expect(ops.every((o) => o.op === 'move')).toBe(true);
          expect(ops).toHaveLength(order.length - lisLength(order));
          expect(apply(prev, ops)).toEqual(doc(next));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('the LIS is increasing and as long as the quadratic reference', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 80 }), (seq) => {
        const lis = [...longestIncreasingSubsequence(seq)];
        expect(lis).toHaveLength(lisLength(seq));
        for (let k = 1; k < lis.length; k++) {
          expect(lis[k]!).toBeGreaterThan(lis[k - 1]!);
          expect(seq[lis[k]!]!).toBeGreaterThan(seq[lis[k - 1]!]!);
        }
      }),
    );
  });
});

/** Reference O(n²) length of the longest strictly increasing subsequence. */
function lisLength(seq: readonly number[]): number {
  const best: number[] = [];
  let max = 0;
  for (let i = 0; i < seq.length; i++) {
    best[i] = 1;
    for (let j = 0; j < i; j++) if (seq[j]! < seq[i]! && best[j]! + 1 > best[i]!) best[i] = best[j]! + 1;
    max = Math.max(max, best[i]!);
  }
  return max;
}
