/**
 * Memoisation of view pieces by input identity.
 *
 * Why: the diff engine skips subtrees whose objects are `===` to last time's, so its cost follows the
 * change, not the size of the surface. A view piece wrapped here returns the identical result (the
 * identical UiNode, hence identical component objects all the way down) when its inputs are identical.
 * Plugin state is immutable (immer keeps unchanged objects identical), so "same inputs" is a shallow
 * `===` over the argument list: no deep comparison, no hashing.
 */

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One slot: the same inputs as the previous call give the previous result. */
export function memo<I extends readonly unknown[], R>(build: (...inputs: I) => R): (...inputs: I) => R {
  let lastInputs: I | undefined;
  let lastResult: R;
  return (...inputs: I): R => {
    if (lastInputs !== undefined && sameInputs(lastInputs, inputs)) return lastResult;
    // Result first: if build throws, the slot keeps the previous, still consistent, pair.
    lastResult = build(...inputs);
    lastInputs = inputs;
    return lastResult;
  };
}

export interface KeyedMemo<I extends readonly unknown[], R> {
  (key: string, ...inputs: I): R;
  /** Drops the keys not used since the previous sweep; call it once per render of the list. */
  sweep(): void;
}

interface Slot<I, R> {
  inputs: I;
  result: R;
  /** The sweep generation in which the key was last used. */
  used: number;
}

/**
 * One slot per key, for list rows (`key` = the domain key the row's id is derived from). A row whose
 * inputs did not change is the identical object even when rows around it are inserted or moved.
 * `sweep()` bounds the cache by the list: keys not rendered since the last sweep are forgotten.
 */
export function keyedMemo<I extends readonly unknown[], R>(
  build: (key: string, ...inputs: I) => R,
): KeyedMemo<I, R> {
  const slots = new Map<string, Slot<I, R>>();
  let generation = 0;

  const call = (key: string, ...inputs: I): R => {
    const slot = slots.get(key);
    if (slot !== undefined && sameInputs(slot.inputs, inputs)) {
      slot.used = generation;
      return slot.result;
    }
    const result = build(key, ...inputs);
    slots.set(key, { inputs, result, used: generation });
    return result;
  };

  const sweep = (): void => {
    // Deleting the current entry while iterating a Map is safe.
    for (const [key, slot] of slots) if (slot.used !== generation) slots.delete(key);
    generation++;
  };

  return Object.assign(call, { sweep });
}
