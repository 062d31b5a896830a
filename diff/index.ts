export { diff, snapshot, toDocument, DATA_MODEL_PATH } from './diff';
export { COMPONENTS_PATH } from './components';
export { diffKeyedList } from './keyed';
export { longestIncreasingSubsequence } from './lis';
export { escapeToken, unescapeToken, childPath } from './pointer';
export { jsonEqual } from './value';
export type { DiffSurface, Operation, SurfaceDocument, TreeNode } from './types';
export { A2UI_V09, encodeChange, encodeReset, encodeSync } from './a2ui-v09';
export { escapeEventContext, unescapeEventContext } from './a2ui-v09-context';
export type {
  A2uiV09Message,
  CreateSurfaceMessage,
  DeleteSurfaceMessage,
  EncodableSurface,
  UpdateComponentsMessage,
  UpdateDataModelMessage,
} from './a2ui-v09';
