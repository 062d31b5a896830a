/**
 * What the diff engine needs to know about a surface. The renderer's `Surface` satisfies these types
 * structurally, so `diff/` imports nothing of ours.
 */
import type { Operation } from 'fast-json-patch';

export type { Operation };

/**
 * A rendered subtree, as the renderer's builders produce it. Identity is the contract: two `===`
 * nodes hold `===` components all the way down, so the diff skips them without looking inside.
 */
export interface TreeNode {
  readonly id: string;
  readonly component: object;
  readonly kids: readonly TreeNode[];
}

/** The two halves of the document `{components, dataModel}` that ops are addressed against. */
export interface DiffSurface {
  readonly components: Readonly<Record<string, object>>;
  readonly dataModel: Readonly<Record<string, unknown>>;
  /**
   * Optional, non-enumerable, set only by the renderer's `buildSurface`: the tree that `components`
   * is the flattening of. When both surfaces carry one, the diff walks the trees and skips shared
   * subtrees, so its cost follows the change instead of the surface size.
   */
  readonly tree?: TreeNode;
}

/** The JSON document the ops apply to: what a client holds for one surface. */
export interface SurfaceDocument {
  components: Record<string, object>;
  dataModel: Record<string, unknown>;
}
