/**
 * The plugin contract: what a plugin agent (Email, Agent-control, Worktree, the dashboard) gives the
 * orchestrator, and what the orchestrator gives it. A plugin knows nothing of express or socket.io: it
 * receives validated actions, returns a new state (immer) and side effects, and renders its state.
 */
import type { z } from 'zod';
import type { UiNode } from '../renderer';

/** The seed protocol's context: where the user is and what their client is. */
export interface Context {
  route: string;
  selection: string[] | null;
  user_id: string;
  timezone: string;
  screen_size: 'mobile' | 'tablet' | 'desktop';
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

/** The route in force when an action arrives or a view renders. */
export interface RouteMatch {
  state: string;
  path: string;
  params: Record<string, string>;
}

/** One user's handle on the orchestrator, for changes that do not come from an action. */
export interface PluginHost<S> {
  readonly userId: string;
  /**
   * Changes this plugin's state for this user in the background (a process printed a line, mail
   * arrived, a draft streamed in): the surface is re-rendered and the frame pushed to every tab.
   * The recipe gets the current state and returns the next one (use immer's `produce`).
   */
  update(recipe: (state: S) => S, sideEffects?: SideEffect[]): Promise<void>;
  /** Runs `cleanup` when the session closes (unsubscribe what `init` subscribed). */
  onClose(cleanup: () => void): void;
}

export interface HandleInput<S, P = Record<string, unknown>> {
  state: S;
  action: { name: string; payload: P; componentId?: string };
  context: Readonly<Context>;
  route: RouteMatch;
  host: PluginHost<S>;
  /** Aborted when the action's time limit passes: long work should stop. */
  signal: AbortSignal;
}

export interface HandleResult<S> {
  /** The next state; omitted means unchanged. */
  state?: S;
  /** A `navigate` side effect also moves the server's router. */
  sideEffects?: SideEffect[];
}

/** Renders one plugin's state for the route in force. One view per session, so memo caches are per user. */
export type PluginView<S> = (state: S, view: ViewInput) => PluginRender;

export interface ViewInput {
  context: Readonly<Context>;
  route: RouteMatch;
  /** Every plugin's header entry, in header order (the dashboard shows their cards). */
  nav: readonly NavEntry[];
}

/** A plugin's entry in the header (and its card on the dashboard). */
export interface NavEntry {
  /** The plugin id; the header button's id is `nav-<id>`. */
  id: string;
  label: string;
  path: string;
  description?: string;
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

export interface Plugin<S = unknown> {
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
  /** The actions this plugin accepts on its routes, with their payload schemas. */
  readonly actions: Readonly<Record<string, z.ZodType>>;
  /** The initial state for one user. */
  init(host: PluginHost<S>): S | Promise<S>;
  handle(input: HandleInput<S>): HandleResult<S> | Promise<HandleResult<S>>;
  createView(): PluginView<S>;
  status?(): PluginStatus;
}

/**
 * A JSON document kept in a file (lowdb under the hood): services change `data` and call `write()`.
 * `server/main.ts` opens the files (mode 0600, corrupt files moved aside) and hands them to the
 * services, so every plugin persists the same way without importing the server.
 */
export interface PersistentStore<T> {
  data: T;
  write(): Promise<void>;
}
