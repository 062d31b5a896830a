/**
 * The review screen's view on a large diff: a one-line change of a 5,000-line page ships as one op
 * (the line's text in the data model), and picking lines changes only their markers.
 */
import { diff } from '../../diff';
import { BENCH_KEY, bigDiff, reviewStateWith } from '../../bench/review-fixture';
import { oneLineChange, renderer } from '../../bench/review';

test('a one-line change of a 5,000-line diff is one replace of that line in the data model', () => {
  const ops = oneLineChange(5000, 1234);
  expect(ops).toHaveLength(1);
  expect(ops[0]).toMatchObject({ op: 'replace', path: expect.stringMatching(/^\/dataModel\/review\/lines\/\d+\/text$/), value: expect.stringMatching(/^changed 1234: /) });
});

test('picking two lines marks exactly the lines between them; the line list component is never re-sent', () => {
  const render = renderer();
  const state = reviewStateWith(bigDiff(300));
  const before = render(state);
  const after = render({ ...state, selections: { [BENCH_KEY]: { file: 'src/big.ts', from: 10, to: 12 } } });
  const ops = diff(before, after);
  const marks = ops.filter((op) => op.path.startsWith('/dataModel/review/lines/'));
  const items = (before.dataModel.review as { lines: Array<{ line: number }> }).lines;
  const expected = items.flatMap((item, i) => (item.line >= 10 && item.line <= 12 ? [`/dataModel/review/lines/${i}/mark`] : []));
  expect(expected.length).toBeGreaterThanOrEqual(3);
  expect(marks.map((op) => op.path)).toEqual(expected);
  expect(marks.every((op) => op.op === 'replace' && op.path.endsWith('/mark') && (op as { value: string }).value === '●')).toBe(true);
  expect(ops.some((op) => op.path.startsWith('/components/review-lines'))).toBe(false);
});
