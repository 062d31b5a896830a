import {
  escapeToken,
  formatPointer,
  isArrayIndexToken,
  joinPointer,
  lastToken,
  parentPointer,
  parsePointer,
  unescapeToken,
} from '../../client-demo/src/pointer';

describe('JSON Pointer', () => {
  test('parses tokens and unescapes ~1 and ~0', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual(['']);
    expect(parsePointer('/components/root/children/0')).toEqual(['components', 'root', 'children', '0']);
    expect(parsePointer('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
  });

  test('unescapes ~01 as the literal ~1 (RFC 6901 order), not as /', () => {
    expect(unescapeToken('~01')).toBe('~1');
    expect(parsePointer('/x~01y')).toEqual(['x~1y']);
  });

  test('rejects a pointer without a leading slash', () => {
    expect(() => parsePointer('components/root')).toThrow(SyntaxError);
  });

  test('escape and format round-trip through parse', () => {
    const tokens = ['dataModel', 'mail/inbox', 'a~b', ''];
    expect(formatPointer(tokens)).toBe('/dataModel/mail~1inbox/a~0b/');
    expect(parsePointer(formatPointer(tokens))).toEqual(tokens);
    expect(escapeToken('~/')).toBe('~0~1');
  });

  test('join, parent and last token', () => {
    expect(joinPointer('/items', 3)).toBe('/items/3');
    expect(joinPointer('', 'a/b')).toBe('/a~1b');
    expect(parentPointer('/a/b/c')).toBe('/a/b');
    expect(parentPointer('/a')).toBe('');
    expect(parentPointer('')).toBe('');
    expect(lastToken('/a/b~1c')).toBe('b/c');
  });

  test('array index tokens: digits without leading zeros, or -', () => {
    for (const token of ['0', '7', '12', '-']) expect(isArrayIndexToken(token)).toBe(true);
    for (const token of ['01', '-1', 'a', '', '1.5']) expect(isArrayIndexToken(token)).toBe(false);
  });
});
