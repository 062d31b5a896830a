/**
 * Keeps the records that did not change identical. A fresh list from a service (git, a mailbox) is
 * made of new objects even when nothing changed; memoised views and the diff skip work on `===`
 * inputs, so every record equal to last time's (same key, same own values) is replaced by last time's
 * object, and a list whose records and order are all unchanged is last time's list itself.
 */
function shallowEqual(a: object, b: object): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && (a as Record<string, unknown>)[key] === (b as Record<string, unknown>)[key]);
}

export function reuseUnchanged<T extends object>(previous: readonly T[], next: readonly T[], keyOf: (item: T) => string): readonly T[] {
  const byKey = new Map(previous.map((item) => [keyOf(item), item]));
  let changed = previous.length !== next.length;
  const result = next.map((item, i) => {
    const old = byKey.get(keyOf(item));
    const kept = old !== undefined && shallowEqual(old, item) ? old : item;
    if (kept !== previous[i]) changed = true;
    return kept;
  });
  return changed ? result : previous;
}
