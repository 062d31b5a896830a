/**
 * Values shaped by a zod schema, then broken: the server's own schemas (endpoints' bodies, queries and
 * params, socket events, action payloads) say which fields exist and what they hold, so the fuzzer
 * reaches past the first check. Each field is valid (a value of its type at the edges of its limits,
 * matching its pattern), of the wrong type, missing, or joined by extra hostile fields.
 *
 * Two tempers: `hostile` breaks something in most values; `plausible` makes mostly valid values with
 * the odd broken field, so that requests get past validation into the handlers and plugins (where
 * the deeper bugs are) and still carry hostile text in the fields that take any text.
 *
 * Reads zod 4's schema definitions (`_zod.def`); a kind it does not know is fuzzed as any value.
 */
import fc from 'fast-check';
import type { z } from 'zod';
import { edgeNumber, hostileKey, hostileString, hostileValue, objectOf } from './hostile-values';

export type Temper = 'hostile' | 'plausible';

interface Def {
  type: string;
  [key: string]: unknown;
}

interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** Known-good strings a pattern cannot produce (ids of things that exist), set by the caller. */
export const plausibleStrings: string[] = [];

/** How often, out of 100, a value is replaced by one of any type, and a field left out or added. */
const BREAK: Record<Temper, { wrongType: number; missing: number; extra: number }> = {
  hostile: { wrongType: 15, missing: 15, extra: 20 },
  plausible: { wrongType: 2, missing: 5, extra: 3 },
};

function checksOf(def: Def): CheckDef[] {
  return ((def.checks as Array<{ _zod: { def: CheckDef } }> | undefined) ?? []).map((check) => check._zod.def);
}

function stringFrom(def: Def, temper: Temper): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const max = checks.find((c) => c.check === 'max_length')?.maximum;
  const min = checks.find((c) => c.check === 'min_length')?.minimum;
  const pattern = (def.pattern as RegExp | undefined) ?? checks.find((c) => c.pattern)?.pattern;
  const plausible = temper === 'plausible';
  const options: Array<fc.WeightedArbitrary<string>> = [{ arbitrary: hostileString(), weight: plausible ? 2 : 3 }];
  if (pattern) {
    try {
      options.push({ arbitrary: fc.stringMatching(pattern), weight: 4 });
    } catch {
      // A pattern fast-check cannot generate from: the other strings will do.
    }
  } else if (plausible) {
    // Free text: anything within the limits (hostile text included), as a client should send.
    options.push({ arbitrary: fc.string({ unit: 'grapheme', minLength: min ?? 0, maxLength: Math.min(max ?? 40, 40) }), weight: 6 });
  }
  if (max !== undefined) options.push({ arbitrary: fc.constantFrom('z'.repeat(max), 'z'.repeat(max + 1)), weight: 1 });
  if (min !== undefined && min > 0) options.push({ arbitrary: fc.constantFrom('z'.repeat(min), 'z'.repeat(min - 1)), weight: 1 });
  // Ids of things that exist: what a real client sends most, and what gets a request furthest.
  if (plausibleStrings.length) options.push({ arbitrary: fc.constantFrom(...plausibleStrings), weight: plausible ? 6 : 3 });
  // Plausible: hostile text, but cut to the field's limit (the length check is not what it is after).
  return plausible && max !== undefined ? fc.oneof(...options).map((text) => text.slice(0, max)) : fc.oneof(...options);
}

function numberFrom(def: Def, temper: Temper): fc.Arbitrary<number> {
  const checks = checksOf(def);
  const lower = checks.find((c) => c.check === 'greater_than');
  const upper = checks.find((c) => c.check === 'less_than');
  const integer = def.format === 'safeint' || def.format === 'int32' || checks.some((c) => c.format === 'safeint' || c.format === 'int32');
  const bounds = checks.flatMap((c) => (typeof c.value === 'number' ? [c.value - 1, c.value, c.value + 1] : []));
  const min = lower?.value !== undefined ? lower.value + (lower.inclusive ? 0 : 1) : -1000;
  const max = upper?.value !== undefined ? upper.value - (upper.inclusive ? 0 : 1) : 1_000_000;
  const valid = integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(Math.max(min, max)) }) : fc.double({ min, max: Math.max(min, max), noNaN: true });
  return fc.oneof(
    { arbitrary: valid, weight: temper === 'plausible' ? 8 : 2 },
    { arbitrary: edgeNumber(), weight: 2 },
    ...(bounds.length ? [{ arbitrary: fc.constantFrom(...bounds), weight: 1 }] : []),
  );
}

/** Built arbitraries, by schema, temper and depth (building one, a pattern's above all, is what costs). */
const built = new WeakMap<object, Map<string, fc.Arbitrary<unknown>>>();

/** A value for `schema`: mostly shaped like it, sometimes of any other type. */
export function fromSchema(schema: unknown, temper: Temper = 'hostile', depth = 0): fc.Arbitrary<unknown> {
  const key = `${temper}:${depth}`;
  let bySchema = built.get(schema as object);
  if (!bySchema) built.set(schema as object, (bySchema = new Map()));
  let arbitrary = bySchema.get(key);
  if (!arbitrary) {
    const wrong = BREAK[temper].wrongType;
    arbitrary = fc.oneof({ arbitrary: shapedBy(schema, temper, depth), weight: 100 - wrong }, { arbitrary: hostileValue(), weight: wrong });
    bySchema.set(key, arbitrary);
  }
  return arbitrary;
}

function shapedBy(schema: unknown, temper: Temper, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return hostileValue();
  const def = defOf(schema);
  const inner = (child: unknown) => shapedBy(child, temper, depth);
  const field = (child: unknown) => fromSchema(child, temper, depth + 1);
  switch (def.type) {
    case 'string':
      return stringFrom(def, temper);
    case 'number':
    case 'int':
      return numberFrom(def, temper);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'optional':
      // Left out (a plausible client) or null (which an optional field does not take).
      return fc.oneof({ arbitrary: inner(def.innerType), weight: 4 }, { arbitrary: temper === 'plausible' ? fc.constant(undefined) : fc.constantFrom(undefined, null), weight: 1 });
    case 'nullable':
      return fc.oneof({ arbitrary: inner(def.innerType), weight: 4 }, { arbitrary: fc.constant(null), weight: 1 });
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return fc.oneof({ arbitrary: inner(def.innerType), weight: 4 }, { arbitrary: fc.constantFrom(undefined, null), weight: 1 });
    case 'pipe':
      return inner(def.in);
    case 'lazy':
      return shapedBy((def.getter as () => unknown)(), temper, depth + 1);
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map(inner));
    case 'intersection':
      return fc.tuple(inner(def.left), inner(def.right)).map(([a, b]) => (isObject(a) && isObject(b) ? { ...a, ...b } : a));
    case 'array':
      return fc.oneof(
        { arbitrary: fc.array(field(def.element), { maxLength: 5 }), weight: temper === 'plausible' ? 30 : 5 },
        // Many copies of a small item (a big one would make a body no client could even build).
        { arbitrary: fc.tuple(fc.integer({ min: 100, max: 20_000 }), field(def.element)).map(([n, item]) => ((JSON.stringify(item)?.length ?? 0) > 100 ? [item] : Array.from({ length: n }, () => item))), weight: 1 },
      );
    case 'tuple':
      return fc.tuple(...(def.items as unknown[]).map(field));
    case 'record': {
      const key = temper === 'plausible' ? fc.oneof({ arbitrary: inner(def.keyType) as fc.Arbitrary<string>, weight: 4 }, { arbitrary: hostileKey().map((k) => k.slice(0, 64)), weight: 1 }) : fc.oneof(hostileKey(), inner(def.keyType) as fc.Arbitrary<string>);
      const value = temper === 'plausible' ? fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null)) : field(def.valueType);
      return fc.array(fc.tuple(key, value), { maxLength: 5 }).map(objectOf);
    }
    case 'object':
      return objectFrom(def, temper, depth);
    default:
      // unknown, any, custom, transform…: anything goes.
      return hostileValue();
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Entries = Array<readonly [string, unknown]>;

/** Each field present (shaped or not) or missing, and sometimes extra hostile fields. */
function objectFrom(def: Def, temper: Temper, depth: number): fc.Arbitrary<unknown> {
  const { missing, extra } = BREAK[temper];
  const shape = def.shape as Record<string, unknown>;
  const fields = Object.entries(shape).map(([key, field]) =>
    fc.oneof({ arbitrary: fromSchema(field, temper, depth + 1).map((value): Entries => [[key, value]]), weight: 100 - missing }, { arbitrary: fc.constant<Entries>([]), weight: missing }),
  );
  const more = fc.oneof({ arbitrary: fc.constant<Entries>([]), weight: 100 - extra }, { arbitrary: fc.array(fc.tuple(hostileKey(), hostileValue()), { maxLength: 3 }), weight: extra });
  return fc.tuple(fc.tuple(...fields), more).map(([present, added]) => objectOf([...present.flat(), ...added]));
}

/** The object definition under optional, pipes and the like. */
function objectDef(schema: unknown): Def | undefined {
  let def = schema ? defOf(schema) : undefined;
  while (def && def.type !== 'object') {
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    def = defOf(inner);
  }
  return def;
}

/** The keys of an object schema, for building queries. */
export function keysOf(schema: z.ZodType | undefined): string[] {
  const def = objectDef(schema);
  return def ? Object.keys(def.shape as object) : [];
}

/** The schema of one field of an object schema (a path parameter's), if it has that field. */
export function fieldSchema(schema: z.ZodType | undefined, key: string): z.ZodType | undefined {
  const shape = objectDef(schema)?.shape as Record<string, z.ZodType> | undefined;
  return shape && Object.hasOwn(shape, key) ? shape[key] : undefined;
}
