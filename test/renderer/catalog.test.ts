/**
 * The TypeScript catalog types against the official catalog.json: the same components, the same
 * properties, the same required ones, the same enum values. Each table below is typed so that
 * `npm run typecheck` fails if it lists a key the type lacks or misses one it has; the tests then
 * compare the tables with the schema.
 */
import {
  BASIC_CATALOG_ID,
  COMPONENT_TYPES,
  type Align,
  type ButtonVariant,
  type ChoicePickerDisplayStyle,
  type ChoicePickerVariant,
  type Component,
  type ComponentType,
  type DividerAxis,
  type FunctionCall,
  type IconName,
  type ImageFit,
  type ImageVariant,
  type Justify,
  type ListDirection,
  type TextFieldVariant,
  type TextVariant,
} from '../../renderer';
import { readFixture } from './a2uiSchema';

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  enum?: string[];
  $defs?: Record<string, Schema>;
}

const catalog = readFixture('catalog.json') as { $id: string; catalogId: string; components: Record<string, Schema>; $defs: Record<string, Schema> };
const common = readFixture('common_types.json') as { $defs: Record<string, Schema> };

/** Resolves the refs a component's allOf uses (common_types.json#/$defs/X or #/$defs/X). */
function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop()!;
  const target = schema.$ref.startsWith('https://a2ui.org/specification/v0_9/common_types.json') ? common.$defs[name] : catalog.$defs[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return target;
}

/** All property names and the required ones of a catalog component, over its allOf. */
function schemaShape(type: ComponentType): { all: string[]; required: string[] } {
  const all = new Set<string>();
  const required = new Set<string>();
  for (const part of catalog.components[type]!.allOf!) {
    const schema = resolve(part);
    for (const key of Object.keys(schema.properties ?? {})) all.add(key);
    for (const key of schema.required ?? []) required.add(key);
  }
  return { all: [...all].sort(), required: [...required].sort() };
}

function componentProperty(type: ComponentType, prop: string): Schema {
  const own = catalog.components[type]!.allOf!.at(-1)!;
  const schema = own.properties?.[prop];
  if (!schema) throw new Error(`${type}.${prop} not in the catalog`);
  return schema;
}

type Of<C extends ComponentType> = Extract<Component, { component: C }>;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type Shape<C extends ComponentType> = { all: Record<keyof Of<C>, true>; required: Record<RequiredKeys<Of<C>>, true> };

const commonKeys = { id: true, component: true, accessibility: true, weight: true } as const;
const checkableKeys = { ...commonKeys, checks: true } as const;
const requiredKeys = { id: true, component: true } as const;

const SHAPES: { [C in ComponentType]: Shape<C> } = {
  Text: { all: { ...commonKeys, text: true, variant: true }, required: { ...requiredKeys, text: true } },
  Image: { all: { ...commonKeys, url: true, description: true, fit: true, variant: true }, required: { ...requiredKeys, url: true } },
  Icon: { all: { ...commonKeys, name: true }, required: { ...requiredKeys, name: true } },
  Video: { all: { ...commonKeys, url: true }, required: { ...requiredKeys, url: true } },
  AudioPlayer: { all: { ...commonKeys, url: true, description: true }, required: { ...requiredKeys, url: true } },
  Row: { all: { ...commonKeys, children: true, justify: true, align: true }, required: { ...requiredKeys, children: true } },
  Column: { all: { ...commonKeys, children: true, justify: true, align: true }, required: { ...requiredKeys, children: true } },
  List: { all: { ...commonKeys, children: true, direction: true, align: true }, required: { ...requiredKeys, children: true } },
  Card: { all: { ...commonKeys, child: true }, required: { ...requiredKeys, child: true } },
  Tabs: { all: { ...commonKeys, tabs: true }, required: { ...requiredKeys, tabs: true } },
  Modal: { all: { ...commonKeys, trigger: true, content: true }, required: { ...requiredKeys, trigger: true, content: true } },
  Divider: { all: { ...commonKeys, axis: true }, required: requiredKeys },
  Button: { all: { ...checkableKeys, child: true, variant: true, action: true }, required: { ...requiredKeys, child: true, action: true } },
  TextField: {
    all: { ...checkableKeys, label: true, value: true, variant: true, validationRegexp: true },
    required: { ...requiredKeys, label: true },
  },
  CheckBox: { all: { ...checkableKeys, label: true, value: true }, required: { ...requiredKeys, label: true, value: true } },
  ChoicePicker: {
    all: { ...checkableKeys, label: true, variant: true, options: true, value: true, displayStyle: true, filterable: true },
    required: { ...requiredKeys, options: true, value: true },
  },
  Slider: { all: { ...checkableKeys, label: true, min: true, max: true, value: true }, required: { ...requiredKeys, max: true, value: true } },
  DateTimeInput: {
    all: { ...checkableKeys, value: true, enableDate: true, enableTime: true, min: true, max: true, label: true },
    required: { ...requiredKeys, value: true },
  },
};

const JUSTIFY: Record<Justify, true> = {
  start: true, center: true, end: true, spaceBetween: true, spaceAround: true, spaceEvenly: true, stretch: true,
};
const ALIGN: Record<Align, true> = { start: true, center: true, end: true, stretch: true };

const ICON_NAMES: Record<IconName, true> = {
  accountCircle: true, add: true, arrowBack: true, arrowForward: true, attachFile: true, calendarToday: true, call: true,
  camera: true, check: true, close: true, delete: true, download: true, edit: true, event: true, error: true,
  fastForward: true, favorite: true, favoriteOff: true, folder: true, help: true, home: true, info: true,
  locationOn: true, lock: true, lockOpen: true, mail: true, menu: true, moreVert: true, moreHoriz: true,
  notificationsOff: true, notifications: true, pause: true, payment: true, person: true, phone: true, photo: true,
  play: true, print: true, refresh: true, rewind: true, search: true, send: true, settings: true, share: true,
  shoppingCart: true, skipNext: true, skipPrevious: true, star: true, starHalf: true, starOff: true, stop: true,
  upload: true, visibility: true, visibilityOff: true, volumeDown: true, volumeMute: true, volumeOff: true,
  volumeUp: true, warning: true,
};

describe('catalog types match catalog.json', () => {
  it('BASIC_CATALOG_ID is the catalog’s catalogId and $id', () => {
    expect(BASIC_CATALOG_ID).toBe(catalog.catalogId);
    expect(BASIC_CATALOG_ID).toBe(catalog.$id);
  });

  it('COMPONENT_TYPES lists the catalog’s components in anyComponent order', () => {
    const anyComponent = catalog.$defs.anyComponent!.oneOf!.map((s) => s.$ref!.replace('#/components/', ''));
    expect([...COMPONENT_TYPES]).toEqual(anyComponent);
    expect([...COMPONENT_TYPES].sort()).toEqual(Object.keys(catalog.components).sort());
  });

  it.each(COMPONENT_TYPES.map((type) => [type]))('%s has exactly the catalog’s properties and required ones', (type) => {
    const shape = SHAPES[type];
    expect(Object.keys(shape.all).sort()).toEqual(schemaShape(type).all);
    expect(Object.keys(shape.required).sort()).toEqual(schemaShape(type).required);
  });

  // Same trick for enums: a Record over the union must list each member, and no other.
  const ENUMS: Array<[ComponentType, string, Record<string, true>]> = [
    ['Text', 'variant', { h1: true, h2: true, h3: true, h4: true, h5: true, caption: true, body: true } satisfies Record<TextVariant, true>],
    ['Image', 'fit', { contain: true, cover: true, fill: true, none: true, scaleDown: true } satisfies Record<ImageFit, true>],
    [
      'Image',
      'variant',
      { icon: true, avatar: true, smallFeature: true, mediumFeature: true, largeFeature: true, header: true } satisfies Record<ImageVariant, true>,
    ],
    ['Row', 'justify', JUSTIFY],
    ['Column', 'justify', JUSTIFY],
    ['Row', 'align', ALIGN],
    ['Column', 'align', ALIGN],
    ['List', 'align', ALIGN],
    ['List', 'direction', { vertical: true, horizontal: true } satisfies Record<ListDirection, true>],
    ['Divider', 'axis', { horizontal: true, vertical: true } satisfies Record<DividerAxis, true>],
    ['Button', 'variant', { default: true, primary: true, borderless: true } satisfies Record<ButtonVariant, true>],
    ['TextField', 'variant', { longText: true, number: true, shortText: true, obscured: true } satisfies Record<TextFieldVariant, true>],
    ['ChoicePicker', 'variant', { multipleSelection: true, mutuallyExclusive: true } satisfies Record<ChoicePickerVariant, true>],
    ['ChoicePicker', 'displayStyle', { checkbox: true, chips: true } satisfies Record<ChoicePickerDisplayStyle, true>],
  ];

  it.each(ENUMS)('%s.%s enum', (type, prop, values) => {
    expect(Object.keys(values).sort()).toEqual([...componentProperty(type, prop).enum!].sort());
  });

  it('Icon names', () => {
    const names = componentProperty('Icon', 'name').oneOf![0]!.enum!;
    expect(Object.keys(ICON_NAMES).sort()).toEqual([...names].sort());
  });

  it('FunctionCall returnType', () => {
    const returnTypes = common.$defs.FunctionCall!.properties!.returnType!.enum!;
    const ours = { string: true, number: true, boolean: true, array: true, object: true, any: true, void: true } satisfies Record<
      NonNullable<FunctionCall['returnType']>,
      true
    >;
    expect(Object.keys(ours).sort()).toEqual([...returnTypes].sort());
  });
});
