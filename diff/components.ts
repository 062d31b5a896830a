/**
 * Diff of the flat component map `/components/<id>`.
 *
 * Ops come out in three groups so that a client applying them one by one never sees a dangling
 * reference: first the new components (`add`, whole, parents before children), then the changes to
 * existing ones (property-level, with `children` lists keyed by id), then the deleted components.
 * A component whose type changed is one `replace` of the whole component.
 *
 * Two ways to find what changed, same result:
 * - Tree walk (both surfaces built by the renderer, so both carry `tree`): walk the two trees in step
 *   and skip every `===` node, whose whole subtree is then unchanged. A leaf change in a 10,000
 *   component surface touches the path from the root to the leaf, and the kid arrays along it.
 * - Map walk (otherwise): every id of both maps, skipping `===` components.
 * Either way, a component that is not `===` but structurally equal (what a render from scratch gives
 * for nearly every component) is skipped after one equality check, before any path or op is built;
 * only a changed component is diffed property by property.
 * In the tree walk, a subtree that moved to another parent shows up as added under one parent and
 * removed under the other; the ids found on both sides are diffed as updates, not re-added.
 */
import type { Operation } from 'fast-json-patch';
import { childPath } from './pointer';
import type { DiffSurface, TreeNode } from './types';
import { diffObject, hasOwnProto, own, unchanged } from './value';

/** Root pointer of the component map in the surface document. */
export const COMPONENTS_PATH = '/components';

interface Groups {
  adds: Operation[];
  updates: Operation[];
  removes: Operation[];
}

export function diffComponents(prev: DiffSurface, next: DiffSurface, ops: Operation[]): void {
  if (prev.components === next.components) return;
  // A map with an own `__proto__` key cannot be patched by key: send it whole rather than a patch
  // that does not apply.
  if (hasOwnProto(prev.components) || hasOwnProto(next.components)) {
    ops.push({ op: 'replace', path: COMPONENTS_PATH, value: next.components });
    return;
  }
  const groups: Groups = { adds: [], updates: [], removes: [] };
  if (prev.tree && next.tree) diffTrees(prev.tree, next.tree, groups);
  else diffMaps(prev.components, next.components, groups);
  pushAll(ops, groups.adds);
  pushAll(ops, groups.updates);
  pushAll(ops, groups.removes);
}

function pushAll(target: Operation[], source: Operation[]): void {
  for (let i = 0; i < source.length; i++) target.push(source[i]!);
}

/** One component present on both sides. */
function diffComponent(id: string, prev: object, next: object, updates: Operation[]): void {
  if (prev === next || unchanged(prev, next)) return;
  const path = childPath(COMPONENTS_PATH, id);
  if (own(prev, 'component') !== own(next, 'component')) {
    updates.push({ op: 'replace', path, value: next });
    return;
  }
  diffObject(prev as Record<string, unknown>, next as Record<string, unknown>, path, updates, true);
}

function diffMaps(
  prev: Readonly<Record<string, object>>,
  next: Readonly<Record<string, object>>,
  groups: Groups,
): void {
  for (const id in next) {
    const component = next[id]!;
    const before = own(prev, id) as object | undefined;
    if (before === undefined) groups.adds.push({ op: 'add', path: childPath(COMPONENTS_PATH, id), value: component });
    else diffComponent(id, before, component, groups.updates);
  }
  for (const id in prev) {
    if (own(next, id) === undefined) groups.removes.push({ op: 'remove', path: childPath(COMPONENTS_PATH, id) });
  }
}

function diffTrees(prevRoot: TreeNode, nextRoot: TreeNode, groups: Groups): void {
  const addedRoots: TreeNode[] = [];
  const removedRoots: TreeNode[] = [];
  const walk = (prev: TreeNode, next: TreeNode): void => {
    if (prev === next) return;
    diffComponent(next.id, prev.component, next.component, groups.updates);
    const prevKids = prev.kids;
    const nextKids = next.kids;
    if (prevKids === nextKids) return;
    // Fast path: the same ids at the same positions (a change inside a list, not of the list).
    let i = 0;
    if (prevKids.length === nextKids.length) {
      for (; i < nextKids.length && prevKids[i]!.id === nextKids[i]!.id; i++) walk(prevKids[i]!, nextKids[i]!);
      if (i === nextKids.length) return;
    }
    matchKids(prevKids, nextKids, i);
  };
  const matchKids = (prevKids: readonly TreeNode[], nextKids: readonly TreeNode[], from: number): void => {
    const prevById = new Map<string, TreeNode>();
    for (let k = from; k < prevKids.length; k++) prevById.set(prevKids[k]!.id, prevKids[k]!);
    for (let k = from; k < nextKids.length; k++) {
      const kid = nextKids[k]!;
      const before = prevById.get(kid.id);
      if (before === undefined) {
        addedRoots.push(kid);
      } else {
        prevById.delete(kid.id);
        walk(before, kid);
      }
    }
    for (const gone of prevById.values()) removedRoots.push(gone);
  };
  matchKids([prevRoot], [nextRoot], 0);
  if (addedRoots.length === 0 && removedRoots.length === 0) return;

  const removed = flatten(removedRoots);
  for (const [id, node] of flatten(addedRoots)) {
    const before = removed.get(id);
    if (before === undefined) {
      groups.adds.push({ op: 'add', path: childPath(COMPONENTS_PATH, id), value: node.component });
    } else {
      removed.delete(id); // moved to another parent: still there, maybe changed
      diffComponent(id, before.component, node.component, groups.updates);
    }
  }
  for (const id of removed.keys()) groups.removes.push({ op: 'remove', path: childPath(COMPONENTS_PATH, id) });
}

/** Every node of the given subtrees by id, parents before children. */
function flatten(roots: readonly TreeNode[]): Map<string, TreeNode> {
  const byId = new Map<string, TreeNode>();
  const stack: TreeNode[] = [];
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    byId.set(node.id, node);
    for (let k = node.kids.length - 1; k >= 0; k--) stack.push(node.kids[k]!);
  }
  return byId;
}
