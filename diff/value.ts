/**
 * Recursive diff of two JSON values into RFC 6902 ops, used for the data model and for the properties
 * of one component.
 *
 * - `===` values are skipped without being walked: immer and the memoised views share unchanged
 *   subtrees, so the cost follows the change.
 * - Objects are diffed key by key; a key whose value is `undefined` counts as absent (JSON has no
 *   undefined).
 * - Arrays whose items are all objects with a unique `id` (string or number) are keyed like children
 *   (see keyed.ts), then each kept item is diffed at its final index. Other arrays are diffed by index
 *   after trimming the equal prefix and suffix, so one insert or removal anywhere is one op.
 * - Anything else that differs (a primitive, or an object that became an array) is one `replace`.
 */
import type { Operation } from 'fast-json-patch';
import { diffKeyedList } from './keyed';
import { childPath } from './pointer';

type JsonObject = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

/** Own property or undefined: never an inherited one such as `constructor` or `__proto__`. */
export function own(object: object, key: string): unknown {
  return hasOwn.call(object, key) ? (object as JsonObject)[key] : undefined;
}

/**
 * An own `__proto__` key (only JSON.parse makes one). fast-json-patch refuses any path through
 * `__proto__` (prototype pollution guard), so an object holding one is never patched key by key.
 */
export function hasOwnProto(object: object): boolean {
  return hasOwn.call(object, '__proto__');
}

function isObjectLike(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

export function diffValue(prev: unknown, next: unknown, path: string, ops: Operation[]): void {
  if (prev === next) return;
  if (isObjectLike(prev) && isObjectLike(next)) {
    const prevIsArray = Array.isArray(prev);
    if (prevIsArray === Array.isArray(next)) {
      if (prevIsArray) diffArray(prev as unknown[], next as unknown[], path, ops);
      else diffObject(prev as JsonObject, next as JsonObject, path, ops);
      return;
    }
  }
  ops.push({ op: 'replace', path, value: next });
}

/**
 * Key-by-key object diff. `keyedChildren` makes a component's `children` id list go through the keyed
 * list diff (ids are unique keys by construction).
 */
export function diffObject(
  prev: JsonObject,
  next: JsonObject,
  path: string,
  ops: Operation[],
  keyedChildren = false,
): void {
  // An object holding a `__proto__` key is replaced whole: the patch must always apply.
  if (hasOwnProto(prev) || hasOwnProto(next)) {
    ops.push({ op: 'replace', path, value: next });
    return;
  }
  for (const key in next) {
    const nextValue = next[key];
    if (nextValue === undefined) continue;
    const prevValue = own(prev, key);
    if (prevValue === undefined) {
      ops.push({ op: 'add', path: childPath(path, key), value: nextValue });
    } else if (prevValue !== nextValue) {
      if (keyedChildren && key === 'children') diffChildren(prevValue, nextValue, childPath(path, key), ops);
      else diffValue(prevValue, nextValue, childPath(path, key), ops);
    }
  }
  for (const key in prev) {
    if (prev[key] !== undefined && own(next, key) === undefined) {
      ops.push({ op: 'remove', path: childPath(path, key) });
    }
  }
}

/** A `children` id list: keyed by id when both sides are string lists, otherwise a plain value. */
function diffChildren(prev: unknown, next: unknown, path: string, ops: Operation[]): void {
  if (Array.isArray(prev) && Array.isArray(next) && prev.every(isString) && next.every(isString)) {
    if (diffKeyedList(prev, next, path, ops, (j) => next[j])) return;
  }
  diffValue(prev, next, path, ops);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function diffArray(prev: unknown[], next: unknown[], path: string, ops: Operation[]): void {
  if (!diffKeyedItems(prev, next, path, ops)) diffIndexed(prev, next, path, ops);
}

type ItemKey = string | number;

/** The item's key when it is an object with a string or number `id`, else undefined. */
function keyOf(item: unknown): ItemKey | undefined {
  if (!isObjectLike(item) || Array.isArray(item)) return undefined;
  const id = own(item, 'id');
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** Arrays of objects with unique ids: structural ops by key, then each kept item at its final index. */
function diffKeyedItems(prev: unknown[], next: unknown[], path: string, ops: Operation[]): boolean {
  if (prev.length === 0 || next.length === 0) return false; // nothing to key on; by index is as good
  const prevByKey = new Map<ItemKey, unknown>();
  const prevKeys: ItemKey[] = new Array(prev.length);
  for (let i = 0; i < prev.length; i++) {
    const key = keyOf(prev[i]);
    if (key === undefined || prevByKey.has(key)) return false;
    prevByKey.set(key, prev[i]);
    prevKeys[i] = key;
  }
  const nextKeys: ItemKey[] = new Array(next.length);
  const seen = new Set<ItemKey>();
  for (let j = 0; j < next.length; j++) {
    const key = keyOf(next[j]);
    if (key === undefined || seen.has(key)) return false;
    seen.add(key);
    nextKeys[j] = key;
  }
  diffKeyedList(prevKeys, nextKeys, path, ops, (j) => next[j]);
  for (let j = 0; j < next.length; j++) {
    const before = prevByKey.get(nextKeys[j]!);
    if (before !== undefined) diffValue(before, next[j], `${path}/${j}`, ops);
  }
  return true;
}

/**
 * Index-based diff after trimming the equal prefix and suffix: the middle pairs are diffed in place,
 * then the longer side's extra items are added or removed, so one insert or removal is one op.
 */
function diffIndexed(prev: unknown[], next: unknown[], path: string, ops: Operation[]): void {
  let start = 0;
  const shorter = Math.min(prev.length, next.length);
  while (start < shorter && jsonEqual(prev[start], next[start])) start++;
  let prevEnd = prev.length;
  let nextEnd = next.length;
  while (prevEnd > start && nextEnd > start && jsonEqual(prev[prevEnd - 1], next[nextEnd - 1])) {
    prevEnd--;
    nextEnd--;
  }
  const prevMiddle = prevEnd - start;
  const nextMiddle = nextEnd - start;
  const paired = Math.min(prevMiddle, nextMiddle);
  for (let k = 0; k < paired; k++) {
    const index = start + k;
    diffValue(prev[index], next[index], `${path}/${index}`, ops);
  }
  for (let k = paired; k < nextMiddle; k++) {
    const index = start + k;
    ops.push({ op: 'add', path: `${path}/${index}`, value: next[index] });
  }
  // Each removal at the same index takes the next surplus item, as the suffix shifts left.
  for (let k = paired; k < prevMiddle; k++) ops.push({ op: 'remove', path: `${path}/${start + paired}` });
}

/** Structural equality of two JSON values (undefined object values count as absent). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, false);
}

/**
 * True when diffValue(a, b) emits no op: the values are structurally equal and hold no `__proto__`
 * key (an object holding one is always replaced, see diffObject). A caller checks this first to skip
 * an equal but not identical value without building any path: what a fresh render gives for most of
 * its components.
 */
export function unchanged(a: unknown, b: unknown): boolean {
  return equal(a, b, true);
}

function equal(a: unknown, b: unknown, protoDiffers: boolean): boolean {
  if (a === b) return true;
  if (!isObjectLike(a) || !isObjectLike(b)) return false;
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equal(x[i], y[i], protoDiffers)) return false;
    return true;
  }
  return equalObjects(a as JsonObject, b as JsonObject, protoDiffers);
}

/**
 * Every defined value of `x` equals `y`'s under the same key, and `y` has as many defined values.
 * `y[key]` is read without an own-property check: it can only be inherited when `y` lacks the key,
 * and then it is a member of Object.prototype (a function), never equal to a JSON value. The one
 * exception, the `__proto__` accessor, is read with `own`.
 */
function equalObjects(x: JsonObject, y: JsonObject, protoDiffers: boolean): boolean {
  let defined = 0;
  for (const key in x) {
    const value = x[key];
    if (value === undefined) continue;
    if (key === '__proto__') {
      if (protoDiffers || !equal(value, own(y, key), false)) return false;
    } else if (!equal(value, y[key], protoDiffers)) {
      return false;
    }
    defined++;
  }
  for (const key in y) {
    if (key === '__proto__' && protoDiffers) return false;
    if (y[key] !== undefined) defined--;
  }
  return defined === 0;
}
