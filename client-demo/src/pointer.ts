/**
 * JSON Pointers (RFC 6901): the paths of ops (`/components/<id>/...`, `/dataModel/...`) and of data
 * bindings. Tokens are escaped on the wire (`~0` = `~`, `~1` = `/`); everything here works on
 * unescaped tokens so that a key containing `/` is never split in two.
 */

/** `'/a~1b/c'` → `['a/b', 'c']`; `''` (the whole document) → `[]`. Throws on a pointer without a leading `/`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (pointer[0] !== '/') throw new SyntaxError(`JSON Pointer must start with "/": ${pointer}`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

export function unescapeToken(token: string): string {
  // Order matters (RFC 6901 §4): `~01` is `~1` literally, not `/`.
  return token.indexOf('~') === -1 ? token : token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a pointer from unescaped tokens. */
export function formatPointer(tokens: readonly string[]): string {
  let out = '';
  for (const token of tokens) out += '/' + escapeToken(token);
  return out;
}

/** `joinPointer('/items', 3)` → `'/items/3'`. */
export function joinPointer(base: string, token: string | number): string {
  return `${base}/${escapeToken(String(token))}`;
}

/** The pointer one level up; the parent of `''` is `''`. */
export function parentPointer(pointer: string): string {
  const cut = pointer.lastIndexOf('/');
  return cut <= 0 ? '' : pointer.slice(0, cut);
}

/** The last token, unescaped (`''` for the whole document). */
export function lastToken(pointer: string): string {
  const cut = pointer.lastIndexOf('/');
  return cut === -1 ? '' : unescapeToken(pointer.slice(cut + 1));
}

/** An array index as JSON Patch writes it: `0`, `12` (no leading zeros), or `-` (one past the end). */
export function isArrayIndexToken(token: string): boolean {
  return token === '-' || /^(0|[1-9][0-9]*)$/.test(token);
}
