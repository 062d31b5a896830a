/**
 * Data binding: where a `{path}` points, reading and writing the data model there, and the index that
 * says which rendered elements read a pointer, so that a data change re-renders only those elements.
 *
 * Paths (a2ui_protocol.md, "Collection scopes"): a path starting with `/` is absolute; any other path is
 * relative to the scope of the template instance it is rendered in (`/items/3` for the fourth item of a
 * template over `/items`). Outside templates the scope is the root, `''`.
 */
import { isArrayIndexToken, parsePointer } from './pointer';
import { isObject } from './values';

/** Keys that would reach the prototype chain of the data model: never read through, never written. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** `resolvePath('name', '/items/0')` → `'/items/0/name'`; absolute paths are returned as they are. */
export function resolvePath(path: string, scope: string): string {
  if (path.startsWith('/')) return path;
  let out = scope;
  for (const token of path.split('/')) {
    if (token === '' || token === '.') continue; // `./name` and `name/` mean the same as `name`
    out += '/' + token; // tokens of a relative path are already escaped, as in an absolute one
  }
  return out;
}

/** The value at `pointer`, or undefined. Only own properties count: `/constructor` is not a function. */
export function readPointer(root: unknown, pointer: string): unknown {
  let tokens: string[];
  try {
    tokens = parsePointer(pointer);
  } catch {
    return undefined;
  }
  let node: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!isArrayIndexToken(token) || token === '-') return undefined; // `-` is past the end: nothing there
      node = node[Number(token)];
    } else if (isObject(node)) {
      if (!Object.prototype.hasOwnProperty.call(node, token)) return undefined;
      node = node[token];
    } else {
      return undefined;
    }
  }
  return node;
}

/**
 * Sets the value at `pointer`, creating missing containers on the way (an array when the next token is
 * an index, else an object: the spec's auto-vivification). Returns false when the pointer cannot be
 * written (it is the root, crosses a primitive, or names a prototype key).
 */
export function writePointer(root: unknown, pointer: string, value: unknown): boolean {
  let tokens: string[];
  try {
    tokens = parsePointer(pointer);
  } catch {
    return false;
  }
  if (tokens.length === 0 || tokens.some((t) => FORBIDDEN_KEYS.has(t))) return false;
  let node: unknown = root;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const last = i === tokens.length - 1;
    if (Array.isArray(node)) {
      if (!isArrayIndexToken(token)) return false;
      const index = token === '-' ? node.length : Number(token);
      if (last) {
        node[index] = value;
        return true;
      }
      node[index] ??= isArrayIndexToken(tokens[i + 1]!) ? [] : {};
      node = node[index];
    } else if (isObject(node)) {
      if (last) {
        node[token] = value;
        return true;
      }
      const next = Object.prototype.hasOwnProperty.call(node, token) ? node[token] : undefined;
      if (next === undefined || next === null) node[token] = isArrayIndexToken(tokens[i + 1]!) ? [] : {};
      node = node[token];
    } else {
      return false;
    }
  }
  return false;
}

interface TrieNode<T> {
  items: Set<T> | null;
  children: Map<string, TrieNode<T>> | null;
}

/**
 * Pointer → the things (rendered elements) that read it, as a trie of pointer tokens. A change at a
 * pointer affects the readers of that pointer, of everything under it (`/a/b/c` when `/a/b` is
 * replaced) and of everything above it (`/a` holds `/a/b`), the spec's "bubble and cascade"; never a
 * sibling (`/a/c`). A lookup walks the pointer's tokens and then the subtree below it, so its cost
 * follows the number of affected bindings, not the size of the index.
 */
export class BindingIndex<T> {
  private readonly root: TrieNode<T> = { items: null, children: null };

  add(pointer: string, item: T): void {
    let node = this.root;
    for (const token of tokensOf(pointer)) {
      node.children ??= new Map();
      let child = node.children.get(token);
      if (!child) {
        child = { items: null, children: null };
        node.children.set(token, child);
      }
      node = child;
    }
    (node.items ??= new Set()).add(item);
  }

  delete(pointer: string, item: T): void {
    // Walk down remembering the path, then prune the nodes left empty so the trie does not grow forever.
    const path: Array<[TrieNode<T>, string]> = [];
    let node = this.root;
    for (const token of tokensOf(pointer)) {
      const child = node.children?.get(token);
      if (!child) return;
      path.push([node, token]);
      node = child;
    }
    node.items?.delete(item);
    if (node.items?.size === 0) node.items = null;
    for (let i = path.length - 1; i >= 0; i--) {
      const [parent, token] = path[i]!;
      const child = parent.children!.get(token)!;
      if (child.items || child.children?.size) break;
      parent.children!.delete(token);
    }
  }

  /** Everything bound to `pointer`, to an ancestor of it, or to a descendant of it. */
  affected(pointer: string): Set<T> {
    const out = new Set<T>();
    let node: TrieNode<T> | undefined = this.root;
    for (const token of tokensOf(pointer)) {
      addAll(out, node.items);
      node = node.children?.get(token);
      if (!node) return out;
    }
    collect(node, out);
    return out;
  }

  clear(): void {
    this.root.items = null;
    this.root.children = null;
  }
}

function tokensOf(pointer: string): string[] {
  try {
    return parsePointer(pointer);
  } catch {
    return [pointer]; // not a pointer: index it as one opaque key rather than throw during a render
  }
}

function addAll<T>(out: Set<T>, items: Set<T> | null): void {
  if (items) for (const item of items) out.add(item);
}

function collect<T>(node: TrieNode<T>, out: Set<T>): void {
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    addAll(out, current.items);
    if (current.children) for (const child of current.children.values()) stack.push(child);
  }
}
