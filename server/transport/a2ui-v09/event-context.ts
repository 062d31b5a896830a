/**
 * Button event contexts, written so that the official web renderer sends them back as they are.
 *
 * v0.9 defines an event's `context` as a map of DynamicValues: each value may be a literal, a
 * binding `{"path": …}` or a function call `{"call": …}`. The official renderer (`@a2ui/web_core`
 * 0.11, `GenericBinder.bindAction`) resolves the whole action with one recursive rule instead: any
 * object holding a `path` or `call` key is a binding or a call. For a context whose own keys include
 * `path` (`remove_worktree {"path": "/repo/.worktrees/x", "force": {"path": "/worktree/…"}}`) it
 * resolves the map itself as a binding to "/repo/.worktrees/x" and dispatches an empty context.
 *
 * So in v0.9 output a context key that is `path` or `call` after any number of leading underscores
 * gets one more underscore (`path` → `_path`, `_path` → `__path`), and a v0.9 action's context loses
 * one again. The escape is reversible and lives only between our encoder and our action parser: a
 * plugin never sees it, and any client that returns contexts as given round-trips it unchanged.
 * Only the top level needs it: below it, `{"path": …}` is a binding by definition.
 */

const ESCAPED = /^_*(path|call)$/;
const UNESCAPED = /^_+(path|call)$/;

interface ButtonLike {
  action?: { event?: { name: string; context?: Record<string, unknown> } };
}

/** The component, or a copy whose event context has its colliding keys escaped. */
export function escapeEventContext<C extends object>(component: C): C {
  const { action } = component as ButtonLike;
  const event = action?.event;
  const context = event?.context;
  if (!event || !context || !Object.keys(context).some((key) => ESCAPED.test(key))) return component;
  // fromEntries defines each key as data, `__proto__` included (an assignment would set the prototype).
  const escaped = Object.fromEntries(Object.entries(context).map(([key, value]) => [ESCAPED.test(key) ? `_${key}` : key, value]));
  return { ...component, action: { ...action, event: { ...event, context: escaped } } };
}

/** The context a v0.9 client sent back, with the keys escapeEventContext escaped restored. */
export function unescapeEventContext(context: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(context).some((key) => UNESCAPED.test(key))) return context;
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [UNESCAPED.test(key) ? key.slice(1) : key, value]));
}
