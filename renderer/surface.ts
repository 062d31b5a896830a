/**
 * The surface: a UiNode tree flattened into A2UI's flat adjacency list, plus the data model.
 *
 * buildSurface runs on every action, for surfaces of up to ~10,000 components, so it is one tight
 * loop: an explicit stack (no recursion), the nodes' own component objects (no copies: an unchanged
 * subtree keeps its identical objects, which is what lets the diff skip it by `===`), and a check of
 * only the string references the builders recorded (validateSurface checks every reference of a map).
 */
import { BASIC_CATALOG_ID, type Component } from './catalog';
import { DanglingChildError, DuplicateComponentIdError, InvalidComponentIdError, MissingRootError } from './errors';
import type { IdRef, UiNode } from './node';

export interface Surface {
  readonly surfaceId: string;
  readonly catalogId: string;
  /** Flat adjacency list in tree order (parent before children); one has id "root". */
  readonly components: Readonly<Record<string, Component>>;
  readonly dataModel: Readonly<Record<string, unknown>>;
  /**
   * The tree this surface was built from; non-enumerable, set only by buildSurface. The diff uses it
   * as a fast path (skip identical subtrees whole) and falls back to the flat map when it is absent.
   * Being non-enumerable, it is dropped by spreads, JSON.stringify and structuredClone, so a copied
   * or edited surface never carries a tree that no longer matches its components.
   */
  readonly tree?: UiNode;
}

export interface BuildSurfaceInput {
  surfaceId: string;
  root: UiNode;
  dataModel?: Record<string, unknown>;
  /** Default: the v0.9 basic catalog. */
  catalogId?: string;
}

/**
 * Ids appear in JSON Pointer paths (`/components/<id>/...`, where `/` and `~` would need escaping) and
 * in DOM attributes and selectors on the client, so they are limited to characters that never need
 * escaping; 200 characters bounds the length of every op path.
 */
const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,200}$/;

function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) {
    throw new InvalidComponentIdError(id, 'ids must be 1 to 200 characters of A-Z a-z 0-9 _ . : -');
  }
  // Matches the pattern, but as a key of a plain object it sets the prototype instead of adding an
  // entry, and JSON Patch libraries (fast-json-patch on the client) refuse paths through it.
  if (id === '__proto__') throw new InvalidComponentIdError(id, '"__proto__" is reserved');
}

/** Flattens the tree into a Surface; throws a SurfaceError if the tree would not display. */
export function buildSurface(input: BuildSurfaceInput): Surface {
  const root = input.root;
  if (root.id !== 'root') throw new MissingRootError(root.id);

  const components: Record<string, Component> = {};
  /** Nodes that reference components by id: checked once the map is complete. */
  const referring: UiNode[] = [];
  // Depth-first, parent before children, kids in order: pushed in reverse so the first pops first.
  const stack: UiNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const id = node.id;
    checkId(id);
    // hasOwn, not `in`: "constructor" or "toString" are valid ids and must not look taken.
    if (Object.hasOwn(components, id)) throw new DuplicateComponentIdError(id);
    components[id] = node.component;
    if (node.refs) referring.push(node);
    const kids = node.kids;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  // Only string references can dangle (nodes are in the map by construction); the builders recorded
  // them, so this checks those few instead of every reference of every component.
  for (const node of referring) checkRefs(components, node.id, node.refs!);

  const surface: Surface = {
    surfaceId: input.surfaceId,
    catalogId: input.catalogId ?? BASIC_CATALOG_ID,
    components,
    dataModel: input.dataModel ?? {},
  };
  Object.defineProperty(surface, 'tree', { value: root, enumerable: false });
  return surface;
}

/**
 * Checks a flat map that did not come from buildSurface (ids valid and equal to their keys, "root"
 * present, every reference resolves). Shapes of props are the JSON schema's job, not this one's.
 */
export function validateSurface(components: Readonly<Record<string, Component>>): void {
  if (!Object.hasOwn(components, 'root')) throw new MissingRootError();
  for (const key of Object.keys(components)) {
    checkId(key);
    const id = components[key]!.id;
    if (id !== key) throw new InvalidComponentIdError(key, `the entry holds a component with id ${JSON.stringify(id)}`);
  }
  for (const id of Object.keys(components)) checkRefs(components, id, referencesOf(components[id]!));
}

/** Every reference must name a component of the map: the first that does not throws. */
function checkRefs(components: Readonly<Record<string, Component>>, componentId: string, refs: readonly IdRef[]): void {
  for (const ref of refs) {
    if (!Object.hasOwn(components, ref.id)) throw new DanglingChildError(componentId, ref.property, ref.id);
  }
}

/** The ids a component references, where they sit: what the builders record as a node's `refs`. */
function referencesOf(component: Component): IdRef[] {
  switch (component.component) {
    case 'Row':
    case 'Column':
    case 'List': {
      const children = component.children;
      return Array.isArray(children)
        ? children.map((id, i) => ({ property: `children[${i}]`, id }))
        : [{ property: 'children.componentId', id: children.componentId }];
    }
    case 'Card':
    case 'Button':
      return [{ property: 'child', id: component.child }];
    case 'Tabs':
      return component.tabs.map((tab, i) => ({ property: `tabs[${i}].child`, id: tab.child }));
    case 'Modal':
      return [
        { property: 'trigger', id: component.trigger },
        { property: 'content', id: component.content },
      ];
    default:
      return []; // leaves reference nothing
  }
}
