/**
 * A change of a surface as standard A2UI v0.9 messages, for clients that speak A2UI rather than our
 * native RFC 6902 ops (the official Lit, Angular and React renderers, CopilotKit).
 *
 * v0.9 has four server messages and no notion of a patch: `createSurface`, `updateComponents`
 * (upserts whole components by id), `updateDataModel` (`{path, value}` replaces the value at a JSON
 * Pointer; without `value` it deletes the key) and `deleteSurface`. So:
 *
 * - The first sync is `createSurface` (the surface's catalog id), `updateComponents` with every
 *   component (parents first, `root` first) and `updateDataModel` of `/` with the whole model.
 * - A later change is one `updateComponents` holding the added or changed components, each whole,
 *   followed by one `updateDataModel` per changed path (components first, then data: the order of the
 *   spec's own streams; a renderer treats a not-yet-bound path as empty for the moment between).
 *   A deleted component is not sent: v0.9 cannot delete one, and its parent, which changed, no longer
 *   points at it, so it is unreachable from `root` and never rendered.
 * - A client that must start over (too far behind, or a backlog dropped) gets `deleteSurface` and a
 *   first sync: `encodeReset`.
 *
 * What changed is read from our native ops (diff.ts), and what to send from `next`:
 *
 *   1. Components: every op under `/components/<id>/…` names a component that was added or changed;
 *      `next.components[id]` is sent whole. Ids that are gone from `next` were deleted: skipped.
 *   2. Data model: every op under `/dataModel/…` names a path that changed. Three rules turn those
 *      into paths a v0.9 client can write:
 *      a. An op that inserts, removes or moves an array item (`add`/`remove`/`move` whose parent is an
 *         array) becomes a write of the whole array: v0.9 has no insert, and its delete leaves a hole
 *         (the official DataModel sets the index to `undefined`, keeping the length).
 *      b. A path through a key the official client refuses or cannot address (`__proto__`,
 *         `constructor`, `prototype`: prototype-pollution guards; `""`: dropped by its path parser)
 *         becomes a write of the object that holds that key (`/` at the top).
 *      c. A path below another written path is dropped: the ancestor's value already holds it.
 *      Each remaining path is a write of `next`'s value there, or a delete when `next` has none.
 *   3. Every component sent goes through `escapeEventContext` (a2ui-v09-context.ts), which keeps a
 *      Button's event context intact through the official web renderer.
 *
 * Why the ops rather than a second walk of the two surfaces: diff.ts already found what changed at a
 * cost that follows the change (it skips `===` subtrees), and a second structural walk would repeat
 * value.ts. And it composes: the ops of several consecutive changes, concatenated (the session's
 * frame log), encode a catch-up the same way. Every value comes from the final surface, so a path
 * that changed twice is written once with its last value; an older op's index path under an array
 * that later gained, lost or moved items is covered by rule (a) for that later op, which writes the
 * whole array; a path under a key that was later removed or replaced is covered by rule (c).
 *
 * Because every message carries final values (never a delta), applying the messages of a change
 * twice gives the same result as once.
 */
import type { Operation } from 'fast-json-patch';
import { escapeEventContext } from './event-context';
import { COMPONENTS_PATH, DATA_MODEL_PATH, escapeToken, unescapeToken, type DiffSurface } from '../../../diff';

/** The protocol version every message carries. */
export const A2UI_V09 = 'v0.9';

export interface CreateSurfaceMessage {
  version: typeof A2UI_V09;
  createSurface: { surfaceId: string; catalogId: string };
}
export interface UpdateComponentsMessage {
  version: typeof A2UI_V09;
  /** Whole components, upserted by id. */
  updateComponents: { surfaceId: string; components: object[] };
}
export interface UpdateDataModelMessage {
  version: typeof A2UI_V09;
  /** `path` is a JSON Pointer (`/` = the whole model); no `value` deletes the key at `path`. */
  updateDataModel: { surfaceId: string; path: string; value?: unknown };
}
export interface DeleteSurfaceMessage {
  version: typeof A2UI_V09;
  deleteSurface: { surfaceId: string };
}
export type A2uiV09Message = CreateSurfaceMessage | UpdateComponentsMessage | UpdateDataModelMessage | DeleteSurfaceMessage;

/** What the encoder needs of a surface: the renderer's `Surface` satisfies it. */
export interface EncodableSurface extends DiffSurface {
  readonly surfaceId: string;
  readonly catalogId: string;
}

/** Data-model keys the official client refuses in a path (rule b). */
const UNADDRESSABLE_KEYS = new Set(['', '__proto__', 'constructor', 'prototype']);

const COMPONENTS_PREFIX = `${COMPONENTS_PATH}/`;
const hasOwn = Object.prototype.hasOwnProperty;

/** The first sync: create the surface, send every component, then the whole data model. */
export function encodeSync(surface: EncodableSurface): A2uiV09Message[] {
  const { surfaceId } = surface;
  const messages: A2uiV09Message[] = [{ version: A2UI_V09, createSurface: { surfaceId, catalogId: surface.catalogId } }];
  const components = Object.values(surface.components).map(escapeEventContext);
  if (components.length > 0) messages.push({ version: A2UI_V09, updateComponents: { surfaceId, components } });
  messages.push({ version: A2UI_V09, updateDataModel: { surfaceId, path: '/', value: surface.dataModel } });
  return messages;
}

/** Start over on a client that holds the surface: delete it, then the first sync. */
export function encodeReset(surface: EncodableSurface): A2uiV09Message[] {
  return [{ version: A2UI_V09, deleteSurface: { surfaceId: surface.surfaceId } }, ...encodeSync(surface)];
}

/**
 * The messages that bring a client from the surface the ops started from to `next`. `ops` are the
 * native ops of that change (`diff(prev, next)`), or of several consecutive changes concatenated.
 * Empty when nothing a v0.9 client holds changed. Pure.
 */
export function encodeChange(next: EncodableSurface, ops: readonly Operation[]): A2uiV09Message[] {
  const { surfaceId } = next;
  const messages: A2uiV09Message[] = [];
  const components = changedComponents(next, ops);
  if (components.length > 0) messages.push({ version: A2UI_V09, updateComponents: { surfaceId, components } });
  for (const path of changedDataPaths(next.dataModel, ops)) {
    const found = lookup(next.dataModel, path);
    const updateDataModel = found.present
      ? { surfaceId, path: path === '' ? '/' : path, value: found.value }
      : { surfaceId, path };
    messages.push({ version: A2UI_V09, updateDataModel });
  }
  return messages;
}

// ---------------------------------------------------------------------------------------------
// 1. Components
// ---------------------------------------------------------------------------------------------

/** The components of `next` that the ops add or change, whole, in the order the ops name them. */
function changedComponents(next: EncodableSurface, ops: readonly Operation[]): object[] {
  const all = next.components;
  const ids = new Set<string>();
  for (const op of ops) {
    const path = op.path;
    // The whole map (a snapshot, or a map that had to be replaced whole): every component.
    if (path === '' || path === COMPONENTS_PATH) return Object.values(all).map(escapeEventContext);
    if (!path.startsWith(COMPONENTS_PREFIX)) continue;
    const end = path.indexOf('/', COMPONENTS_PREFIX.length);
    ids.add(unescapeToken(path.slice(COMPONENTS_PREFIX.length, end === -1 ? undefined : end)));
  }
  const components: object[] = [];
  for (const id of ids) if (hasOwn.call(all, id)) components.push(escapeEventContext(all[id]!));
  return components;
}

// ---------------------------------------------------------------------------------------------
// 2. Data model
// ---------------------------------------------------------------------------------------------

/** The pointers (relative to the model; `''` is the whole model) to write, rules a–c applied. */
function changedDataPaths(model: unknown, ops: readonly Operation[]): string[] {
  const targets: string[] = [];
  const add = (opPath: string, structural: boolean): void => {
    const relative = modelPointer(opPath);
    if (relative !== undefined) targets.push(writablePointer(model, relative, structural));
  };
  for (const op of ops) {
    if (op.path === '') {
      targets.push('');
      continue;
    }
    if (op.op === 'test' || op.op === '_get') continue;
    const structural = op.op === 'add' || op.op === 'remove' || op.op === 'move' || op.op === 'copy';
    add(op.path, structural);
    if (op.op === 'move') add(op.from, true); // its source changed too
  }
  return outermost(targets);
}

/** The pointer relative to the data model, or undefined when `path` is not under it. */
function modelPointer(path: string): string | undefined {
  if (path === DATA_MODEL_PATH) return '';
  return path.startsWith(`${DATA_MODEL_PATH}/`) ? path.slice(DATA_MODEL_PATH.length) : undefined;
}

/** Rules a and b: the pointer a v0.9 client can write that covers the change at `pointer`. */
function writablePointer(model: unknown, pointer: string, structural: boolean): string {
  if (pointer === '') return '';
  const tokens = pointer.slice(1).split('/').map(unescapeToken);
  // b. Stop before the first key the client cannot address: write the object holding it.
  let depth = tokens.findIndex((token) => UNADDRESSABLE_KEYS.has(token));
  if (depth === -1) {
    depth = tokens.length;
    // a. An item inserted, removed or moved: write the array it is an item of.
    if (structural && Array.isArray(resolve(model, tokens, depth - 1))) depth -= 1;
  }
  return toPointer(tokens, depth);
}

/** Rule c: drops duplicates and every pointer below another one; keeps the first-seen order. */
function outermost(pointers: readonly string[]): string[] {
  const all = new Set(pointers);
  if (all.has('')) return [''];
  const kept: string[] = [];
  for (const pointer of all) {
    let covered = false;
    for (let slash = pointer.indexOf('/', 1); slash !== -1 && !covered; slash = pointer.indexOf('/', slash + 1)) {
      covered = all.has(pointer.slice(0, slash));
    }
    if (!covered) kept.push(pointer);
  }
  return kept;
}

/** The value at `pointer` in the model; absent when a key is missing (or holds `undefined`). */
function lookup(model: unknown, pointer: string): { present: boolean; value?: unknown } {
  if (pointer === '') return { present: true, value: model };
  const tokens = pointer.slice(1).split('/').map(unescapeToken);
  const value = resolve(model, tokens, tokens.length);
  return value === undefined ? { present: false } : { present: true, value };
}

/** The value reached by the first `depth` tokens, or undefined. Own properties only. */
function resolve(model: unknown, tokens: readonly string[], depth: number): unknown {
  let current = model;
  for (let i = 0; i < depth && current !== undefined; i++) current = child(current, tokens[i]!);
  return current;
}

function child(container: unknown, token: string): unknown {
  if (typeof container !== 'object' || container === null) return undefined;
  if (Array.isArray(container)) return /^(0|[1-9]\d*)$/.test(token) ? container[Number(token)] : undefined;
  return Object.hasOwn(container, token) ? (container as Record<string, unknown>)[token] : undefined;
}

function toPointer(tokens: readonly string[], depth: number): string {
  let pointer = '';
  for (let i = 0; i < depth; i++) pointer += `/${escapeToken(tokens[i]!)}`;
  return pointer;
}
