export { diff, snapshot, toDocument, DATA_MODEL_PATH } from './diff';
export { COMPONENTS_PATH } from './components';
export { diffKeyedList } from './keyed';
export { longestIncreasingSubsequence } from './lis';
export { escapeToken, unescapeToken, childPath } from './pointer';
export { jsonEqual } from './value';
export type { DiffSurface, Operation, SurfaceDocument, TreeNode } from './types';
