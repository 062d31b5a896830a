/**
 * Random surfaces and random edit sequences for the diff engine's property tests (diff/ and its v0.9
 * encoder). Driven by fast-check's seeds through a small deterministic random source.
 *
 * Edits rebuild only the path from the root to the edited node and share everything else, as memoised
 * views do, and an ancestor whose children ids did not change keeps its component object: so the tree
 * walk meets shared subtrees, changed kids under an unchanged component, and moved subtrees.
 */
import fc from 'fast-check';
import { node, surface, text, type Node } from './fixtures';
import type { DiffSurface } from '../../diff';

// ---------- a small deterministic random source (mulberry32), driven by fast-check's seeds (and the diff bench's) ----------
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export function shuffle<T>(r: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ---------- random trees ----------
export const LISTS = ['Column', 'Row', 'List'];
let fresh = 0;
const newId = (): string => `n.${fresh++}:x-y_z`;

export function randomLeaf(r: () => number): Node {
  const id = newId();
  switch (Math.floor(r() * 4)) {
    case 0:
      return text(id, `t${Math.floor(r() * 5)}`, r() < 0.5 ? { variant: pick(r, ['h1', 'body']) } : {});
    case 1:
      return node(id, 'Image', { url: `https://x.test/${Math.floor(r() * 9)}.png` });
    case 2:
      return node(id, 'CheckBox', { label: 'ok', value: { path: '/flags/a' } });
    default:
      return node(id, 'Divider');
  }
}

export function randomTree(r: () => number, depth: number): Node {
  if (depth === 0 || r() < 0.3) return randomLeaf(r);
  if (r() < 0.2) return node(newId(), 'Card', {}, [randomTree(r, depth - 1)]);
  const kids = Array.from({ length: Math.floor(r() * 5) }, () => randomTree(r, depth - 1));
  return node(newId(), pick(r, LISTS), {}, kids);
}

/** Every node with its parent (undefined for the root), parents first. */
function nodes(root: Node): { n: Node; parent: Node | undefined }[] {
  const out: { n: Node; parent: Node | undefined }[] = [];
  const visit = (n: Node, parent: Node | undefined): void => {
    out.push({ n, parent });
    for (const k of n.kids) visit(k, n);
  };
  visit(root, undefined);
  return out;
}

/** A copy of `n` with new kids: the component object is kept when the children ids are unchanged. */
function withKids(n: Node, kids: readonly Node[]): Node {
  const sameIds = kids.length === n.kids.length && kids.every((k, i) => k.id === n.kids[i]!.id);
  if (sameIds) return { id: n.id, component: n.component, kids };
  const { id, component, children: _c, child: _d, ...props } = n.component;
  return node(id, component, props, kids);
}

/** Replaces the node `targetId` by `f(node)` (or removes it when f returns null), rebuilding only its ancestors. */
function update(root: Node, targetId: string, f: (n: Node) => Node | null): Node {
  const go = (n: Node): Node | null => {
    if (n.id === targetId) return f(n);
    let changed = false;
    const kids: Node[] = [];
    for (const k of n.kids) {
      const k2 = go(k);
      if (k2 !== k) changed = true;
      if (k2) kids.push(k2);
    }
    return changed ? withKids(n, kids) : n;
  };
  return go(root) ?? root;
}

function contains(n: Node, id: string): boolean {
  return n.id === id || n.kids.some((k) => contains(k, id));
}

// ---------- random edits ----------
export const EDITS = ['prop', 'insert', 'remove', 'move', 'shuffle', 'reparent', 'retype', 'data', 'data', 'wrapRoot'] as const;
export type Edit = { kind: (typeof EDITS)[number]; seed: number };

export function editTree(root: Node, e: Edit): Node {
  const r = rng(e.seed);
  const all = nodes(root);
  const lists = all.filter((x) => LISTS.includes(x.n.component.component));
  const inList = all.filter((x) => x.parent && LISTS.includes(x.parent.component.component));
  switch (e.kind) {
    case 'prop': {
      const { n } = pick(r, all);
      const { id, component, children: _c, child: _d, ...props } = n.component;
      const roll = r();
      if (roll < 0.3) props.weight = Math.floor(r() * 3);
      else if (roll < 0.5) delete props.weight;
      else if (roll < 0.8) props.accessibility = { label: `l${Math.floor(r() * 3)}`, ...(r() < 0.5 ? { description: 'd' } : {}) };
      else if (component === 'Text') props.text = `t${Math.floor(r() * 50)}`;
      else delete props.accessibility;
      return update(root, id, (old) => node(id, component, props, old.kids));
    }
    case 'insert': {
      if (!lists.length) return root;
      const { n } = pick(r, lists);
      const at = Math.floor(r() * (n.kids.length + 1));
      const added = r() < 0.7 ? randomLeaf(r) : randomTree(r, 2);
      return update(root, n.id, (old) => withKids(old, [...old.kids.slice(0, at), added, ...old.kids.slice(at)]));
    }
    case 'remove': {
      if (!inList.length) return root;
      return update(root, pick(r, inList).n.id, () => null);
    }
    case 'move': {
      const candidates = lists.filter((x) => x.n.kids.length >= 2);
      if (!candidates.length) return root;
      const { n } = pick(r, candidates);
      const kids = [...n.kids];
      const [moved] = kids.splice(Math.floor(r() * kids.length), 1);
      kids.splice(Math.floor(r() * (kids.length + 1)), 0, moved!);
      return update(root, n.id, (old) => withKids(old, kids));
    }
    case 'shuffle': {
      if (!lists.length) return root;
      const { n } = pick(r, lists);
      return update(root, n.id, (old) => withKids(old, shuffle(r, old.kids)));
    }
    case 'reparent': {
      if (!inList.length) return root;
      const { n: moving } = pick(r, inList);
      const targets = lists.filter((x) => !contains(moving, x.n.id));
      if (!targets.length) return root;
      const target = pick(r, targets).n.id;
      const detached = update(root, moving.id, () => null);
      return update(detached, target, (old) => {
        const at = Math.floor(r() * (old.kids.length + 1));
        return withKids(old, [...old.kids.slice(0, at), moving, ...old.kids.slice(at)]);
      });
    }
    case 'retype': {
      const leaves = all.filter((x) => x.n.kids.length === 0 && x.parent);
      if (!leaves.length) return root;
      const { n } = pick(r, leaves);
      const type = pick(r, ['Text', 'Divider', 'Image', 'Slider'].filter((t) => t !== n.component.component));
      const props: Record<string, unknown> =
        type === 'Text' ? { text: 'retyped' } : type === 'Image' ? { url: 'https://x.test/i.png' } : type === 'Slider' ? { value: 3, max: 10 } : {};
      return update(root, n.id, () => node(n.id, type, props));
    }
    case 'wrapRoot': {
      // The root's single list gets a fresh parent: everything under it stays shared.
      return node('root', 'Column', {}, [withKids(node(newId(), 'Column'), [...root.kids])]);
    }
    default:
      return root;
  }
}

// ---------- random data models and edits ----------
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function randomJson(r: () => number, depth: number): Json {
  const roll = r();
  if (depth === 0 || roll < 0.35) return pick(r, [null, true, 1, 2.5, 'a', 'b/c', 'd~e', ''] as Json[]);
  if (roll < 0.55) return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth - 1));
  if (roll < 0.7) return Array.from({ length: Math.floor(r() * 5) }, (_, i) => ({ id: `k${i}${Math.floor(r() * 3)}`, v: randomJson(r, depth - 1) }));
  const o: { [k: string]: Json } = {};
  for (let i = Math.floor(r() * 4); i > 0; i--) o[pick(r, ['x', 'y', 'a/b', 'm~n', 'z', 'constructor'])] = randomJson(r, depth - 1);
  return o;
}

/** A random structural edit somewhere inside `value`, with path copying (untouched parts stay shared). */
export function editJson(r: () => number, value: Json, depth = 0): Json {
  const descend = depth < 4 && r() < 0.6;
  if (Array.isArray(value)) {
    const out = [...value];
    const roll = r();
    if (descend && out.length) {
      const i = Math.floor(r() * out.length);
      out[i] = editJson(r, out[i]!, depth + 1);
      // Keep ids unique when the edited item is keyed (an edit must not create a duplicate key by accident).
    } else if (roll < 0.3) {
      const item = out.length && typeof out[0] === 'object' && out[0] && 'id' in (out[0] as object) ? { id: `new${Math.floor(r() * 1e6)}`, v: 1 } : randomJson(r, 1);
      out.splice(Math.floor(r() * (out.length + 1)), 0, item);
    } else if (roll < 0.5 && out.length) {
      out.splice(Math.floor(r() * out.length), 1);
    } else if (roll < 0.7 && out.length > 1) {
      const [m] = out.splice(Math.floor(r() * out.length), 1);
      out.splice(Math.floor(r() * (out.length + 1)), 0, m!);
    } else {
      return shuffle(r, out);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out = { ...value };
    const keys = Object.keys(out);
    if (descend && keys.length) {
      const k = pick(r, keys);
      out[k] = editJson(r, out[k]!, depth + 1);
    } else if (r() < 0.5 && keys.length) {
      delete out[pick(r, keys)];
    } else {
      out[pick(r, ['x', 'q', 'a/b', '~', 'toString'])] = randomJson(r, 2);
    }
    return out;
  }
  return randomJson(r, 2);
}

export const editArb = fc.record({ kind: fc.constantFrom(...EDITS), seed: fc.integer() });

/** A random starting surface: a tree under `root` and a data model with nested, keyed and hostile parts. */
export function randomStart(seed: number): { tree: Node; data: Json } {
  const r = rng(seed);
  const tree = node('root', 'Column', {}, [randomTree(r, 3)]);
  const data: Json = { flags: { a: true }, rows: randomJson(r, 3), misc: randomJson(r, 3) };
  return { tree, data };
}

/** Applies one edit to the tree or the data model. */
export function applyEdit(state: { tree: Node; data: Json }, e: Edit): { tree: Node; data: Json } {
  return e.kind === 'data' ? { tree: state.tree, data: editJson(rng(e.seed), state.data) } : { tree: editTree(state.tree, e), data: state.data };
}

export function toSurface(state: { tree: Node; data: Json }): DiffSurface {
  return surface(state.tree, state.data as Record<string, unknown>);
}
