/** The A2UI v0.9 encoder: native changes as standard v0.9 messages (see encode.ts). */
export { A2UI_V09, encodeChange, encodeReset, encodeSync } from './encode';
export { escapeEventContext, unescapeEventContext } from './event-context';
export type {
  A2uiV09Message,
  CreateSurfaceMessage,
  DeleteSurfaceMessage,
  EncodableSurface,
  UpdateComponentsMessage,
  UpdateDataModelMessage,
} from './encode';
