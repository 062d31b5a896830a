/**
 * The A2UI v0.9 basic catalog as TypeScript types.
 *
 * Source of truth: `a2ui-spec/v0_9/catalogs/basic/catalog.json` and `json/common_types.json`.
 * Every property here exists in those schemas, with the same name, type and required-ness; nothing is
 * invented, so any official A2UI renderer can display what we emit. Optional properties are never set
 * to `undefined` in emitted objects (components must be plain JSON); the builders take care of that.
 * Enum defaults are noted in comments: omitting the property means the renderer uses the default.
 */

/** The catalog's own `catalogId` (also its `$id`): what `createSurface` names. */
export const BASIC_CATALOG_ID = 'https://a2ui.org/specification/v0_9/catalogs/basic/catalog.json';

// ---------------------------------------------------------------------------------------------
// Common types (common_types.json)
// ---------------------------------------------------------------------------------------------

/** A JSON Pointer into the data model; absolute (`/a/b`) or, inside a template, relative (`name`). */
export interface DataBinding {
  path: string;
}

/**
 * A client-side function call. The schema further requires `call` to be one of the catalog's
 * functions (required, regex, length, numeric, email, formatString, formatNumber, formatCurrency,
 * formatDate, pluralize, openUrl, and, or, not) with that function's `args`; kept open here because
 * each function's args differ and a Dynamic* slot only narrows `returnType`.
 */
export interface FunctionCall {
  call: string;
  args?: Record<string, unknown>;
  /** Schema default: 'boolean'. */
  returnType?: 'string' | 'number' | 'boolean' | 'array' | 'object' | 'any' | 'void';
}

export type DynamicString = string | DataBinding | FunctionCall;
export type DynamicNumber = number | DataBinding | FunctionCall;
export type DynamicBoolean = boolean | DataBinding | FunctionCall;
export type DynamicStringList = string[] | DataBinding | FunctionCall;
/** No plain object and no null: the schema's DynamicValue is string|number|boolean|array|binding|call. */
export type DynamicValue = string | number | boolean | unknown[] | DataBinding | FunctionCall;

/** Children by id, or a template: `componentId` is rendered once per item of the list at `path`. */
export type ChildList = string[] | { componentId: string; path: string };

/** Either a server-side event (what our plugins receive) or a local client-side function. */
export type Action =
  | { event: { name: string; context?: Record<string, DynamicValue> } }
  | { functionCall: FunctionCall };

/** One validation rule of a Checkable component; shown as `message` when `condition` is false. */
export interface CheckRule {
  condition: DynamicBoolean;
  message: string;
}

export interface AccessibilityAttributes {
  label?: DynamicString;
  description?: DynamicString;
}

/** ComponentCommon (minus `id`, which the Component union adds) + the catalog's CatalogComponentCommon. */
export interface CommonProps {
  accessibility?: AccessibilityAttributes;
  /** flex-grow inside a Row or Column; only valid on a direct child of one. */
  weight?: number;
}

/** The catalog mixes Checkable into Button, TextField, CheckBox, ChoicePicker, Slider, DateTimeInput. */
export interface CheckableProps extends CommonProps {
  checks?: CheckRule[];
}

// ---------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------

/** Default 'body'. */
export type TextVariant = 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'caption' | 'body';
/** CSS object-fit, camelCased. Default 'fill'. */
export type ImageFit = 'contain' | 'cover' | 'fill' | 'none' | 'scaleDown';
/** Default 'mediumFeature'. */
export type ImageVariant = 'icon' | 'avatar' | 'smallFeature' | 'mediumFeature' | 'largeFeature' | 'header';
export type IconName =
  | 'accountCircle' | 'add' | 'arrowBack' | 'arrowForward' | 'attachFile' | 'calendarToday' | 'call'
  | 'camera' | 'check' | 'close' | 'delete' | 'download' | 'edit' | 'event' | 'error' | 'fastForward'
  | 'favorite' | 'favoriteOff' | 'folder' | 'help' | 'home' | 'info' | 'locationOn' | 'lock' | 'lockOpen'
  | 'mail' | 'menu' | 'moreVert' | 'moreHoriz' | 'notificationsOff' | 'notifications' | 'pause'
  | 'payment' | 'person' | 'phone' | 'photo' | 'play' | 'print' | 'refresh' | 'rewind' | 'search'
  | 'send' | 'settings' | 'share' | 'shoppingCart' | 'skipNext' | 'skipPrevious' | 'star' | 'starHalf'
  | 'starOff' | 'stop' | 'upload' | 'visibility' | 'visibilityOff' | 'volumeDown' | 'volumeMute'
  | 'volumeOff' | 'volumeUp' | 'warning';
/** Main-axis arrangement of Row and Column (same set for both). Default 'start'. */
export type Justify = 'start' | 'center' | 'end' | 'spaceBetween' | 'spaceAround' | 'spaceEvenly' | 'stretch';
/** Cross-axis alignment of Row, Column and List. Default 'stretch'. */
export type Align = 'start' | 'center' | 'end' | 'stretch';
/** Default 'vertical'. */
export type ListDirection = 'vertical' | 'horizontal';
/** Default 'horizontal'. */
export type DividerAxis = 'horizontal' | 'vertical';
/** Default 'default'; 'borderless' looks like a link. */
export type ButtonVariant = 'default' | 'primary' | 'borderless';
/** Default 'shortText'. */
export type TextFieldVariant = 'longText' | 'number' | 'shortText' | 'obscured';
/** Default 'mutuallyExclusive'. */
export type ChoicePickerVariant = 'multipleSelection' | 'mutuallyExclusive';
/** Default 'checkbox'. */
export type ChoicePickerDisplayStyle = 'checkbox' | 'chips';

// ---------------------------------------------------------------------------------------------
// Component props (everything but `id` and `component`)
// ---------------------------------------------------------------------------------------------

export interface TextProps extends CommonProps {
  /** Simple Markdown (no HTML, images or links) is allowed. */
  text: DynamicString;
  variant?: TextVariant;
}

export interface ImageProps extends CommonProps {
  url: DynamicString;
  description?: DynamicString;
  fit?: ImageFit;
  variant?: ImageVariant;
}

export interface IconProps extends CommonProps {
  name: IconName | { svgPath: string } | DataBinding;
}

export interface VideoProps extends CommonProps {
  url: DynamicString;
}

export interface AudioPlayerProps extends CommonProps {
  url: DynamicString;
  description?: DynamicString;
}

export interface RowProps extends CommonProps {
  children: ChildList;
  justify?: Justify;
  align?: Align;
}

export interface ColumnProps extends CommonProps {
  children: ChildList;
  justify?: Justify;
  align?: Align;
}

export interface ListProps extends CommonProps {
  children: ChildList;
  direction?: ListDirection;
  align?: Align;
}

export interface CardProps extends CommonProps {
  /** One child id; several elements need a Row/Column wrapper. */
  child: string;
}

export interface Tab {
  title: DynamicString;
  child: string;
}

export interface TabsProps extends CommonProps {
  /** The schema requires at least one tab (minItems 1). */
  tabs: Tab[];
}

export interface ModalProps extends CommonProps {
  /** The component that opens the modal (e.g. a Button). */
  trigger: string;
  content: string;
}

export interface DividerProps extends CommonProps {
  axis?: DividerAxis;
}

export interface ButtonProps extends CheckableProps {
  /** Usually a Text (the label); an Icon only for icon-only buttons. */
  child: string;
  variant?: ButtonVariant;
  action: Action;
}

export interface TextFieldProps extends CheckableProps {
  label: DynamicString;
  value?: DynamicString;
  variant?: TextFieldVariant;
  validationRegexp?: string;
}

export interface CheckBoxProps extends CheckableProps {
  label: DynamicString;
  value: DynamicBoolean;
}

export interface ChoiceOption {
  label: DynamicString;
  /** The stable value stored in the selection. */
  value: string;
}

export interface ChoicePickerProps extends CheckableProps {
  label?: DynamicString;
  variant?: ChoicePickerVariant;
  options: ChoiceOption[];
  /** The selected values; bind it to a string array in the data model. */
  value: DynamicStringList;
  displayStyle?: ChoicePickerDisplayStyle;
  /** Default false. */
  filterable?: boolean;
}

export interface SliderProps extends CheckableProps {
  label?: DynamicString;
  /** Literal numbers only (not Dynamic). Default 0. */
  min?: number;
  max: number;
  value: DynamicNumber;
}

export interface DateTimeInputProps extends CheckableProps {
  /** ISO 8601; '' when not yet set. */
  value: DynamicString;
  /** Default false. */
  enableDate?: boolean;
  /** Default false. */
  enableTime?: boolean;
  /** A literal must be an ISO 8601 date, time or date-time. */
  min?: DynamicString;
  max?: DynamicString;
  label?: DynamicString;
}

// ---------------------------------------------------------------------------------------------
// Components: the wire shape `{id, component: '<Name>', ...props}`
// ---------------------------------------------------------------------------------------------

export interface TextComponent extends TextProps { id: string; component: 'Text' }
export interface ImageComponent extends ImageProps { id: string; component: 'Image' }
export interface IconComponent extends IconProps { id: string; component: 'Icon' }
export interface VideoComponent extends VideoProps { id: string; component: 'Video' }
export interface AudioPlayerComponent extends AudioPlayerProps { id: string; component: 'AudioPlayer' }
export interface RowComponent extends RowProps { id: string; component: 'Row' }
export interface ColumnComponent extends ColumnProps { id: string; component: 'Column' }
export interface ListComponent extends ListProps { id: string; component: 'List' }
export interface CardComponent extends CardProps { id: string; component: 'Card' }
export interface TabsComponent extends TabsProps { id: string; component: 'Tabs' }
export interface ModalComponent extends ModalProps { id: string; component: 'Modal' }
export interface DividerComponent extends DividerProps { id: string; component: 'Divider' }
export interface ButtonComponent extends ButtonProps { id: string; component: 'Button' }
export interface TextFieldComponent extends TextFieldProps { id: string; component: 'TextField' }
export interface CheckBoxComponent extends CheckBoxProps { id: string; component: 'CheckBox' }
export interface ChoicePickerComponent extends ChoicePickerProps { id: string; component: 'ChoicePicker' }
export interface SliderComponent extends SliderProps { id: string; component: 'Slider' }
export interface DateTimeInputComponent extends DateTimeInputProps { id: string; component: 'DateTimeInput' }

/** Discriminated on `component`, as the catalog's `anyComponent` is. */
export type Component =
  | TextComponent
  | ImageComponent
  | IconComponent
  | VideoComponent
  | AudioPlayerComponent
  | RowComponent
  | ColumnComponent
  | ListComponent
  | CardComponent
  | TabsComponent
  | ModalComponent
  | DividerComponent
  | ButtonComponent
  | TextFieldComponent
  | CheckBoxComponent
  | ChoicePickerComponent
  | SliderComponent
  | DateTimeInputComponent;

export type ComponentType = Component['component'];

/** In the catalog's `anyComponent` order. */
export const COMPONENT_TYPES = [
  'Text',
  'Image',
  'Icon',
  'Video',
  'AudioPlayer',
  'Row',
  'Column',
  'List',
  'Card',
  'Tabs',
  'Modal',
  'Divider',
  'Button',
  'TextField',
  'CheckBox',
  'ChoicePicker',
  'Slider',
  'DateTimeInput',
] as const satisfies readonly ComponentType[];

// Compile-time guard: a type added to the union but not to the list fails to type-check here.
type AssertNever<T extends never> = T;
type ListIsComplete = AssertNever<Exclude<ComponentType, (typeof COMPONENT_TYPES)[number]>>;
