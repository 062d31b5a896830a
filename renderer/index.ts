/**
 * The renderer's public API: basic-catalog types, builders, Surface, memoisation, errors.
 * Plugins import from here only; files behind it may move.
 */
export * from './catalog';
export type { IdRef, UiNode } from './node';
export * from './builders';
export * from './surface';
export * from './memo';
export * from './errors';
