/**
 * The plugin contract: what a plugin (Email, Agents, Worktrees, the assistant, the dashboard) gives
 * the orchestrator, and what the orchestrator gives it. A plugin knows nothing of express or socket.io:
 * it receives validated actions, returns new states (immutable) and side effects, and renders them.
 *
 * Two kinds of state (docs/architecture.md, "Users and views"):
 * - `S`, the user's: the domain a plugin shows (mailbox, agent sessions, worktrees, the conversation),
 *   one per user, shared by every tab. A change re-renders every view of the user that shows it.
 * - `V`, the view's: what belongs to one tab (an open dialog, a form's text, a draft streaming into
 *   it), one per view. A change re-renders that view only.
 * The route, selection and toasts are the view's too, kept by the orchestrator.
 */
import type { z } from 'zod';
import type { IconName, UiNode } from '../renderer';

/** The seed protocol's context: where the user is and what their client is (one per view). */
export interface Context {
  route: string;
  selection: string[] | null;
  user_id: string;
  timezone: string;
  screen_size: 'mobile' | 'tablet' | 'desktop';
  /** The user's preferences (`theme`, `density`, …), bounded; shared by the user's views. */
  user_prefs: Record<string, unknown>;
  capabilities: Record<string, unknown>;
}

export type ToastVariant = 'success' | 'error' | 'info' | 'warning';

/** Side effects travel beside the ops; the client acts on them (navigate, open a URL). */
export type SideEffect =
  | { type: 'toast'; variant: ToastVariant; message: string }
  | { type: 'navigate'; to: string }
  | { type: 'open_url'; url: string };

/** A route of the router: one XState state per route. `path` may hold `:name` parameters. */
export interface RouteDecl {
  /** The router state's name, e.g. `EMAIL_INBOX`. */
  state: string;
  /** e.g. `/email/thread/:id`. */
  path: string;
}

/** The top-level section of a path: `/email/thread/1` → `/email`; `/` stays `/`. */
export function sectionOf(path: string): string {
  return `/${path.split('/')[1] ?? ''}`;
}

/** The route in force when an action arrives or a view renders. */
export interface RouteMatch {
  state: string;
  path: string;
  params: Record<string, string>;
}

/** One user's handle on the orchestrator, for domain changes that do not come from an action. */
export interface PluginHost<S> {
  readonly userId: string;
  /**
   * Changes this plugin's user state in the background (a process printed a line, mail arrived): every
   * view of the user that shows it is re-rendered and its frame pushed. The recipe gets the current
   * state and returns the next one. Toasts in `sideEffects` go to every view of the user; a `navigate`
   * is dropped (background work never moves a tab).
   */
  update(recipe: (state: S) => S, sideEffects?: SideEffect[]): Promise<void>;
  /** Runs `cleanup` when the user's session closes (unsubscribe what `init` subscribed). */
  onClose(cleanup: () => void): void;
}

/** One view's handle, for work that began in a tab and comes back to that tab (a draft streaming into its form). */
export interface ViewHost<V> {
  readonly viewId: string;
  /**
   * Changes this plugin's state of this view; toasts in `sideEffects` go to this view only. Does
   * nothing once the view is gone (its tab closed long ago).
   */
  update(recipe: (view: V) => V, sideEffects?: SideEffect[]): Promise<void>;
}

export interface ActionInput<S, V, P> {
  state: S;
  view: V;
  payload: P;
  /** The component that sent the action, when the client said. */
  componentId?: string;
  context: Readonly<Context>;
  route: RouteMatch;
  host: PluginHost<S>;
  tab: ViewHost<V>;
  /** Aborted when the action's time limit passes: long work should stop. */
  signal: AbortSignal;
}

/** What an action (or `enter`) did: the next states (omitted = unchanged) and side effects. */
export interface ActionResult<S, V> {
  state?: S;
  view?: V;
  /** A `navigate` side effect also moves the view's router. */
  sideEffects?: SideEffect[];
}

/** An action: its payload schema and its handler, whose payload type comes from the schema. */
export interface ActionDef<S, V, P> {
  readonly schema: z.ZodType<P, unknown>;
  run(input: ActionInput<S, V, P>): ActionResult<S, V> | Promise<ActionResult<S, V>>;
}

/**
 * The action builder of a plugin with user state `S` and view state `V`:
 * `const action = actionsOf<MyState, MyView>(); const ACTIONS = { bump: action(z.object({by: z.number()}), ({payload}) => …) }`.
 * The handler's `payload` is the schema's output: no casts.
 */
export function actionsOf<S, V = undefined>() {
  return <Schema extends z.ZodType<any, unknown>>(schema: Schema, run: (input: ActionInput<S, V, z.output<Schema>>) => ActionResult<S, V> | Promise<ActionResult<S, V>>): ActionDef<S, V, z.output<Schema>> => ({
    schema,
    run,
  });
}

/** What `enter` gets: an action's input without a payload. */
export type EnterInput<S, V> = Omit<ActionInput<S, V, never>, 'payload' | 'componentId'>;

/** Renders one plugin's states for the route in force. One view function per view: memo caches are per tab. */
export type PluginView<S, V> = (state: S, view: V, input: ViewInput) => PluginRender;

export interface ViewInput {
  context: Readonly<Context>;
  route: RouteMatch;
  /** Every plugin's header entry, in header order (the dashboard shows their cards). */
  nav: readonly NavEntry[];
  /**
   * What the server refused of the last action this view sent, by payload field: a view shows each
   * message at its field (agents/forms.ts `fieldChecks`). Null when the last action was accepted.
   */
  fieldErrors?: FieldErrors | null;
  /** On a route of a plugin that `showsCards` (the dashboard): every plugin's card, in header order. */
  cards?: readonly DashboardCard[];
  /** On such a route too: the user's recent activity (the toasts of every view), newest first. */
  activity?: readonly ActivityEntry[];
}

/** One plugin's card on the dashboard: its header entry and the body it rendered from its state. */
export interface DashboardCard {
  nav: NavEntry;
  body: UiNode;
}

/** Something that happened, as its toast said it. */
export interface ActivityEntry {
  id: string;
  variant: ToastVariant;
  message: string;
  /** ISO time. */
  at: string;
}

/** What a card's render function gets besides the plugin's user state. */
export interface CardInput {
  context: Readonly<Context>;
}

/**
 * A plugin's card on the dashboard, rendered from its own user state: a change of that state (mail
 * arrived, an agent started) re-renders every view that shows the card, and the diff carries the
 * changed line only. Component ids in the body start with `dashboard-card-<plugin id>-`.
 */
export interface PluginCard<S, V> {
  /** The card's render function for one view (memo caches belong to that view); the dashboard adds the title and Open. */
  createView(): (state: S, input: CardInput) => UiNode;
  /** Loads what the card shows, when a view enters the dashboard (as `enter` does for a route). */
  enter?(input: EnterInput<S, V>): ActionResult<S, V> | Promise<ActionResult<S, V>>;
}

/** A payload refused by its schema, field by field (`{action: 'send', fields: {to: 'Must be …'}}`). */
export interface FieldErrors {
  readonly action: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** A plugin's entry in the header (and its card on the dashboard). */
export interface NavEntry {
  /** The plugin id; the header button's id is `nav-<id>`. */
  id: string;
  label: string;
  path: string;
  description?: string;
  /** The header button's icon (a basic-catalog name). */
  icon?: IconName;
}

/** A plugin's content: a subtree, and its slice of the data model (bound under `/<plugin id>/...`). */
export interface PluginRender {
  root: UiNode;
  data?: Record<string, unknown>;
}

export interface PluginStatus {
  status: 'ok' | 'disabled' | 'error';
  detail?: string;
}

export interface Plugin<S = unknown, V = undefined> {
  /** Also the data model key of the plugin's slice and the prefix of its component ids. */
  readonly id: string;
  readonly title: string;
  /** The header's entry for this plugin, when it has one; `description` is its dashboard card's text. */
  readonly nav?: NavEntry;
  readonly routes: readonly RouteDecl[];
  /**
   * A panel plugin (the assistant) is drawn beside the content of every route, and its actions are
   * accepted on every route; its action names must not collide with any other plugin's.
   */
  readonly panel?: boolean;
  /** Its card on the dashboard (shown when it has a header entry too). */
  readonly card?: PluginCard<S, V>;
  /** Its routes show every plugin's card (`ViewInput.cards`): the dashboard. */
  readonly showsCards?: boolean;
  /** The actions this plugin accepts on its routes (see `actionsOf`). */
  readonly actions: Readonly<Record<string, ActionDef<S, V, any>>>;
  /** The user state, once per user (subscribe to services here, unsubscribe in `host.onClose`). */
  init(host: PluginHost<S>): S | Promise<S>;
  /** A new view's state; plugins without per-tab state leave it out (the view state is `undefined`). */
  initView?(): V;
  /**
   * Called when a view enters one of this plugin's routes (navigation, a new tab, a reload after a
   * restart): load what the screen needs. Runs within the action's time limit; the view is pure and
   * never loads anything itself.
   */
  enter?(input: EnterInput<S, V>): ActionResult<S, V> | Promise<ActionResult<S, V>>;
  /** The render function of one view (called once per view: memo caches belong to it). */
  createView(): PluginView<S, V>;
}

/**
 * A JSON document kept by the server's store (a lowdb file by default): services change `data` and
 * call `write()`. Opened through the module context, so every plugin persists the same way without
 * importing the server.
 */
export interface PersistentStore<T> {
  data: T;
  write(): Promise<void>;
}
