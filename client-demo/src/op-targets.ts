/**
 * What one RFC 6902 op touches in the surface document `{components, dataModel}`: which component (and
 * which of its properties), or which data pointer. The surface view uses this to update only the
 * elements an op concerns; pure, so it is unit-tested on its own.
 */
import type { Operation } from 'fast-json-patch';
import { formatPointer, isArrayIndexToken, parsePointer } from './pointer';

export type OpTarget =
  /** `''`: the whole document (a snapshot). */
  | { kind: 'document' }
  /** `/components`: the whole component map. */
  | { kind: 'components' }
  /** `/components/<id>` (prop null: the whole component) or `/components/<id>/<prop>/...`. */
  | { kind: 'component'; id: string; prop: string | null }
  /** `/dataModel/...`: the data pointer whose value (or whose subtree) changed; `''` is all of it. */
  | { kind: 'data'; pointer: string };

/** The targets of an op; a `move` touches both ends. An op outside the document touches nothing. */
export function opTargets(op: Pick<Operation, 'op' | 'path'> & { from?: string }): OpTarget[] {
  if (op.op === 'test' || op.op === '_get') return [];
  const out: OpTarget[] = [];
  const to = targetOf(op.path, op.op);
  if (to) out.push(to);
  if (op.op === 'move' && typeof op.from === 'string') {
    const from = targetOf(op.from, 'remove');
    if (from) out.push(from);
  }
  return out;
}

function targetOf(path: string, opName: string): OpTarget | null {
  let tokens: string[];
  try {
    tokens = parsePointer(path);
  } catch {
    return null;
  }
  if (tokens.length === 0) return { kind: 'document' };
  const [head, ...rest] = tokens;
  if (head === 'components') {
    if (rest.length === 0) return { kind: 'components' };
    return { kind: 'component', id: rest[0]!, prop: rest.length > 1 ? rest[1]! : null };
  }
  if (head === 'dataModel') {
    // Inserting into or removing from an array shifts every later item (and the length): the change
    // is to the whole array, so the readers of its other items are re-rendered too.
    const last = rest[rest.length - 1];
    const shifts = opName !== 'replace' && last !== undefined && isArrayIndexToken(last);
    return { kind: 'data', pointer: formatPointer(shifts ? rest.slice(0, -1) : rest) };
  }
  return null;
}
