/**
 * The raw material of the attack: strings, keys and values a hostile or broken client sends. Each
 * arbitrary mixes the classics (path traversal, `%` escapes, control characters, unicode edge cases,
 * `__proto__`/`constructor` keys, very long text) with whatever fast-check makes up, and the ids of
 * the victim's resources (`victimIds`), so that requests aim at another user's data too.
 */
import fc from 'fast-check';

/** Strings that have broken servers before. */
export const CLASSIC_STRINGS: readonly string[] = [
  '',
  ' ',
  '..',
  '../',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '\u0000',
  'a\u0000b',
  '\r\nX-Injected: 1',
  '\u202e\u0635evil',
  '\ud800',
  '\udfff\ud800',
  '💥',
  'Ω≈ç√∫',
  '\ufeff',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__defineGetter__',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-1',
  '1e309',
  '9007199254740993',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  "'; DROP TABLE users; --",
  '${process.exit()}',
  '{{constructor.constructor("return process")()}}',
  '$(reboot)',
  '`reboot`',
  '--upload-pack=touch /tmp/pwned',
  '-rf',
  'main',
  'HEAD',
  'refs/heads/main',
  '.git',
  '.worktrees',
  '~',
  '*',
  '?',
  '#',
  '/',
  '//',
  '\\',
  'con',
  'a'.repeat(257),
  'x'.repeat(5000),
];

/** Keys that reach prototypes or shadow methods when a server copies objects carelessly. */
export const HOSTILE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', ' ', 'a.b', 'a/b', '$where', '0', '-1', 'length'];

/** Numbers at the edges of what JSON and JavaScript agree on. */
export const EDGE_NUMBERS: readonly number[] = [0, -0, 1, -1, 0.5, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, 1e-300, 123456789.123456];

/** The victim's resource ids (their session id, worktree path, view id…), aimed at by the attacker. */
export const victimIds: string[] = [];

/** Builds an arbitrary once, on first use (building them is what costs, not drawing from them). */
function once<T>(build: () => fc.Arbitrary<T>): () => fc.Arbitrary<T> {
  let built: fc.Arbitrary<T> | undefined;
  return () => (built ??= build());
}

/** A hostile string: a classic, the victim's, a made-up one (any unicode), or a very long one. */
export const hostileString = once(() =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...CLASSIC_STRINGS), weight: 4 },
    { arbitrary: fc.constant(null).chain(() => (victimIds.length ? fc.constantFrom(...victimIds) : fc.constant('alice'))), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
    { arbitrary: fc.tuple(fc.constantFrom(...CLASSIC_STRINGS), fc.string({ maxLength: 10 }), fc.constantFrom(...CLASSIC_STRINGS)).map((parts) => parts.join('')), weight: 2 },
    // Long, and now and then past the body limit (1 MB).
    { arbitrary: fc.oneof({ arbitrary: fc.integer({ min: 256, max: 20_000 }), weight: 6 }, { arbitrary: fc.integer({ min: 20_000, max: 3_000_000 }), weight: 1 }).map((n) => 'y'.repeat(n)), weight: 1 },
  ),
);

export const hostileKey = once(() => fc.oneof({ arbitrary: fc.constantFrom(...HOSTILE_KEYS), weight: 3 }, { arbitrary: hostileString(), weight: 1 }, { arbitrary: fc.string({ maxLength: 8 }), weight: 2 }));

export const edgeNumber = once(() => fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })));

/** An object built with own keys as given (`__proto__` included: an own property, as JSON.parse makes it). */
export function objectOf(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** `depth` levels of arrays or objects around `inner` (built iteratively: no recursion to overflow). */
export function nested(depth: number, kind: 'array' | 'object', inner: unknown = 1): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { d: value };
  return value;
}

/** Any JSON-ish value a hostile client could send: wrong types, hostile keys, deep nesting, huge arrays. */
export const hostileValue = once(() => {
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: hostileString(), weight: 4 },
      { arbitrary: edgeNumber(), weight: 2 },
      { arbitrary: fc.constantFrom(true, false, null), weight: 2 },
      { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 2 },
      { arbitrary: fc.array(fc.tuple(hostileKey(), tie('value')), { maxLength: 4 }).map(objectOf), weight: 2 },
      { arbitrary: fc.tuple(fc.integer({ min: 30, max: 1500 }), fc.constantFrom('array' as const, 'object' as const)).map(([depth, kind]) => nested(depth, kind)), weight: 1 },
      { arbitrary: fc.integer({ min: 1000, max: 150_000 }).map((n) => Array.from({ length: n }, (_, i) => i)), weight: 1 },
    ),
  }));
  return value;
});
