import { callFunction } from '../../client-demo/src/functions';
import { createRenderContext } from '../../client-demo/src/render-context';

const model = { email: 'jane@example.com', empty: '', list: [], items: ['a'], n: '42', flags: [true, false] };
const ctx = createRenderContext(model, '', null);
const call = (name: string, args: Record<string, unknown>) => callFunction(name, args, ctx.value);

describe('catalog functions', () => {
  test('required: not null/undefined/empty string/empty list', () => {
    expect(call('required', { value: 'x' })).toBe(true);
    expect(call('required', { value: 0 })).toBe(true);
    expect(call('required', { value: false })).toBe(true);
    expect(call('required', { value: { path: '/empty' } })).toBe(false);
    expect(call('required', { value: { path: '/list' } })).toBe(false);
    expect(call('required', { value: { path: '/missing' } })).toBe(false);
    expect(call('required', { value: { path: '/items' } })).toBe(true);
  });

  test('regex: matches the pattern; a broken pattern never matches', () => {
    expect(call('regex', { value: 'abc123', pattern: '^[a-z]+\\d+$' })).toBe(true);
    expect(call('regex', { value: 'abc', pattern: '^\\d+$' })).toBe(false);
    expect(call('regex', { value: 'abc', pattern: '(' })).toBe(false);
  });

  test('length: min and max bounds, on strings and lists', () => {
    expect(call('length', { value: 'abcd', min: 2, max: 4 })).toBe(true);
    expect(call('length', { value: 'a', min: 2 })).toBe(false);
    expect(call('length', { value: 'abcde', max: 4 })).toBe(false);
    expect(call('length', { value: { path: '/items' }, min: 1 })).toBe(true);
    expect(call('length', { value: { path: '/list' }, min: 1 })).toBe(false);
  });

  test('email', () => {
    expect(call('email', { value: { path: '/email' } })).toBe(true);
    expect(call('email', { value: 'not an email' })).toBe(false);
    expect(call('email', { value: 'a@b' })).toBe(false);
  });

  test('numeric: parses, checks bounds; unparsable is invalid', () => {
    expect(call('numeric', { value: { path: '/n' }, min: 0, max: 100 })).toBe(true);
    expect(call('numeric', { value: 142, max: 100 })).toBe(false);
    expect(call('numeric', { value: -1, min: 0 })).toBe(false);
    expect(call('numeric', { value: 'abc', min: 0 })).toBe(false);
    expect(call('numeric', { value: '', min: 0 })).toBe(false);
  });

  test('and / or / not, nested, with bound values', () => {
    const required = (path: string) => ({ call: 'required', args: { value: { path } } });
    expect(call('and', { values: [true, required('/email')] })).toBe(true);
    expect(call('and', { values: [true, required('/empty')] })).toBe(false);
    expect(call('or', { values: [required('/empty'), required('/email')] })).toBe(true);
    expect(call('or', { values: [false, required('/missing')] })).toBe(false);
    expect(call('not', { value: required('/empty') })).toBe(true);
    expect(call('not', { value: true })).toBe(false);
    expect(call('and', { values: { path: '/flags' } })).toBe(false);
    expect(call('or', { values: { path: '/flags' } })).toBe(true);
  });

  test('and stops at the first false value (short-circuit)', () => {
    const seen: unknown[] = [];
    const resolve = (value: unknown) => {
      seen.push(value);
      return value;
    };
    expect(callFunction('and', { values: [false, 'never-read'] }, resolve)).toBe(false);
    expect(seen).toEqual([false]);
  });

  test('formatString interpolates data paths and keeps escaped markers', () => {
    expect(call('formatString', { value: 'Mail for ${/email}' })).toBe('Mail for jane@example.com');
    expect(call('formatString', { value: 'literal \\${/email}' })).toBe('literal ${/email}');
  });

  test('unknown functions are undefined (and openUrl is not a value)', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    expect(call('nope', {})).toBeUndefined();
    expect(call('openUrl', { url: 'https://example.com' })).toBeUndefined();
    expect(call('toString', {})).toBeUndefined();
    warn.mockRestore();
  });
});
