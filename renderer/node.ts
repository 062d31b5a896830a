import type { Component } from './catalog';

/**
 * A rendered subtree. Identity matters: a memoised view piece returns the identical UiNode, and an
 * identical node means every component under it is identical.
 *
 * `component` is the wire object, with ids where the catalog expects ids. `kids` are the nodes the
 * component defines in place, in order: Row/Column/List `children` (or the one template node of a
 * template child list), Card and Button `child`, each tab's `child`, Modal `trigger` then `content`.
 * A child given as a plain string id references a component defined elsewhere in the tree and is not
 * in `kids` (it is in `refs`), so every component appears exactly once when the tree is flattened.
 * Nodes are made by the builders (builders.ts), which keep `kids` and `refs` true to the component.
 */
export interface UiNode {
  readonly id: string;
  readonly component: Component;
  readonly kids: readonly UiNode[];
  /**
   * The string ids this component references (components defined elsewhere), with where they sit;
   * absent when there are none. Recorded by the builders so that building a surface checks only these
   * instead of every reference of every component on every render.
   */
  readonly refs?: readonly IdRef[];
}

/** A reference by id: `property` says where, e.g. `children[2]`, `tabs[0].child`, `trigger`. */
export interface IdRef {
  readonly property: string;
  readonly id: string;
}
