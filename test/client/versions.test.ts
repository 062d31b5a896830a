import { screenSize } from '../../client-demo/src/client-context';
import { longestIncreasingSubsequence } from '../../client-demo/src/place-children';
import { frameDisposition } from '../../client-demo/src/versions';

describe('frameDisposition', () => {
  test('a snapshot applies at any version, even with none', () => {
    expect(frameDisposition(null, { from: null, to: 5 })).toBe('snapshot');
    expect(frameDisposition(9, { from: null, to: 5 })).toBe('snapshot');
  });

  test('a frame starting at the current version applies (side-effect-only frames too)', () => {
    expect(frameDisposition(4, { from: 4, to: 5 })).toBe('apply');
    expect(frameDisposition(4, { from: 4, to: 4 })).toBe('apply');
  });

  test('the second copy of an applied change is a duplicate, not a gap', () => {
    // The action answer 4→5 was applied; the same frame pushed to this tab arrives afterwards.
    expect(frameDisposition(5, { from: 4, to: 5 })).toBe('duplicate');
    expect(frameDisposition(7, { from: 2, to: 3 })).toBe('duplicate');
  });

  test('a frame that starts past the current version is a gap; so is any diff with no document', () => {
    expect(frameDisposition(4, { from: 5, to: 6 })).toBe('gap');
    expect(frameDisposition(null, { from: 0, to: 1 })).toBe('gap');
  });
});

describe('screenSize', () => {
  test('breakpoints at 640 and 1024 px (those of styles.css)', () => {
    expect(screenSize(375)).toBe('mobile');
    expect(screenSize(639)).toBe('mobile');
    expect(screenSize(640)).toBe('tablet');
    expect(screenSize(1023)).toBe('tablet');
    expect(screenSize(1024)).toBe('desktop');
  });
});

describe('longestIncreasingSubsequence', () => {
  test('finds a longest increasing run (indices into the input)', () => {
    const values = [3, 0, 1, 4, 2, 5];
    const lis = longestIncreasingSubsequence(values);
    expect(lis.map((i) => values[i])).toEqual([0, 1, 2, 5]);
    expect(longestIncreasingSubsequence([])).toEqual([]);
    expect(longestIncreasingSubsequence([2, 1, 0]).length).toBe(1);
  });

  test('moving the first of four to the end keeps three in place (one DOM move)', () => {
    // current order by wanted position: A(3) B(0) C(1) D(2)
    expect(longestIncreasingSubsequence([3, 0, 1, 2]).length).toBe(3);
  });
});
