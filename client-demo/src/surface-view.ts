/**
 * The surface view: the client's copy of the surface document `{components, dataModel}` and the DOM
 * that shows it, kept in step one RFC 6902 op at a time.
 *
 * Each rendered component is a RenderNode: one element, the scope its relative paths resolve in, its
 * child nodes by key, and the data pointers it read (its bindings). An op is applied to the document
 * with fast-json-patch, then only what it touched is updated (op-targets.ts says what that is):
 *
 * - `/components/<id>` added: rendered when a parent lists it (or mounted, for `root`); replaced:
 *   re-rendered in place (a new element only when the type changed); removed: dropped with its bindings.
 * - `/components/<id>/<prop>...`: that element's own attributes and text; for `children`, `child`,
 *   `tabs`, `trigger` and `content`, its child elements are reconciled (existing nodes moved, new ones
 *   inserted, gone ones removed; never re-created).
 * - `/dataModel/<pointer>`: the elements bound to that pointer, above it or below it (bindings.ts).
 *
 * All ops of one frame are applied to the document first and the DOM is updated once after, so an
 * element touched by several ops of a frame is rendered once. A component rendered by a template
 * exists once per item (each with its own scope), so an id maps to a set of nodes.
 */
import { applyOperation, validator, type Operation, type Validator } from 'fast-json-patch';
import { BindingIndex, readPointer, writePointer } from './bindings';
import { factoryFor } from './components';
import { setAttr, setStyle } from './components/dom';
import type { Component, ComponentHost, ComponentView, Slot } from './components/types';
import { opTargets, type OpTarget } from './op-targets';
import { placeChildren } from './place-children';
import { createRenderContext, type ChildRef, type RenderContext } from './render-context';
import { openInNewTab, safeUrl } from './safe-url';
import { isObject } from './values';

export interface SurfaceDocument {
  components: Record<string, Component>;
  dataModel: Record<string, unknown>;
}

export interface SurfaceViewOptions {
  /** A Button's `event` action, its context resolved against the data model. */
  onAction(name: string, payload: Record<string, unknown>, componentId: string): void | Promise<unknown>;
  /** An input wrote the local data model (two-way binding). */
  onDataChange?(pointer: string, value: unknown): void;
  /** Opens an http(s) URL (an `openUrl` action); default: a new tab without an opener. */
  openUrl?(url: string): void;
  /** Called with each new element and its component id (the page's own conventions, shell-conventions.ts). */
  decorate?(el: HTMLElement, id: string): void;
}

/** Props that only name child components: a change re-places children, the element's own props stay. */
const STRUCTURE_ONLY_PROPS = new Set(['children', 'child', 'trigger', 'content']);
/** Every prop that names child components (`tabs` also carries the titles, which are own props). */
const STRUCTURAL_PROPS = new Set([...STRUCTURE_ONLY_PROPS, 'tabs']);
/** Deeper than any real UI; stops runaway recursion through templates or malformed references. */
const MAX_DEPTH = 256;

interface RenderNode {
  readonly id: string;
  readonly scope: string;
  /** The item index when this node is the root of a template instance. */
  readonly index: number | undefined;
  /** Inside a template instance: never shared, never adopted by another parent. */
  readonly instanced: boolean;
  readonly depth: number;
  key: string;
  type: unknown;
  view: ComponentView;
  parent: RenderNode | null;
  children: Map<string, RenderNode>;
  propPaths: string[];
  slotPaths: string[];
  /** The accessibility attribute values this view last set (so that clearing one clears only ours). */
  aria: { label: string | null; description: string | null };
  /** The render pass in which props / slots were last rendered: each is done at most once a pass. */
  propPass: number;
  slotPass: number;
  alive: boolean;
  /** Dropped by its parent; destroyed at the end of the batch unless another parent adopts it. */
  orphaned: boolean;
}

/** What the ops of one frame touched, collected before the DOM is updated. */
class Changes {
  allComponents = false;
  readonly whole = new Set<string>();
  readonly props = new Map<string, Set<string>>();
  /** A set: a burst of ops into one array (appended lines) names it once, so its readers are looked up once. */
  readonly data = new Set<string>();

  record(targets: OpTarget[]): void {
    for (const target of targets) {
      if (target.kind === 'components' || target.kind === 'document') this.allComponents = true;
      else if (target.kind === 'data') this.data.add(target.pointer);
      else if (target.prop === null) this.whole.add(target.id);
      else setIn(this.props, target.id).add(target.prop);
    }
  }
}

/** The set under `key`, created empty when there is none. */
function setIn<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

/**
 * fast-json-patch's validator, except that `move`/`copy` check their source with a plain lookup: the
 * library's check runs a validation patch on a deep clone of the whole document, for every move.
 */
const validateOp: Validator<SurfaceDocument> = (op, index, document, existingPath) => {
  if (op.op === 'move' || op.op === 'copy') {
    validator(op, index);
    if (readPointer(document, op.from) === undefined) throw new Error(`a2ui: "from" does not exist: ${op.from}`);
    return;
  }
  validator(op, index, document, existingPath);
};

let viewCount = 0;

export class SurfaceView {
  private doc: SurfaceDocument = { components: {}, dataModel: {} };
  private root: RenderNode | null = null;
  private readonly nodesById = new Map<string, Set<RenderNode>>();
  /** Nodes outside templates, one per id: a parent that lists the id takes this node (a move). */
  private readonly staticNodes = new Map<string, RenderNode>();
  private readonly propBindings = new BindingIndex<RenderNode>();
  private readonly slotBindings = new BindingIndex<RenderNode>();
  /** Ids listed by a parent before the component existed: that parent is reconciled when it arrives. */
  private readonly waiting = new Map<string, Set<RenderNode>>();
  private orphans: Set<RenderNode> | null = null;
  private pass = 0;
  private uid = 0;
  private readonly uidPrefix = `a2s${++viewCount}-`;
  private broken = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly options: SurfaceViewOptions,
  ) {}

  /** The live data model (read it, do not change it: use setData). */
  get dataModel(): Record<string, unknown> {
    return this.doc.dataModel;
  }

  /** The live document. */
  get document(): Readonly<SurfaceDocument> {
    return this.doc;
  }

  /** True after an op failed to apply: the document may be half-patched until the next snapshot. */
  get stale(): boolean {
    return this.broken;
  }

  /** A field shows an error now (a check failed after a touch, or the server's verdict at the field). */
  showsFieldError(): boolean {
    return this.container.querySelector('[aria-invalid="true"]') !== null;
  }

  /** Replaces the whole document and rebuilds the DOM (the only full rebuild). Takes ownership of `doc`. */
  applySnapshot(doc: unknown): void {
    this.batch(() => this.reset(doc));
  }

  /**
   * Applies ops in order and updates the DOM once. False when an op did not apply: the document is
   * then out of step with the server (the caller resyncs with a snapshot); the ops before it stay.
   */
  applyOps(ops: readonly Operation[]): boolean {
    if (!Array.isArray(ops)) return false;
    let ok = true;
    this.batch(() => {
      const changes = new Changes();
      for (const op of ops as unknown[]) {
        if (!isObject(op) || typeof op.path !== 'string') {
          ok = false;
          break;
        }
        if (op.path === '') {
          // A snapshot (possibly followed by more ops): the document is replaced and rebuilt.
          if (op.op === 'replace' || op.op === 'add') {
            this.reset(op.value);
            continue;
          }
          if (op.op === 'test') continue;
          ok = false;
          break;
        }
        try {
          applyOperation(this.doc, op as unknown as Operation, validateOp, true, true);
        } catch (error) {
          console.warn('a2ui: op did not apply', op, error);
          ok = false;
          break;
        }
        changes.record(opTargets(op as unknown as Operation));
      }
      this.flush(changes);
    });
    if (!ok) this.broken = true;
    return ok;
  }

  /** Two-way binding: writes the local data model and re-renders what reads `pointer`. */
  setData(pointer: string, value: unknown): boolean {
    if (!writePointer(this.doc.dataModel, pointer, value)) return false;
    this.batch(() => {
      this.pass++;
      this.dataChanged(pointer);
    });
    this.options.onDataChange?.(pointer, value);
    return true;
  }

  /** The elements rendering component `id` (one, or one per template item). */
  elementsOf(id: string): HTMLElement[] {
    return this.nodesOf(id).map((node) => node.view.el);
  }

  destroy(): void {
    this.batch(() => this.destroyAll());
    this.container.replaceChildren();
    this.doc = { components: {}, dataModel: {} };
  }

  // ---------------------------------------------------------------------------------------------
  // Documents and ops
  // ---------------------------------------------------------------------------------------------

  private reset(doc: unknown): void {
    const value = isObject(doc) ? doc : {};
    this.doc = {
      components: isObject(value.components) ? (value.components as Record<string, Component>) : {},
      dataModel: isObject(value.dataModel) ? value.dataModel : {},
    };
    this.broken = false;
    this.rebuild();
  }

  private rebuild(): void {
    this.destroyAll();
    this.container.replaceChildren();
    this.mountRoot();
  }

  private destroyAll(): void {
    for (const nodes of [...this.nodesById.values()]) for (const node of [...nodes]) this.destroyNode(node);
    this.root = null;
    this.nodesById.clear();
    this.staticNodes.clear();
    this.waiting.clear();
    this.propBindings.clear();
    this.slotBindings.clear();
  }

  /** Updates the DOM for everything one frame's ops touched; the document is final by now. */
  private flush(changes: Changes): void {
    this.pass++;
    if (!isObject(this.doc.dataModel)) this.doc.dataModel = {};
    if (changes.allComponents || !isObject(this.doc.components)) {
      if (!isObject(this.doc.components)) this.doc.components = {};
      this.rebuild();
      return;
    }
    for (const id of changes.whole) {
      const nodes = this.nodesOf(id);
      if (!this.component(id)) {
        for (const node of nodes) this.orphan(node);
        continue;
      }
      for (const node of nodes) this.render(node);
      if (id === 'root' && !this.root) this.mountRoot();
      this.wake(id);
    }
    for (const [id, props] of changes.props) {
      let structure = false;
      let own = false;
      for (const prop of props) {
        if (STRUCTURAL_PROPS.has(prop)) structure = true;
        if (!STRUCTURE_ONLY_PROPS.has(prop)) own = true;
      }
      for (const node of this.nodesOf(id)) {
        if (own) this.renderProps(node);
        if (structure) this.reconcile(node);
      }
    }
    for (const pointer of changes.data) this.dataChanged(pointer);
  }

  /** Re-renders what reads `pointer`: structure first, so items that went away are not rendered. */
  private dataChanged(pointer: string): void {
    for (const node of this.slotBindings.affected(pointer)) this.reconcile(node);
    for (const node of this.propBindings.affected(pointer)) this.renderProps(node);
  }

  /** Runs `fn`; nodes orphaned meanwhile and not adopted by another parent are destroyed after it. */
  private batch(fn: () => void): void {
    if (this.orphans) {
      fn();
      return;
    }
    const orphans = (this.orphans = new Set());
    try {
      fn();
    } finally {
      this.orphans = null;
      for (const node of orphans) if (node.orphaned) this.destroyNode(node);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes
  // ---------------------------------------------------------------------------------------------

  /** The nodes of component `id`, as a copy: rendering them may add or drop nodes. */
  private nodesOf(id: string): RenderNode[] {
    const nodes = this.nodesById.get(id);
    return nodes ? [...nodes] : [];
  }

  private component(id: string): Component | undefined {
    const components = this.doc.components;
    const component = Object.prototype.hasOwnProperty.call(components, id) ? components[id] : undefined;
    return isObject(component) ? component : undefined;
  }

  private mountRoot(): void {
    const node = this.createNode({ id: 'root', scope: '' }, null, 'root');
    if (!node) return;
    this.root = node;
    this.container.appendChild(node.view.el);
  }

  private createNode(ref: ChildRef, parent: RenderNode | null, key: string): RenderNode | null {
    const component = this.component(ref.id);
    if (!component) {
      if (parent) this.wait(ref.id, parent);
      return null;
    }
    const depth = parent ? parent.depth + 1 : 0;
    for (let p = parent; p; p = p.parent) {
      if (p.id === ref.id && p.scope === ref.scope) {
        console.warn(`a2ui: component "${ref.id}" contains itself; not rendered again`);
        return null;
      }
    }
    if (depth > MAX_DEPTH) {
      console.warn(`a2ui: component "${ref.id}" is nested deeper than ${MAX_DEPTH} levels; not rendered`);
      return null;
    }
    const instanced = ref.index !== undefined || (parent?.instanced ?? false);
    const node: RenderNode = {
      id: ref.id,
      scope: ref.scope,
      index: ref.index,
      instanced,
      depth,
      key,
      type: component.component,
      view: undefined as unknown as ComponentView,
      parent,
      children: new Map(),
      propPaths: [],
      slotPaths: [],
      aria: { label: null, description: null },
      propPass: -1,
      slotPass: -1,
      alive: true,
      orphaned: false,
    };
    node.view = this.createView(component, node);
    setIn(this.nodesById, ref.id).add(node);
    if (!instanced) this.staticNodes.set(ref.id, node);
    this.render(node);
    return node;
  }

  private createView(component: Component, node: RenderNode): ComponentView {
    const view = factoryFor(component.component)(component, this.hostFor(node));
    view.el.setAttribute('data-id', node.id);
    view.el.setAttribute('data-component', String(component.component));
    if (node.index !== undefined) view.el.setAttribute('data-index', String(node.index));
    this.options.decorate?.(view.el, node.id);
    return view;
  }

  private hostFor(node: RenderNode): ComponentHost {
    return {
      id: node.id,
      uid: `${this.uidPrefix}${++this.uid}`,
      component: () => this.component(node.id),
      context: () => createRenderContext(this.doc.dataModel, node.scope, null),
      write: (pointer, value) => {
        if (node.alive) this.setData(pointer, value);
      },
      dispatch: (action) => (node.alive ? this.dispatch(node, action) : undefined),
      refresh: () =>
        this.batch(() => {
          this.pass++;
          this.render(node);
        }),
    };
  }

  private render(node: RenderNode): void {
    this.renderProps(node);
    this.reconcile(node);
  }

  /** The element's own attributes and text, from the component's props in the node's scope. */
  private renderProps(node: RenderNode): void {
    if (!node.alive || node.orphaned || node.propPass === this.pass) return;
    node.propPass = this.pass;
    const component = this.component(node.id);
    if (!component) return;
    if (component.component !== node.type || node.view.needsNewElement?.(component)) {
      this.replaceView(node, component);
      return;
    }
    this.updateView(node, component);
  }

  private updateView(node: RenderNode, component: Component): void {
    const reads: string[] = [];
    const ctx = createRenderContext(this.doc.dataModel, node.scope, reads);
    try {
      node.view.update(component, ctx);
      this.applyCommon(node, component, ctx);
    } catch (error) {
      console.warn(`a2ui: rendering "${node.id}" failed`, error);
    }
    this.rebind(this.propBindings, node, 'propPaths', reads);
  }

  /** A new element for the node (its type changed, or its props need another tag), children kept. */
  private replaceView(node: RenderNode, component: Component): void {
    const old = node.view;
    node.type = component.component;
    node.aria = { label: null, description: null };
    node.view = this.createView(component, node);
    old.el.replaceWith(node.view.el);
    try {
      old.dispose?.();
    } catch (error) {
      console.warn('a2ui: dispose failed', error);
    }
    this.updateView(node, component);
    node.slotPass = -1; // the children move into the new element's slots
    this.reconcile(node);
  }

  /** `weight` and `accessibility`, common to every component. */
  private applyCommon(node: RenderNode, component: Component, ctx: RenderContext): void {
    const el = node.view.el;
    const weight = component.weight;
    // flex-grow as the catalog says, from a zero basis (like Flutter's Expanded): a weighted child shares
    // the room left by its siblings instead of claiming its content's width first and wrapping them.
    setStyle(el, 'flex', typeof weight === 'number' && Number.isFinite(weight) ? `${weight} 1 0` : null);
    const target = node.view.a11yTarget ?? el;
    const a11y = isObject(component.accessibility) ? component.accessibility : {};
    node.aria.label = this.setAria(target, 'aria-label', a11y.label === undefined ? null : ctx.text(a11y.label), node.aria.label);
    // A named container is a group: an aria-label on a plain div names nothing for screen readers.
    if (node.aria.label !== null && target === el && el.tagName === 'DIV' && !el.hasAttribute('role')) setAttr(el, 'role', 'group');
    node.aria.description = this.setAria(
      target,
      'aria-description',
      a11y.description === undefined ? null : ctx.text(a11y.description),
      node.aria.description,
    );
  }

  private setAria(target: Element, name: string, value: string | null, previous: string | null): string | null {
    if (value !== null) setAttr(target, name, value);
    // Removed only if it still holds what we set: a view may set its own (an Icon names itself).
    else if (previous !== null && target.getAttribute(name) === previous) setAttr(target, name, null);
    return value;
  }

  /** Puts the node's children into its slots: reuses, adopts or creates nodes, removes the rest. */
  private reconcile(node: RenderNode): void {
    if (!node.alive || node.orphaned || node.slotPass === this.pass) return;
    node.slotPass = this.pass;
    const component = this.component(node.id);
    const reads: string[] = [];
    let slots: Slot[] = [];
    if (component && node.view.slots) {
      try {
        slots = node.view.slots(component, createRenderContext(this.doc.dataModel, node.scope, reads));
      } catch (error) {
        console.warn(`a2ui: children of "${node.id}" failed`, error);
      }
    }
    this.rebind(this.slotBindings, node, 'slotPaths', reads);
    if (slots.length === 0 && node.children.size === 0) return;

    const next = new Map<string, RenderNode>();
    for (const slot of slots) {
      const elements: Element[] = [];
      for (const ref of slot.children) {
        const key = ref.index === undefined ? ref.id : `${ref.id}#${ref.index}`;
        if (next.has(key)) continue; // an id listed twice is shown once: one element, one place
        let child = node.children.get(key);
        if (child && (!child.alive || child.scope !== ref.scope)) child = undefined;
        child ??= this.adopt(ref, node) ?? this.createNode(ref, node, key) ?? undefined;
        if (!child) continue;
        child.parent = node;
        child.key = key;
        child.orphaned = false;
        next.set(key, child);
        elements.push(child.view.el);
      }
      placeChildren(slot.container, elements);
    }
    for (const [key, child] of node.children) if (next.get(key) !== child) this.orphan(child);
    node.children = next;
  }

  /** The node of a static child that another parent holds: it moves here instead of being re-created. */
  private adopt(ref: ChildRef, parent: RenderNode): RenderNode | null {
    if (ref.index !== undefined || parent.instanced) return null;
    const node = this.staticNodes.get(ref.id);
    if (!node || !node.alive || node === this.root || node.scope !== ref.scope) return null;
    for (let p: RenderNode | null = parent; p; p = p.parent) if (p === node) return null; // would be a cycle
    this.detach(node);
    return node;
  }

  /** Takes the node out of its parent's children (the DOM element stays where it is). */
  private detach(node: RenderNode): void {
    if (node.parent && node.parent.children.get(node.key) === node) node.parent.children.delete(node.key);
  }

  private orphan(node: RenderNode): void {
    this.detach(node);
    node.parent = null;
    node.view.el.remove();
    if (node === this.root) this.root = null;
    node.orphaned = true;
    if (this.orphans) this.orphans.add(node);
    else this.destroyNode(node);
  }

  private destroyNode(node: RenderNode): void {
    if (!node.alive) return;
    node.alive = false;
    for (const child of node.children.values()) if (child.parent === node) this.destroyNode(child);
    node.children.clear();
    for (const pointer of node.propPaths) this.propBindings.delete(pointer, node);
    for (const pointer of node.slotPaths) this.slotBindings.delete(pointer, node);
    node.propPaths = [];
    node.slotPaths = [];
    const nodes = this.nodesById.get(node.id);
    nodes?.delete(node);
    if (nodes?.size === 0) this.nodesById.delete(node.id);
    if (this.staticNodes.get(node.id) === node) this.staticNodes.delete(node.id);
    try {
      node.view.dispose?.();
    } catch (error) {
      console.warn('a2ui: dispose failed', error);
    }
  }

  private rebind(index: BindingIndex<RenderNode>, node: RenderNode, field: 'propPaths' | 'slotPaths', reads: string[]): void {
    const before = node[field];
    const after = reads.length < 2 ? reads : [...new Set(reads)];
    if (before.length === after.length && before.every((pointer, i) => pointer === after[i])) return;
    for (const pointer of before) index.delete(pointer, node);
    for (const pointer of after) index.add(pointer, node);
    node[field] = after;
  }

  private wait(id: string, parent: RenderNode): void {
    setIn(this.waiting, id).add(parent);
  }

  /** Component `id` now exists: the parents that listed it before can show it. */
  private wake(id: string): void {
    const parents = this.waiting.get(id);
    if (!parents) return;
    this.waiting.delete(id);
    for (const parent of parents) this.reconcile(parent);
  }

  // ---------------------------------------------------------------------------------------------
  // Actions
  // ---------------------------------------------------------------------------------------------

  /** Runs a Button's action; a server event answers the promise of its round trip (a busy button waits for it). */
  private dispatch(node: RenderNode, action: unknown): void | Promise<unknown> {
    if (!isObject(action)) return;
    const ctx = createRenderContext(this.doc.dataModel, node.scope, null);
    if (isObject(action.event)) {
      const name = action.event.name;
      if (typeof name !== 'string' || name === '') return;
      const payload: Record<string, unknown> = {};
      const context = action.event.context;
      if (isObject(context)) {
        for (const key of Object.keys(context)) {
          if (key === '__proto__') continue;
          payload[key] = copyJson(ctx.value(context[key]));
        }
      }
      return this.options.onAction(name, payload, node.id);
    }
    if (isObject(action.functionCall)) {
      const call = action.functionCall;
      if (call.call !== 'openUrl') {
        console.warn(`a2ui: function "${String(call.call)}" is not supported as an action`);
        return;
      }
      const url = safeUrl(ctx.value(isObject(call.args) ? call.args.url : undefined));
      if (url === null) console.warn('a2ui: openUrl needs an http(s) URL');
      else (this.options.openUrl ?? openInNewTab)(url);
    }
  }
}

/** A snapshot of a data model value for an action payload: later local edits must not change it. */
function copyJson(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? JSON.parse(JSON.stringify(value)) : value;
}
