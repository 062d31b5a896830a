/**
 * One builder per basic-catalog component. A builder makes the wire object once (ids where the catalog
 * expects ids) plus the node's `kids`, so flattening a tree (`buildSurface`) only collects objects and
 * never copies or rewrites them: the same object can then be compared by `===` across renders.
 *
 * Props whose value is `undefined` are left out, so every component is plain JSON (an `undefined`
 * would vanish in JSON.stringify but not in a structural diff, which would then report a phantom
 * change). Nested objects (actions, options, bindings) are used as given, not copied.
 * Nothing is frozen (a cost on every render); nothing is mutated after it is built.
 */
import type {
  Action,
  AudioPlayerProps,
  ButtonProps,
  CardProps,
  CheckBoxProps,
  ChildList,
  ChoicePickerProps,
  ColumnProps,
  Component,
  ComponentType,
  DataBinding,
  DateTimeInputProps,
  DividerProps,
  DynamicString,
  DynamicValue,
  IconProps,
  ImageProps,
  ListProps,
  ModalProps,
  RowProps,
  SliderProps,
  TabsProps,
  TextFieldProps,
  TextProps,
  VideoProps,
} from './catalog';
import type { IdRef, UiNode } from './node';

/** A child defined in place (a node, which becomes one of `kids`) or the id of one defined elsewhere. */
export type ChildRef = UiNode | string;
/** A fixed list of children, or a template rendered once per item of the data-model list at `path`. */
export type ChildRefs = readonly ChildRef[] | { template: ChildRef; path: string };

export interface RowInput extends Omit<RowProps, 'children'> { children: ChildRefs }
export interface ColumnInput extends Omit<ColumnProps, 'children'> { children: ChildRefs }
export interface ListInput extends Omit<ListProps, 'children'> { children: ChildRefs }
export interface CardInput extends Omit<CardProps, 'child'> { child: ChildRef }
export interface ButtonInput extends Omit<ButtonProps, 'child'> { child: ChildRef }
export interface TabInput { title: DynamicString; child: ChildRef }
export interface TabsInput extends Omit<TabsProps, 'tabs'> { tabs: readonly TabInput[] }
export interface ModalInput extends Omit<ModalProps, 'trigger' | 'content'> { trigger: ChildRef; content: ChildRef }

/** Leaves share one empty kids array instead of allocating one each (frozen: it is shared). */
const NO_KIDS: readonly UiNode[] = Object.freeze([]);

/** `{id, component: type}` followed by the defined props, in the caller's order. */
function wire(id: string, type: ComponentType, props: object): Record<string, unknown> {
  const out: Record<string, unknown> = { id, component: type };
  const source = props as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** What a container's references collect while its wire object is built. */
interface Refs {
  kids: UiNode[];
  ids: IdRef[];
}

/** The id for the wire; a node joins the kids, a string id the references to check (both in order). */
function ref(child: ChildRef, refs: Refs, property: string): string {
  if (typeof child === 'string') {
    refs.ids.push({ property, id: child });
    return child;
  }
  refs.kids.push(child);
  return child.id;
}

function childList(children: ChildRefs, refs: Refs): ChildList {
  if ('template' in children) return { componentId: ref(children.template, refs, 'children.componentId'), path: children.path };
  const ids = new Array<string>(children.length);
  for (let i = 0; i < children.length; i++) ids[i] = ref(children[i]!, refs, `children[${i}]`);
  return ids;
}

// The casts below are where the loosely built wire object becomes its catalog type; the builder's
// parameter type is what guarantees the shape.
function leaf(id: string, type: ComponentType, props: object): UiNode {
  return { id, component: wire(id, type, props) as unknown as Component, kids: NO_KIDS };
}

/** A node whose component references others: `fill` puts the ids in place through `ref`. */
function withRefs(id: string, type: ComponentType, props: object, fill: (component: Record<string, unknown>, refs: Refs) => void): UiNode {
  const refs: Refs = { kids: [], ids: [] };
  const component = wire(id, type, props);
  fill(component, refs);
  const wired = component as unknown as Component;
  return refs.ids.length > 0 ? { id, component: wired, kids: refs.kids, refs: refs.ids } : { id, component: wired, kids: refs.kids };
}

function container(id: string, type: 'Row' | 'Column' | 'List', props: { children: ChildRefs }): UiNode {
  return withRefs(id, type, props, (c, refs) => (c.children = childList(props.children, refs)));
}

export function text(id: string, props: TextProps): UiNode {
  return leaf(id, 'Text', props);
}

export function image(id: string, props: ImageProps): UiNode {
  return leaf(id, 'Image', props);
}

export function icon(id: string, props: IconProps): UiNode {
  return leaf(id, 'Icon', props);
}

export function video(id: string, props: VideoProps): UiNode {
  return leaf(id, 'Video', props);
}

export function audioPlayer(id: string, props: AudioPlayerProps): UiNode {
  return leaf(id, 'AudioPlayer', props);
}

export function row(id: string, props: RowInput): UiNode {
  return container(id, 'Row', props);
}

export function column(id: string, props: ColumnInput): UiNode {
  return container(id, 'Column', props);
}

export function list(id: string, props: ListInput): UiNode {
  return container(id, 'List', props);
}

export function card(id: string, props: CardInput): UiNode {
  return withRefs(id, 'Card', props, (c, refs) => (c.child = ref(props.child, refs, 'child')));
}

export function tabs(id: string, props: TabsInput): UiNode {
  return withRefs(id, 'Tabs', props, (c, refs) => {
    c.tabs = props.tabs.map((tab, i) => ({ title: tab.title, child: ref(tab.child, refs, `tabs[${i}].child`) }));
  });
}

export function divider(id: string, props: DividerProps = {}): UiNode {
  return leaf(id, 'Divider', props);
}

export function modal(id: string, props: ModalInput): UiNode {
  return withRefs(id, 'Modal', props, (c, refs) => {
    c.trigger = ref(props.trigger, refs, 'trigger');
    c.content = ref(props.content, refs, 'content');
  });
}

export function button(id: string, props: ButtonInput): UiNode {
  return withRefs(id, 'Button', props, (c, refs) => (c.child = ref(props.child, refs, 'child')));
}

export function checkBox(id: string, props: CheckBoxProps): UiNode {
  return leaf(id, 'CheckBox', props);
}

export function textField(id: string, props: TextFieldProps): UiNode {
  return leaf(id, 'TextField', props);
}

export function dateTimeInput(id: string, props: DateTimeInputProps): UiNode {
  return leaf(id, 'DateTimeInput', props);
}

export function choicePicker(id: string, props: ChoicePickerProps): UiNode {
  return leaf(id, 'ChoicePicker', props);
}

export function slider(id: string, props: SliderProps): UiNode {
  return leaf(id, 'Slider', props);
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** A data-model binding: `bind('/mail/draft/subject')`. */
export function bind(path: string): DataBinding {
  return { path };
}

/** A server-side event action; `context` is left out when not given. */
export function event(name: string, context?: Record<string, DynamicValue>): Action {
  return context === undefined ? { event: { name } } : { event: { name, context } };
}

/** The common labelled button: a Button whose child is a Text with id `${id}.label`. */
export function labelButton(
  id: string,
  label: DynamicString,
  action: Action,
  opts?: Omit<ButtonInput, 'child' | 'action'>,
): UiNode {
  return button(id, { ...opts, child: text(`${id}.label`, { text: label }), action });
}
