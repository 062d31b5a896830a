/**
 * Test fixtures for the diff engine: tiny surfaces built from nested specs, with the same `tree` the
 * renderer attaches (non-enumerable), a strict patch applier, a diff checked by both walks, and the
 * surface the v0.9 encoder takes. Independent of renderer/ so that the diff tests exercise diff/ alone.
 */
import { applyPatch, deepClone, type Operation } from 'fast-json-patch';
import { diff, type DiffSurface, type TreeNode } from '../../diff';
import type { EncodableSurface } from '../../server/transport/a2ui-v09';

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

/** Diffs both ways (tree walk and map walk), checks both apply to exactly `next`, returns the tree walk's ops. */
export function checkedDiff(prev: DiffSurface, next: DiffSurface): Operation[] {
  const ops = diff(prev, next);
  expect(apply(prev, ops)).toEqual(doc(next));
  const mapOps = diff(withoutTree(prev), withoutTree(next));
  expect(apply(prev, mapOps)).toEqual(doc(next));
  return ops;
}

export const SURFACE_ID = 'main';
export const CATALOG_ID = 'https://a2ui.org/specification/v0_9/catalogs/basic/catalog.json';

/** The surface as the v0.9 encoder takes it: SURFACE_ID of the basic catalog, its tree kept. */
export function encodable(s: DiffSurface): EncodableSurface {
  const out = { surfaceId: SURFACE_ID, catalogId: CATALOG_ID, components: s.components, dataModel: s.dataModel };
  if (s.tree) Object.defineProperty(out, 'tree', { value: s.tree, enumerable: false });
  return out;
}

export function text(id: string, value: string, props: Record<string, unknown> = {}): Node {
  return node(id, 'Text', { text: value, ...props });
}
