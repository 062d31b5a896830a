/**
 * One user's session: their context, the router, every plugin's state, the surface the clients hold
 * and its version. Every change — an action, or a background update from a plugin — runs through one
 * queue, so versions are a single line: update state → render → diff → frame → every tab.
 *
 * Failure keeps the surface consistent: a plugin that throws or passes its time limit changes nothing
 * but an error toast; a view that throws is rolled back to the previous states.
 */
import { diff, jsonEqual, snapshot } from '../../diff';
import { createShellView, type Toast } from '../../agents/shell/view';
import type { Context, NavEntry, Plugin, PluginHost, PluginView, RouteMatch, SideEffect, ToastVariant } from '../../agents/types';
import { buildSurface, memo, type Surface, type UiNode } from '../../renderer';
import { PluginError } from '../../agents/errors';
import { SerialQueue } from '../../agents/serial';
import { FrameLog } from './frame-log';
import { GLOBAL_ACTIONS } from './global-actions';
import { describeZodError } from '../../agents/errors';
import { MAIN_SURFACE_ID, type ActionRequest, type ClientContext, type Frame } from '../transport/protocol';
import { Router, type RouteTable } from './router';

export interface PersistedSession {
  context: Context;
  version: number;
}

export interface SessionDeps {
  plugins: readonly Plugin[];
  routes: RouteTable;
  pluginTimeoutMs: number;
  frameLogSize: number;
  /** How long a success or info toast stays; errors and warnings stay until dismissed. */
  toastLifetimeMs?: number;
  /** Called after every change with what must survive a restart. */
  persist(userId: string, record: PersistedSession): void;
}

const DEFAULT_TOAST_LIFETIME_MS = 6000;
const MAX_TOASTS = 3;

class PluginTimeout extends Error {}

/**
 * Receives each change: the native frame, and the surface it leads to (what the clients hold at
 * `frame.to`), for transports that encode the change in another form (A2UI v0.9 messages).
 */
export type FrameListener = (frame: Frame, surface: Surface) => void;

/** What an action did: its status, its change as a frame, and the surface after it. */
export interface DispatchResult {
  status: 'success' | 'error';
  error?: { code: string; message: string };
  frame: Frame;
  surface: Surface;
}

interface Outcome {
  status: 'success' | 'error';
  sideEffects: SideEffect[];
  error?: { code: string; message: string };
}

function defaultContext(userId: string): Context {
  return { route: '/', selection: null, user_id: userId, timezone: 'UTC', screen_size: 'desktop', user_prefs: {}, capabilities: {} };
}

export class Session {
  private context: Context;
  private version: number;
  private surface!: Surface;
  private readonly router: Router;
  private readonly log: FrameLog;
  private readonly plugins = new Map<string, Plugin>();
  /** Plugins drawn beside every route's content (see Plugin.panel). */
  private readonly panels: readonly Plugin[];
  /** Each plugin's state. Copied on write after a render (see setState), so the render keeps its own. */
  private states = new Map<string, unknown>();
  /** The states and route of the last successful render: what a failed render rolls back to. */
  private goodStates: Map<string, unknown> | undefined;
  private goodRoute = '/';
  private readonly views = new Map<string, PluginView<unknown>>();
  /** Each plugin's host, made once: every action of the plugin gets the same one. */
  private readonly hosts = new Map<string, PluginHost<unknown>>();
  private readonly nav: NavEntry[];
  private readonly shell = createShellView();
  private readonly listeners = new Set<FrameListener>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** What the plugins asked to run at close (see PluginHost.onClose). */
  private readonly cleanups: Array<() => void> = [];
  private toasts: readonly Toast[] = [];
  /** The last record handed to `persist` (context is replaced, never mutated, so identity tells). */
  private saved: PersistedSession | undefined;
  private toastCounter = 0;
  /** Every change of this session, one at a time: versions form a single line. */
  private readonly queue = new SerialQueue();
  private closed = false;

  private constructor(
    readonly userId: string,
    persisted: PersistedSession | undefined,
    private readonly deps: SessionDeps,
  ) {
    this.router = new Router(deps.routes);
    this.router.navigate(persisted?.context.route ?? '/');
    this.context = { ...defaultContext(userId), ...persisted?.context, user_id: userId, route: this.router.current.path };
    // A restart cannot bring back the surface a client held at the persisted version, so the first
    // surface after a start is a new version: versions never repeat and old clients get a snapshot.
    this.version = (persisted?.version ?? 0) + 1;
    this.log = new FrameLog(deps.frameLogSize);
    for (const plugin of deps.plugins) {
      this.plugins.set(plugin.id, plugin);
      this.hosts.set(plugin.id, this.createHost(plugin));
    }
    this.panels = deps.plugins.filter((plugin) => plugin.panel);
    this.nav = deps.plugins.flatMap((p) => (p.nav ? [p.nav] : []));
  }

  static async open(userId: string, persisted: PersistedSession | undefined, deps: SessionDeps): Promise<Session> {
    const session = new Session(userId, persisted, deps);
    // On the queue: a plugin whose init already listens to background work (an agent's output) may
    // call host.update before every plugin is initialised; that update waits for the first surface.
    try {
      await session.enqueue(async () => {
        for (const plugin of deps.plugins) session.setState(plugin.id, await plugin.init(session.hosts.get(plugin.id)!));
        session.surface = session.render();
        session.persist();
      });
    } catch (error) {
      session.close(); // the plugins initialised so far stop listening
      throw error;
    }
    return session;
  }

  get currentVersion(): number {
    return this.version;
  }

  get currentRoute(): RouteMatch {
    return this.router.current;
  }

  get currentSurface(): Surface {
    return this.surface;
  }

  /** Receives every frame of this session (each tab subscribes). */
  subscribe(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What a client at `version` needs to hold the current surface: the missed ops, or a snapshot. */
  catchUp(version?: number): Frame {
    if (version !== undefined) {
      const ops = this.log.since(version, this.version);
      if (ops) return { surfaceId: MAIN_SURFACE_ID, from: version, to: this.version, ops, side_effects: [] };
    }
    return { surfaceId: MAIN_SURFACE_ID, from: null, to: this.version, ops: snapshot(this.surface), side_effects: [] };
  }

  /**
   * Runs one action. The change goes to every subscriber except `origin` (the acting tab), which gets
   * it in the result instead: each tab receives each change once. The result's frame starts at the
   * request's `base_version` when the client was behind (the missed ops, or a snapshot).
   * Throws PluginError(INVALID_INPUT) for a payload that fails its schema (nothing changes).
   */
  dispatch(request: ActionRequest, origin?: FrameListener): Promise<DispatchResult> {
    return this.enqueue(async () => {
      const before = this.version;
      const outcome = await this.run(request);
      const frame = this.commit(outcome.sideEffects, origin);
      return {
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
        frame: this.catchUpFrom(request.base_version, before, frame),
        surface: this.surface,
      };
    });
  }

  /**
   * Runs an action of a named plugin whatever the route (the assistant's tools act through the
   * plugins' own actions, so the screens stay the plugins' business). The change goes to every tab;
   * a `navigate` side effect is dropped: work done on the user's behalf must not move their screen.
   */
  runPluginAction(pluginId: string, name: string, payload: Record<string, unknown>): Promise<{ status: 'success' | 'error'; error?: { code: string; message: string } }> {
    return this.enqueue(async () => {
      const plugin = this.plugins.get(pluginId);
      if (!plugin || !Object.hasOwn(plugin.actions, name)) throw new PluginError('NOT_FOUND', `No action ${name} in plugin ${pluginId}.`);
      const parsed = plugin.actions[name]!.safeParse(payload);
      if (!parsed.success) throw new PluginError('INVALID_INPUT', `payload.${describeZodError(parsed.error)}`);
      const outcome = await this.runPlugin(plugin, name, parsed.data as Record<string, unknown>, undefined, { stayOnRoute: true });
      this.commit(outcome.sideEffects.filter((effect) => effect.type !== 'navigate'));
      return { status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) };
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        cleanup();
      } catch (error) {
        console.error(`[session ${this.userId}] a plugin cleanup failed:`, error);
      }
    }
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
    this.router.stop();
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  private createHost(plugin: Plugin): PluginHost<unknown> {
    return {
      userId: this.userId,
      update: (recipe, sideEffects = []) =>
        this.enqueue(async () => {
          if (this.closed) return;
          try {
            this.setState(plugin.id, recipe(this.states.get(plugin.id)));
          } catch (error) {
            console.error(`[session ${this.userId}] ${plugin.id} background update failed:`, error);
            return;
          }
          this.applySideEffects(sideEffects);
          this.commit(sideEffects);
        }),
      onClose: (cleanup) => {
        if (this.closed) cleanup();
        else this.cleanups.push(cleanup);
      },
    };
  }

  /** Takes what the client says of itself; the context object is replaced only when something differs. */
  private mergeClientContext(client: ClientContext | undefined): void {
    if (!client) return;
    const next = { ...this.context };
    if (client.timezone && isTimeZone(client.timezone)) next.timezone = client.timezone;
    if (client.screen_size) next.screen_size = client.screen_size;
    if (client.selection !== undefined) next.selection = client.selection;
    // The client sends its whole preferences: replaced, not merged, so the stored context stays bounded.
    if (client.user_prefs) next.user_prefs = client.user_prefs;
    if (client.capabilities) next.capabilities = client.capabilities;
    if (!jsonEqual(next, this.context)) this.context = next;
  }

  private async run(request: ActionRequest): Promise<Outcome> {
    const name = request.action;
    // Own properties only: "constructor" is a well-formed action name and must not find Object's.
    const global = Object.hasOwn(GLOBAL_ACTIONS, name) ? GLOBAL_ACTIONS[name] : undefined;
    const plugin = global ? undefined : this.pluginWith(name);
    const schema = global?.schema ?? plugin?.actions[name];
    if (!schema) {
      return this.fail('UNKNOWN_ACTION', `"${name}" is not an action of ${this.plugins.get(this.router.pluginId)!.title} on this page.`);
    }
    const parsed = schema.safeParse(request.payload ?? {});
    if (!parsed.success) throw new PluginError('INVALID_INPUT', `payload.${describeZodError(parsed.error)}`);
    this.mergeClientContext(request.context);

    if (global) {
      const result = global.run(parsed.data as never, this.globalTarget());
      if (result.error) return this.fail('INVALID_ROUTE', result.error);
      this.applySideEffects(result.sideEffects);
      return { status: 'success', sideEffects: result.sideEffects };
    }
    return this.runPlugin(plugin!, name, parsed.data as Record<string, unknown>, request.component_id);
  }

  /** The plugin an action goes to: the route's, else a panel (the assistant) whose actions work on every route. */
  private pluginWith(name: string): Plugin | undefined {
    const onScreen = this.plugins.get(this.router.pluginId)!;
    if (Object.hasOwn(onScreen.actions, name)) return onScreen;
    return this.panels.find((panel) => Object.hasOwn(panel.actions, name));
  }

  /** What the global actions may touch. */
  private globalTarget() {
    return {
      navigate: (to: string) => this.router.navigate(to),
      route: () => this.router.current.path,
      select: (ids: string[]) => {
        if (!jsonEqual(ids, this.context.selection)) this.context = { ...this.context, selection: ids };
      },
      dismissToast: (id: string) => (this.toasts = this.toasts.filter((t) => t.id !== id)),
    };
  }

  private async runPlugin(
    plugin: Plugin,
    name: string,
    payload: Record<string, unknown>,
    componentId: string | undefined,
    options: { stayOnRoute?: boolean } = {},
  ): Promise<Outcome> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new PluginTimeout());
      }, this.deps.pluginTimeoutMs);
    });
    try {
      const result = await Promise.race([
        Promise.resolve().then(() =>
          plugin.handle({
            state: this.states.get(plugin.id),
            action: { name, payload, ...(componentId ? { componentId } : {}) },
            context: this.context,
            route: this.router.current,
            host: this.hosts.get(plugin.id)!,
            signal: controller.signal,
          }),
        ),
        timeout,
      ]);
      if (result.state !== undefined) this.setState(plugin.id, result.state);
      const sideEffects = (result.sideEffects ?? []).filter((effect) => !options.stayOnRoute || effect.type !== 'navigate');
      this.applySideEffects(sideEffects);
      return { status: 'success', sideEffects };
    } catch (error) {
      if (error instanceof PluginTimeout) return this.fail('PLUGIN_TIMEOUT', `${plugin.title} Agent timed out.`);
      // A refusal on purpose (bad branch name, conflict) says what went wrong in its own words.
      if (error instanceof PluginError) return this.fail(error.code, error.message);
      if (!(error instanceof Error) || !error.message) console.error(`[session ${this.userId}] ${plugin.id}.${name} failed:`, error);
      const message = error instanceof Error && error.message ? error.message.slice(0, 300) : 'unexpected error';
      return this.fail('PLUGIN_ERROR', `${plugin.title} Agent failed: ${message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(code: string, message: string): Outcome {
    const sideEffects: SideEffect[] = [{ type: 'toast', variant: 'error', message }];
    this.applySideEffects(sideEffects);
    return { status: 'error', sideEffects, error: { code, message } };
  }

  /** Side effects that change the server's own state: navigation moves the router, toasts show. */
  private applySideEffects(sideEffects: readonly SideEffect[]): void {
    for (const effect of sideEffects) {
      if (effect.type === 'navigate') this.router.navigate(effect.to);
      else if (effect.type === 'toast') this.addToast(effect.variant, effect.message);
    }
  }

  private addToast(variant: ToastVariant, message: string): void {
    const toast: Toast = { id: `t${++this.toastCounter}`, variant, message };
    this.toasts = [...this.toasts, toast].slice(-MAX_TOASTS);
    if (variant === 'error' || variant === 'warning') return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(async () => {
        if (this.closed || !this.toasts.some((t) => t.id === toast.id)) return;
        this.toasts = this.toasts.filter((t) => t.id !== toast.id);
        this.commit([]);
      }).catch((error: unknown) => console.error(`[session ${this.userId}] expiring a toast failed:`, error));
    }, this.deps.toastLifetimeMs ?? DEFAULT_TOAST_LIFETIME_MS);
    timer.unref();
    this.timers.add(timer);
  }

  /** Renders, diffs against what the clients hold, and sends the frame to every tab but `origin`. */
  private commit(sideEffects: SideEffect[], origin?: FrameListener): Frame {
    let next: Surface;
    try {
      next = this.render();
    } catch (error) {
      // A view that cannot render its state must not take the surface down: roll back to the states
      // and route of the last good render, and say so.
      console.error(`[session ${this.userId}] render failed:`, error);
      if (this.goodStates) {
        this.states = this.goodStates;
        this.router.navigate(this.goodRoute);
      }
      this.addToast('error', 'The screen could not be updated; the last change was undone.');
      next = this.render();
    }
    const route = this.router.current.path;
    if (route !== this.context.route) this.context = { ...this.context, route };
    const ops = diff(this.surface, next);
    const from = this.version;
    if (ops.length > 0) {
      this.version += 1;
      this.log.push(from, this.version, ops);
    }
    this.surface = next;
    const frame: Frame = { surfaceId: MAIN_SURFACE_ID, from, to: this.version, ops, side_effects: sideEffects };
    if (ops.length > 0 || sideEffects.length > 0) {
      for (const listener of this.listeners) if (listener !== origin) listener(frame, next);
    }
    this.persist();
    return frame;
  }

  /** The action's frame as seen from a client at `baseVersion`: it also needs what it missed. */
  private catchUpFrom(baseVersion: number | undefined, before: number, frame: Frame): Frame {
    if (baseVersion === undefined || baseVersion === before) return frame;
    const missed = baseVersion < before ? this.log.since(baseVersion, this.version) : undefined;
    return { ...frame, from: missed ? baseVersion : null, ops: missed ?? snapshot(this.surface) };
  }

  private viewOf(plugin: Plugin): PluginView<unknown> {
    let view = this.views.get(plugin.id);
    if (!view) {
      view = plugin.createView();
      this.views.set(plugin.id, view);
    }
    return view;
  }

  /** A plugin's state; the first change after a render copies the map, which the render keeps as the last good one. */
  private setState(pluginId: string, state: unknown): void {
    if (this.states === this.goodStates) this.states = new Map(this.states);
    this.states.set(pluginId, state);
  }

  /**
   * The data model: the app's own slice, the slice of the plugin on screen, and the panels' slices
   * (`panelData[i]` is the data of `this.panels[i]`), so the memo compares them all.
   */
  private readonly dataModel = memo((route: string, pluginId: string, data: Record<string, unknown> | undefined, ...panelData: Array<Record<string, unknown> | undefined>) => {
    const model: Record<string, unknown> = { app: { route, user_id: this.userId }, ...(data ? { [pluginId]: data } : {}) };
    panelData.forEach((slice, i) => {
      if (slice) model[this.panels[i]!.id] = slice;
    });
    return model;
  });

  private render(): Surface {
    const route = this.router.current;
    const plugin = this.plugins.get(this.router.pluginId)!;
    const input = { context: this.context, route, nav: this.nav };
    const content = this.viewOf(plugin)(this.states.get(plugin.id), input);
    const panelRoots: UiNode[] = [];
    const panelData: Array<Record<string, unknown> | undefined> = [];
    for (const panel of this.panels) {
      const drawn = this.viewOf(panel)(this.states.get(panel.id), input);
      panelRoots.push(drawn.root);
      panelData.push(drawn.data);
    }
    const root = this.shell({ route, nav: this.nav, toasts: this.toasts, content: content.root, panels: panelRoots });
    const dataModel = this.dataModel(route.path, plugin.id, content.data, ...panelData);
    this.goodStates = this.states;
    this.goodRoute = route.path;
    // Memoised views return the identical root when nothing they show changed: the last surface stands.
    const last = this.surface as Surface | undefined;
    if (last && last.tree === root && last.dataModel === dataModel) return last;
    return buildSurface({ surfaceId: MAIN_SURFACE_ID, root, dataModel });
  }

  /** Hands what must survive a restart to the store, only when it changed (it rewrites a file). */
  private persist(): void {
    const saved = this.saved;
    if (saved && saved.context === this.context && saved.version === this.version) return;
    this.saved = { context: this.context, version: this.version };
    this.deps.persist(this.userId, this.saved);
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
