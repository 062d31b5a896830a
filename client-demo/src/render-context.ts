/**
 * What a component sees while it renders: its props resolved against the data model in its scope.
 * Every pointer read goes into `reads`; the surface view turns those into the element's bindings, so
 * the element is re-rendered when (and only when) something it read changes.
 */
import { readPointer, resolvePath } from './bindings';
import { callFunction } from './functions';
import { joinPointer } from './pointer';
import { isDataBinding, isFunctionCall, isObject, toBoolean, toNumber, toStringList, toText } from './values';

/** A child to render: a component id, the scope it resolves relative paths in, its template index. */
export interface ChildRef {
  id: string;
  scope: string;
  /** Set for the root of a template instance (`data-index`). */
  index?: number;
}

export interface RenderContext {
  /** `''` at the root, `/items/3` inside the fourth instance of a template over `/items`. */
  readonly scope: string;
  /** A DynamicValue resolved: a literal as is, `{path}` read, `{call}` evaluated. */
  value(dynamic: unknown): unknown;
  text(dynamic: unknown): string;
  number(dynamic: unknown, fallback?: number): number;
  boolean(dynamic: unknown): boolean;
  stringList(dynamic: unknown): string[];
  /** The absolute pointer of a `{path}` binding (where two-way input writes), else null. */
  pointer(dynamic: unknown): string | null;
  /** The message of the first failing CheckRule, or null when all pass. */
  failedCheck(checks: unknown): string | null;
  /** A ChildList (ids or a template) as the children to render. */
  childList(children: unknown): ChildRef[];
}

export function createRenderContext(dataModel: unknown, scope: string, reads: string[] | null): RenderContext {
  const read = (path: string): unknown => {
    const pointer = resolvePath(path, scope);
    reads?.push(pointer);
    return readPointer(dataModel, pointer);
  };
  const value = (dynamic: unknown): unknown => {
    if (isDataBinding(dynamic)) return read(dynamic.path);
    if (isFunctionCall(dynamic)) return callFunction(dynamic.call, dynamic.args, value);
    return dynamic;
  };
  return {
    scope,
    value,
    text: (dynamic) => toText(value(dynamic)),
    number: (dynamic, fallback = 0) => toNumber(value(dynamic), fallback),
    boolean: (dynamic) => toBoolean(value(dynamic)),
    stringList: (dynamic) => toStringList(value(dynamic)),
    pointer: (dynamic) => (isDataBinding(dynamic) ? resolvePath(dynamic.path, scope) : null),
    failedCheck(checks) {
      if (!Array.isArray(checks)) return null;
      for (const rule of checks) {
        if (!isObject(rule)) continue;
        // Stop at the first failure: later rules do not change what is shown, so their bindings
        // are not needed until this one passes (and then this render runs again).
        if (!toBoolean(value(rule.condition))) return typeof rule.message === 'string' ? rule.message : 'Invalid value';
      }
      return null;
    },
    childList(children) {
      if (Array.isArray(children)) {
        return children.filter((id): id is string => typeof id === 'string').map((id) => ({ id, scope }));
      }
      if (isObject(children) && typeof children.componentId === 'string' && typeof children.path === 'string') {
        const list = resolvePath(children.path, scope);
        reads?.push(list);
        const items = readPointer(dataModel, list);
        if (!Array.isArray(items)) return [];
        const id = children.componentId;
        return items.map((_, index) => ({ id, scope: joinPointer(list, index), index }));
      }
      return [];
    },
  };
}
