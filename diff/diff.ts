/**
 * The diff engine's entry points.
 *
 * Ops are RFC 6902 JSON Patch against the surface document `{components, dataModel}`; applied in
 * order (fast-json-patch `applyPatch`) to a copy of `prev`'s document they give exactly `next`'s.
 * Data model ops come first, so that components added next find their bound values in place; then
 * the component groups described in components.ts.
 */
import type { Operation } from 'fast-json-patch';
import { diffComponents } from './components';
import type { DiffSurface, SurfaceDocument } from './types';
import { diffValue } from './value';

/** Root pointer of the data model in the surface document. */
export const DATA_MODEL_PATH = '/dataModel';

/** The ops that turn `prev`'s document into `next`'s. Pure; neither argument is modified. */
export function diff(prev: DiffSurface, next: DiffSurface): Operation[] {
  const ops: Operation[] = [];
  if (prev === next) return ops;
  if (prev.dataModel !== next.dataModel) diffValue(prev.dataModel, next.dataModel, DATA_MODEL_PATH, ops);
  diffComponents(prev, next, ops);
  return ops;
}

/** The document a client holds for a surface: only these two fields travel. */
export function toDocument(surface: DiffSurface): SurfaceDocument {
  return {
    components: surface.components as Record<string, object>,
    dataModel: surface.dataModel as Record<string, unknown>,
  };
}

/** A whole-document replacement: what a client gets when it joins or is too far behind. */
export function snapshot(surface: DiffSurface): Operation[] {
  return [{ op: 'replace', path: '', value: toDocument(surface) }];
}
