/**
 * The contract between the surface view and the per-component element code: a view owns one
 * element (and what is inside it, except the children's elements), updates it in place from the
 * component's props, and names the containers its children go into. It never touches other
 * components' elements: the surface view places those, so an op changes only the elements it concerns.
 */
import type { Component } from '../../../renderer/catalog';
import type { ChildRef, RenderContext } from '../render-context';

export type { Component, ChildRef, RenderContext };

/** A container element and the children that belong in it, in order. */
export interface Slot {
  container: Element;
  children: ChildRef[];
}

/** What an element can ask of the surface when the user interacts with it. */
export interface ComponentHost {
  readonly id: string;
  /** Unique per rendered element: for radio group names and label/input ids. */
  readonly uid: string;
  /** The component as it is now in the document (props change after the element was created). */
  component(): Component | undefined;
  /** A context in this element's scope that records nothing: for reads at event time. */
  context(): RenderContext;
  /** Two-way binding: writes the local data model and re-renders what reads it. */
  write(pointer: string, value: unknown): void;
  /** Runs a Button action (`event` → server action, answered when the server has; `functionCall` → local function). */
  dispatch(action: unknown): void | Promise<unknown>;
  /** Re-renders this element and its slots after a change of local UI state (a tab switch). */
  refresh(): void;
}

export interface ComponentView<C extends Component = Component> {
  readonly el: HTMLElement;
  /** Where `accessibility.label`/`description` go when not on `el` (an input inside a wrapper). */
  readonly a11yTarget?: HTMLElement;
  /** Updates this element's own attributes and text; never its children's elements. */
  update(component: C, ctx: RenderContext): void;
  /** The containers of child components, for components that have children. */
  slots?(component: C, ctx: RenderContext): Slot[];
  /** True when the props need a different element (a Text becoming a heading). */
  needsNewElement?(component: C): boolean;
  dispose?(): void;
}

export type ComponentFactory<C extends Component = Component> = (component: C, host: ComponentHost) => ComponentView<C>;
