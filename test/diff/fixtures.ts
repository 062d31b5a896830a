/**
 * Test fixtures for the diff engine: tiny surfaces built from nested specs, with the same `tree` the
 * renderer attaches (non-enumerable), and a strict patch applier. Independent of renderer/ so that the
 * diff tests exercise diff/ alone.
 */
import { applyPatch, deepClone, type Operation } from 'fast-json-patch';
import type { DiffSurface, TreeNode } from '../../diff';

export interface Node extends TreeNode {
  readonly component: Record<string, unknown> & { id: string; component: string };
  readonly kids: readonly Node[];
}

/** A leaf or container node; containers get `children` (or `child` for Card) from their kids' ids. */
export function node(id: string, type: string, props: Record<string, unknown> = {}, kids: readonly Node[] = []): Node {
  const component: Node['component'] = { id, component: type, ...props };
  if (type === 'Card' || type === 'Button') component.child = kids[0]!.id;
  else if (kids.length > 0 || CONTAINERS.has(type)) component.children = kids.map((k) => k.id);
  return { id, component, kids };
}
const CONTAINERS = new Set(['Column', 'Row', 'List']);

/** The surface of a tree: the flat map in parent-first order, and the tree itself (non-enumerable). */
export function surface(root: Node, dataModel: Record<string, unknown> = {}): DiffSurface {
  const components: Record<string, object> = {};
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    components[n.id] = n.component;
    for (let k = n.kids.length - 1; k >= 0; k--) stack.push(n.kids[k]!);
  }
  const s = { components, dataModel };
  Object.defineProperty(s, 'tree', { value: root, enumerable: false });
  return s;
}

/** The same surface without its tree: forces the diff's map walk. */
export function withoutTree(s: DiffSurface): DiffSurface {
  return { components: s.components, dataModel: s.dataModel };
}

export function doc(s: DiffSurface): { components: unknown; dataModel: unknown } {
  return { components: s.components, dataModel: s.dataModel };
}

/** Applies ops to a deep copy of prev's document with fast-json-patch's validation on. */
export function apply(prev: DiffSurface, ops: Operation[]): unknown {
  return applyPatch(deepClone(doc(prev)), deepClone(ops), true, true).newDocument;
}

export function text(id: string, value: string, props: Record<string, unknown> = {}): Node {
  return node(id, 'Text', { text: value, ...props });
}
