/**
 * A view: one browser tab, one A2UI v0.9 stream, or one REST caller's own surface. It owns the route
 * (its router), the context (selection, time zone, screen size), each plugin's view state, its toasts,
 * the surface its clients hold, the version of that surface and the log of recent changes. It never
 * runs on its own: its user's session drives it on the user's queue (user-session.ts).
 */
import type { Toast } from '../../agents/shell/view';
import type { ActivityEntry, Context, FieldErrors, Plugin, RouteMatch } from '../../agents/types';
import { diff, snapshot } from '../../diff';
import type { Surface } from '../../renderer';
import { createComposer, type ViewComposer } from './compose';
import { FrameLog } from './frame-log';
import type { Frame, FrameListener, SideEffect } from './frame';
import { Router, type RouteTable } from './router';
import { Toasts } from './toasts';

/** What a view knows of the user and the product (shared by every view of a user). */
export interface ViewDeps {
  plugins: readonly Plugin<any, any>[];
  routes: RouteTable;
  nav: Parameters<typeof createComposer>[2];
  frameLogSize: number;
  toastLifetimeMs: number;
  /** A toast's time is up: remove it and commit, on the user's queue. */
  expireToast(view: View, id: string): void;
  stateOf(pluginId: string): unknown;
  /** The user's recent activity, newest first. */
  activity(): readonly ActivityEntry[];
}

/** Who drives a view: a tab's socket(s), a v0.9 stream, or a REST caller that named no view. */
export type ViewKind = 'tab' | 'stream' | 'api';

/**
 * The surface id of a token's own view (the seed protocol's "main"): every client of that token that
 * names no view of its own shares it. Other views' surface ids are their view ids.
 */
export const API_SURFACE_ID = 'main';

export class View {
  readonly router: Router;
  context: Context;
  private readonly viewStates = new Map<string, unknown>();
  readonly toasts: Toasts;
  /** What the server refused of this view's last action, by field (shown at the fields). */
  fieldErrors: FieldErrors | null = null;
  surface!: Surface;
  version: number;
  private readonly log: FrameLog;
  private readonly listeners = new Set<FrameListener>();
  private readonly compose: ViewComposer;
  /** When a client last used the view (an action, a subscription ending): idle views are dropped. */
  lastActive = Date.now();
  /** The id its frames and v0.9 messages carry. */
  readonly surfaceId: string;

  constructor(
    readonly id: string,
    readonly kind: ViewKind,
    context: Context,
    firstVersion: number,
    private readonly deps: ViewDeps,
  ) {
    this.surfaceId = kind === 'api' ? API_SURFACE_ID : id;
    this.router = new Router(deps.routes);
    this.router.navigate(context.route);
    this.context = { ...context, route: this.router.current.path };
    this.version = firstVersion;
    this.log = new FrameLog(deps.frameLogSize);
    this.toasts = new Toasts(deps.toastLifetimeMs, (toastId) => deps.expireToast(this, toastId));
    this.compose = createComposer(this.surfaceId, deps.plugins, deps.nav);
  }

  get route(): RouteMatch {
    return this.router.current;
  }

  /** The plugin that owns the route in force. */
  get plugin(): Plugin<any, any> {
    return this.deps.plugins.find((p) => p.id === this.router.pluginId)!;
  }

  /** How many clients listen (sockets, streams): a view with none is idle. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  viewState(plugin: Plugin<any, any>): unknown {
    if (!this.viewStates.has(plugin.id)) this.viewStates.set(plugin.id, plugin.initView?.());
    return this.viewStates.get(plugin.id);
  }

  setViewState(pluginId: string, state: unknown): void {
    this.viewStates.set(pluginId, state);
  }

  /** Every view state, for a rollback (the map is small: one entry per plugin shown so far). */
  saveViewStates(): Map<string, unknown> {
    return new Map(this.viewStates);
  }

  restoreViewStates(saved: Map<string, unknown>): void {
    this.viewStates.clear();
    for (const [id, state] of saved) this.viewStates.set(id, state);
  }

  subscribe(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      this.lastActive = Date.now();
    };
  }

  /** The surface for the present states (throws when a plugin's view cannot render them). */
  render(): Surface {
    return this.compose(
      {
        route: this.router.current,
        plugin: this.plugin,
        context: this.context,
        toasts: this.toasts.current,
        fieldErrors: this.fieldErrors,
        activity: this.deps.activity(),
        stateOf: (pluginId) => this.deps.stateOf(pluginId),
        viewStateOf: (pluginId) => this.viewState(this.deps.plugins.find((p) => p.id === pluginId)!),
      },
      this.surface as Surface | undefined,
    );
  }

  /**
   * Takes `next` as the surface the clients hold: the ops from the last one, a new version when there
   * are any, the frame to every listener but `origin` (which gets it in its action's answer).
   */
  commit(next: Surface, sideEffects: SideEffect[], origin?: FrameListener): Frame {
    const route = this.router.current.path;
    if (route !== this.context.route) this.context = { ...this.context, route };
    const ops = diff(this.surface, next);
    const from = this.version;
    if (ops.length > 0) {
      this.version += 1;
      this.log.push(from, this.version, ops);
    }
    this.surface = next;
    const frame: Frame = { surfaceId: this.surfaceId, from, to: this.version, ops, side_effects: sideEffects };
    if (ops.length > 0 || sideEffects.length > 0) {
      for (const listener of this.listeners) if (listener !== origin) listener(frame, next, origin);
    }
    return frame;
  }

  /** What a client at `version` needs to hold the present surface: the missed ops, or a snapshot. */
  catchUp(version?: number): Frame {
    return this.log.catchUp(this.surfaceId, version, this.version, this.surface);
  }

  /** The action's frame as seen from a client at `baseVersion`: it also needs what it missed. */
  catchUpFrom(baseVersion: number | undefined, before: number, frame: Frame): Frame {
    if (baseVersion === undefined || baseVersion === before) return frame;
    const missed = baseVersion < before ? this.log.since(baseVersion, this.version) : undefined;
    return { ...frame, from: missed ? baseVersion : null, ops: missed ?? snapshot(this.surface) };
  }

  close(): void {
    this.toasts.close();
    this.listeners.clear();
  }
}

export type { Toast };
