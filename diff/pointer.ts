/**
 * JSON Pointer (RFC 6901) escaping of one reference token: `~` becomes `~0` and `/` becomes `~1`,
 * in that order, so that `~1` in a key is not mistaken for an escaped slash. Unescaping goes the other
 * way round (`~1` first, then `~0`) for the same reason.
 */
export function escapeToken(token: string): string {
  // Fast path: component ids and most data keys contain neither character.
  if (token.indexOf('~') === -1 && token.indexOf('/') === -1) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeToken(token: string): string {
  if (token.indexOf('~') === -1) return token;
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The pointer of a child of `parent` (a pointer) under `token` (a key or an array index). */
export function childPath(parent: string, token: string | number): string {
  return typeof token === 'number' ? `${parent}/${token}` : `${parent}/${escapeToken(token)}`;
}
