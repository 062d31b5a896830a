/**
 * The official A2UI v0.9 JSON schemas, compiled with Ajv (draft 2020-12), for tests.
 *
 * The schemas are read from test/fixtures/a2ui-v0_9: unchanged copies of the specification's, kept in
 * the repository so the tests need nothing outside it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'a2ui-v0_9');

export function readFixture(name: 'catalog.json' | 'common_types.json'): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

/** The alias under which common_types.json finds the catalog (see validators). */
const CATALOG_ALIAS_ID = 'https://a2ui.org/specification/v0_9/catalog.json';

interface Validators {
  /** The gate: catalog.json#/$defs/anyComponent. */
  anyComponent: ValidateFunction;
  /** Per type (catalog.json#/components/<Type>), only to explain a failure: anyComponent is a
   *  oneOf, so its own errors list every branch that did not match. */
  byType: (type: string) => ValidateFunction | undefined;
}

let cached: Validators | undefined;

function validators(): Validators {
  if (cached) return cached;
  const catalog = readFixture('catalog.json');
  const common = readFixture('common_types.json');

  // strictTypes off: the spec's schemas use `properties`/`format` without a sibling `type` (valid
  // JSON Schema, but Ajv would log a warning for each). Strict schema checking stays on.
  const ajv = new Ajv2020({ allErrors: true, strictTypes: false });
  // Keywords of the catalog that carry no validation (metadata, schema containers, and an OpenAPI
  // `discriminator` whose `oneOf` Ajv still enforces); declared so strict mode accepts them.
  ajv.addVocabulary(['catalogId', 'components', 'functions', 'discriminator']);
  // Ajv knows no formats by itself, and ignoring them is wrong here: DateTimeInput min/max say
  // `oneOf: [{format: date}, {format: time}, {format: date-time}]`, so with formats ignored all three
  // match and every literal min/max fails. These RFC 3339 shapes are enough to tell them apart.
  ajv.addFormat('date', /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
  ajv.addFormat('time', /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]\d\d:\d\d)?$/);
  ajv.addFormat(
    'date-time',
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/,
  );
  ajv.addFormat('uri', /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/);

  ajv.addSchema(common);
  ajv.addSchema(catalog);
  // common_types.json's FunctionCall refers to `catalog.json#/$defs/anyFunction`, relative to its own
  // $id (.../v0_9/common_types.json), i.e. .../v0_9/catalog.json: the catalog again under that id.
  ajv.addSchema({ ...catalog, $id: CATALOG_ALIAS_ID });

  const catalogId = String(catalog.$id);
  const components = catalog.components as Record<string, unknown>;
  const anyComponent = ajv.getSchema(`${catalogId}#/$defs/anyComponent`);
  if (!anyComponent) throw new Error('anyComponent not found in the catalog schema');
  cached = {
    anyComponent,
    byType: (type) => (Object.hasOwn(components, type) ? ajv.getSchema(`${catalogId}#/components/${type}`) : undefined),
  };
  return cached;
}

/** null when the component is valid per anyComponent, else readable errors (so a test says why). */
export function schemaErrors(component: unknown): string | null {
  const { anyComponent, byType } = validators();
  if (anyComponent(component)) return null;
  const type = (component as { component?: unknown } | null)?.component;
  const specific = typeof type === 'string' ? byType(type) : undefined;
  const explain = specific && !specific(component) ? specific : anyComponent;
  return (explain.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}
