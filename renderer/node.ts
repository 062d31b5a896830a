import type { Component } from './catalog';

/**
 * A rendered subtree. Identity matters: a memoised view piece returns the identical UiNode, and an
 * identical node means every component under it is identical.
 *
 * `component` is the wire object, with ids where the catalog expects ids. `kids` are the nodes the
 * component defines in place, in order: Row/Column/List `children` (or the one template node of a
 * template child list), Card and Button `child`, each tab's `child`, Modal `trigger` then `content`.
 * A child given as a plain string id references a component defined elsewhere in the tree and is not
 * in `kids`, so every component appears exactly once when the tree is flattened.
 */
export interface UiNode {
  readonly id: string;
  readonly component: Component;
  readonly kids: readonly UiNode[];
}
