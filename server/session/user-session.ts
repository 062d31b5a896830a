/**
 * One user's session: every plugin's user state, the plugins' hosts, and the user's views (tabs,
 * streams, REST callers). Every change — an action of a view, a plugin's background update, a toast
 * expiring — runs through one queue per user, so each view's versions form a single line and two
 * tabs never interleave half-applied changes.
 *
 * Who sees a change: a change of user state (the domain) re-renders every view of the user, and each
 * view whose surface changed sends its own frame; a change of one view (its route, dialog, form text,
 * toasts) re-renders that view only.
 *
 * Failure keeps every surface consistent: a plugin that throws or passes its time limit changes
 * nothing but an error toast in the acting view; a view that cannot render the new states rolls the
 * change back (user states, the acting view's states and route) and says so.
 */
import { jsonEqual } from '../../diff';
import { describeZodError, PluginError } from '../../agents/errors';
import { fieldMessages } from '../../agents/forms';
import type { ActionResult, ActivityEntry, Context, Plugin, PluginHost, RouteMatch, SideEffect, ViewHost } from '../../agents/types';
import { SerialQueue } from '../../agents/serial';
import type { Surface } from '../../renderer';
import { FailedInit } from './compose';
import type { ActionCall, ActionError, ClientContext, DispatchResult, Frame, FrameListener } from './frame';
import { GLOBAL_ACTIONS, type GlobalResult, type GlobalTarget } from './global-actions';
import { inPluginScope } from './plugin-scope';
import type { RouteTable } from './router';
import type { VersionClock } from './versions';
import type { ActionJournal } from './action-journal';
import { View, type ViewDeps, type ViewKind } from './view';

/** What survives a restart of a user's session: preferences and the last route of each view. */
export interface UserRecord {
  prefs: Record<string, unknown>;
  views: Record<string, { route: string; used_at: number }>;
}

export interface SessionDeps {
  plugins: readonly Plugin<any, any>[];
  routes: RouteTable;
  pluginTimeoutMs: number;
  frameLogSize: number;
  /** How long a success or info toast stays; errors and warnings stay until dismissed. */
  toastLifetimeMs: number;
  /** Views kept per user at most (a client inventing view ids cannot grow the server without bound). */
  maxViews: number;
  clock: VersionClock;
  /** The ids of applied actions, for actions sent again after a lost answer. */
  journal?: ActionJournal;
  /**
   * Persists the user's record (the store coalesces writes); the promise, when there is one, settles
   * once the record is on disk (or its failure is logged and shown by `/api/health`).
   */
  save(userId: string, record: UserRecord): Promise<void> | void;
}

/** Views remembered per user for a restart (the most recently used). */
const MAX_REMEMBERED_VIEWS = 50;
/** Activity entries kept per user (the dashboard shows them). */
const MAX_ACTIVITY = 8;

interface Outcome {
  status: 'success' | 'error';
  sideEffects: SideEffect[];
  error?: ActionError;
}

class PluginTimeout extends Error {}

function defaultContext(userId: string, prefs: Record<string, unknown>): Context {
  return { route: '/', selection: null, user_id: userId, timezone: 'UTC', screen_size: 'desktop', user_prefs: prefs, capabilities: {} };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** http and https only: an `open_url` that a client would follow must never be `javascript:` or `file:`. */
function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The side effects a client may act on: `open_url` only for web URLs (a plugin's mistake must not reach any client). */
function safeEffects(effects: readonly SideEffect[]): SideEffect[] {
  return effects.filter((effect) => {
    if (effect.type !== 'open_url' || isWebUrl(effect.url)) return true;
    console.error(`[session] dropped an open_url side effect that is not http(s): ${effect.url.slice(0, 80)}`);
    return false;
  });
}

export class UserSession {
  /** Each plugin's user state. Copied on write after a commit, so a commit keeps the states it rendered. */
  private states = new Map<string, unknown>();
  /** The states of the last commit: what a failed render rolls back to. */
  private committed = this.states;
  private readonly hosts = new Map<string, PluginHost<unknown>>();
  private readonly cleanups = new Map<string, Array<() => void>>();
  private readonly views = new Map<string, View>();
  private readonly queue = new SerialQueue();
  private readonly viewDeps: ViewDeps;
  private prefs: Record<string, unknown>;
  /** The save of preferences an action carried, until that action's answer waits for it. */
  private prefsSaving: Promise<void> | undefined;
  /** What happened lately, as its toasts said, newest first (the user's: every view's). */
  private activity: readonly ActivityEntry[] = [];
  private activityCounter = 0;
  private closed = false;

  private constructor(
    readonly userId: string,
    private record: UserRecord,
    private readonly deps: SessionDeps,
  ) {
    this.prefs = record.prefs;
    for (const plugin of deps.plugins) this.hosts.set(plugin.id, this.createHost(plugin));
    this.viewDeps = {
      plugins: deps.plugins,
      routes: deps.routes,
      nav: deps.plugins.flatMap((p) => (p.nav ? [p.nav] : [])),
      frameLogSize: deps.frameLogSize,
      toastLifetimeMs: deps.toastLifetimeMs,
      stateOf: (pluginId) => this.states.get(pluginId),
      activity: () => this.activity,
      expireToast: (view, id) => this.expireToast(view, id),
    };
  }

  /** Opens the session: every plugin's `init` (a failure leaves that plugin's error card, not a broken session). */
  static async open(userId: string, record: UserRecord | undefined, deps: SessionDeps): Promise<UserSession> {
    const session = new UserSession(userId, record ?? { prefs: {}, views: {} }, deps);
    // On the queue: a plugin whose init already listens to background work (an agent's output) may
    // call host.update before every plugin is initialised; that update waits.
    await session.enqueue(async () => {
      for (const plugin of deps.plugins) await session.initPlugin(plugin);
      session.committed = session.states;
    });
    return session;
  }

  // ── Views ────────────────────────────────────────────────────────────────────────────────────

  /** The view `viewId` when it exists. */
  view(viewId: string): View | undefined {
    return this.views.get(viewId);
  }

  get viewCount(): number {
    return this.views.size;
  }

  /**
   * The view `viewId`, made when it does not exist (a new tab, a view dropped while idle, a restart):
   * on the route the client is at, else the one remembered for it, else the dashboard.
   */
  attach(viewId: string, kind: ViewKind, client?: ClientContext): Promise<View> {
    return this.enqueue(async () => {
      const existing = this.views.get(viewId);
      if (existing) {
        existing.lastActive = Date.now();
        return existing;
      }
      this.makeRoom();
      const route = client?.route ?? this.record.views[viewId]?.route ?? '/';
      const view = new View(viewId, kind, { ...defaultContext(this.userId, this.prefs), route }, this.deps.clock.next(), this.viewDeps);
      this.mergeClientContext(view, client);
      this.views.set(viewId, view);
      await this.enter(view);
      try {
        view.surface = view.render();
      } catch (error) {
        // The remembered route cannot be drawn (its plugin's view fails): start on the dashboard.
        console.error(`[session ${this.userId}] a new view could not render ${view.route.path}:`, error);
        view.router.navigate('/');
        view.toasts.add('error', 'That page could not be shown.', '/');
        view.surface = view.render();
      }
      this.remember(view);
      return view;
    });
  }

  /** Receives every frame of the view (each of its sockets and streams subscribes). */
  subscribe(view: View, listener: FrameListener): () => void {
    return view.subscribe(listener);
  }

  /** Drops views that no client has used for `idleMs` and none listens to; answers how many. */
  sweep(now: number, idleMs: number): Promise<number> {
    return this.enqueue(async () => {
      let dropped = 0;
      for (const view of [...this.views.values()]) {
        if (view.listenerCount === 0 && now - view.lastActive >= idleMs) {
          this.drop(view);
          dropped++;
        }
      }
      return dropped;
    });
  }

  // ── Actions ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Runs one action of a view. The change goes to every listener of the view except `origin` (the
   * acting socket), which gets it in the result instead; other views of the user get their own frames
   * when the domain changed. The result's frame starts at `baseVersion` when the client was behind.
   * Throws PluginError(INVALID_INPUT) for a payload that fails its schema (nothing changes).
   */
  async dispatch(viewId: string, call: ActionCall, origin?: FrameListener): Promise<DispatchResult> {
    let saving: Promise<void> | undefined;
    const result = await this.enqueue(async () => {
      const view = this.views.get(viewId);
      if (!view) throw new PluginError('NOT_FOUND', 'That view is gone; join again.');
      view.lastActive = Date.now();
      const journal = call.actionId === undefined ? undefined : this.deps.journal;
      if (journal) {
        const pending = journal.seen(this.userId, call.actionId!);
        const seen = pending instanceof Promise ? await pending : pending;
        // Applied before: its answer again (how it ended), with what the client missed since its base version.
        if (seen) return { ...seen, duplicate: true as const, frame: view.catchUp(call.baseVersion), surface: view.surface };
      }
      const before = view.version;
      const checkpoint = this.checkpoint(view);
      // Most actions (select, dismiss, a navigation without `enter`) finish without waiting: no promise per step.
      const running = this.run(view, call);
      const outcome = running instanceof Promise ? await running : running;
      const frame = this.commit(checkpoint, view, outcome.sideEffects, origin);
      saving = this.prefsSaving;
      this.prefsSaving = undefined;
      if (journal) {
        const recorded = journal.record(this.userId, call.actionId!, { status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) });
        if (recorded) await recorded;
      }
      return {
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
        frame: view.catchUpFrom(call.baseVersion, before, frame),
        surface: view.surface,
      };
    });
    // An acknowledged action keeps its word across a crash: the preferences it carried are on disk
    // before the answer goes (waited for outside the queue, so the user's next action need not wait).
    if (saving) await saving;
    return result;
  }

  /** What a client of the view at `version` needs: the missed ops, or a snapshot. */
  catchUp(view: View, version?: number): Frame {
    return view.catchUp(version);
  }

  /**
   * Runs an action of a named plugin for the user, in none of their views (the module port `actAs`:
   * the assistant's tools). The domain change reaches every view that shows it; no view navigates or
   * gets a toast.
   */
  runPluginAction(pluginId: string, name: string, payload: Record<string, unknown>): Promise<{ status: 'success' | 'error'; error?: ActionError }> {
    return this.enqueue(async () => {
      const plugin = this.deps.plugins.find((p) => p.id === pluginId);
      const action = plugin && Object.hasOwn(plugin.actions, name) ? plugin.actions[name] : undefined;
      if (!plugin || !action) throw new PluginError('NOT_FOUND', `No action ${name} in plugin ${pluginId}.`);
      const parsed = action.schema.safeParse(payload);
      if (!parsed.success) throw new PluginError('INVALID_INPUT', `payload.${describeZodError(parsed.error)}`);
      const checkpoint = this.checkpoint(undefined);
      const route = this.deps.routes.match(plugin.routes[0]?.path ?? '/') ?? { state: '', path: '/', params: {} };
      const outcome = await this.runPlugin(undefined, false, plugin, route, defaultContext(this.userId, this.prefs), plugin.initView?.(), (input) => action.run({ ...input, payload: parsed.data }));
      this.commit(checkpoint, undefined, []);
      return { status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) };
    });
  }

  /** Resolves once every change queued so far has run (a process handing the user over waits for it). */
  settled(): Promise<void> {
    return this.enqueue(async () => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pluginId of [...this.cleanups.keys()]) this.runCleanups(pluginId);
    for (const view of this.views.values()) view.close();
    this.views.clear();
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  private scope(plugin: Plugin<any, any>) {
    return { pluginId: plugin.id, userId: this.userId, report: (message: string) => this.reportToAll(message) };
  }

  private async initPlugin(plugin: Plugin<any, any>): Promise<void> {
    try {
      this.setState(plugin.id, await inPluginScope(this.scope(plugin), () => plugin.init(this.hosts.get(plugin.id)!)));
    } catch (error) {
      // This user gets the plugin's error card with a Retry; the other plugins (and users) go on.
      console.error(`[${plugin.id}] init failed for user ${this.userId}:`, error);
      this.runCleanups(plugin.id);
      this.setState(plugin.id, new FailedInit(error instanceof Error && error.message ? error.message.slice(0, 300) : 'unexpected error'));
    }
  }

  private runCleanups(pluginId: string): void {
    for (const cleanup of this.cleanups.get(pluginId)?.splice(0) ?? []) {
      try {
        cleanup();
      } catch (error) {
        console.error(`[${pluginId}] a cleanup failed for user ${this.userId}:`, error);
      }
    }
  }

  private createHost(plugin: Plugin<any, any>): PluginHost<unknown> {
    return {
      userId: this.userId,
      update: (recipe, sideEffects = []) =>
        this.enqueue(async () => {
          if (this.closed) return;
          const current = this.states.get(plugin.id);
          if (current instanceof FailedInit) return;
          const checkpoint = this.checkpoint(undefined);
          try {
            this.setState(plugin.id, inPluginScope(this.scope(plugin), () => recipe(current)));
          } catch (error) {
            console.error(`[${plugin.id}] a background update failed for user ${this.userId}:`, error);
            return;
          }
          // Background work never moves a tab; its toasts go to every view.
          const toasts = safeEffects(sideEffects).filter((effect) => effect.type === 'toast');
          for (const view of this.views.values()) for (const toast of toasts) this.applyToast(view, toast, false);
          for (const toast of toasts) this.noteActivity(toast);
          this.commit(checkpoint, undefined, toasts);
        }),
      onClose: (cleanup) => {
        if (this.closed) cleanup();
        else {
          const list = this.cleanups.get(plugin.id) ?? [];
          list.push(cleanup);
          this.cleanups.set(plugin.id, list);
        }
      },
    };
  }

  /** A view's handle for a plugin: changes of that view only, nothing once it is gone. */
  private tabHost(view: View | undefined, plugin: Plugin<any, any>): ViewHost<unknown> {
    return {
      viewId: view?.id ?? '',
      update: (recipe, sideEffects = []) =>
        this.enqueue(async () => {
          if (this.closed || !view || this.views.get(view.id) !== view) return;
          const checkpoint = this.checkpoint(view);
          try {
            view.setViewState(plugin.id, inPluginScope(this.scope(plugin), () => recipe(view.viewState(plugin))));
          } catch (error) {
            console.error(`[${plugin.id}] a view update failed for user ${this.userId}:`, error);
            return;
          }
          const effects = safeEffects(sideEffects);
          await this.applySideEffects(view, effects);
          this.commit(checkpoint, view, effects);
        }),
    };
  }

  /** Takes what the client says of itself; the context is replaced only when something differs. */
  private mergeClientContext(view: View, client: ClientContext | undefined): void {
    if (!client) return;
    const next = { ...view.context };
    if (client.timezone && isTimeZone(client.timezone)) next.timezone = client.timezone;
    if (client.screen_size) next.screen_size = client.screen_size;
    if (client.selection !== undefined) next.selection = client.selection;
    if (client.capabilities) next.capabilities = client.capabilities;
    // The client sends its whole preferences (bounded by the protocol's schema): replaced, not merged.
    // They are the user's: every view takes them.
    if (client.user_prefs && !jsonEqual(client.user_prefs, this.prefs)) {
      this.prefs = client.user_prefs;
      for (const other of this.views.values()) if (other !== view) other.context = { ...other.context, user_prefs: this.prefs };
      next.user_prefs = this.prefs;
      this.record = { ...this.record, prefs: this.prefs };
      this.touchUserState();
      const saved = this.deps.save(this.userId, this.record);
      this.prefsSaving = saved instanceof Promise ? saved : undefined;
    }
    if (!jsonEqual(next, view.context)) view.context = next;
  }

  private run(view: View, call: ActionCall): Outcome | Promise<Outcome> {
    const name = call.action;
    // Own properties only: "constructor" is a well-formed action name and must not find Object's.
    const global = Object.hasOwn(GLOBAL_ACTIONS, name) ? GLOBAL_ACTIONS[name] : undefined;
    const plugin = global ? undefined : this.pluginWith(view, name);
    const schema = global?.schema ?? plugin?.actions[name]?.schema;
    if (!schema) return this.fail(view, 'UNKNOWN_ACTION', `"${name}" is not an action of ${view.plugin.title} on this page.`);
    const parsed = schema.safeParse(call.payload ?? {});
    if (!parsed.success) {
      // Refused, nothing done; a form's view shows why at its fields.
      if (plugin) this.showFieldErrors(view, name, fieldMessages(parsed.error));
      throw new PluginError('INVALID_INPUT', `payload.${describeZodError(parsed.error)}`);
    }
    this.mergeClientContext(view, call.context);
    // An accepted plugin action (or a move) ends what the last refusal showed.
    if (plugin || name === 'navigate') view.fieldErrors = null;

    if (global) {
      const routeBefore = view.route.path;
      const result = global.run(parsed.data, this.globalTarget(view));
      return result instanceof Promise ? result.then((done) => this.afterGlobal(view, done, routeBefore)) : this.afterGlobal(view, result, routeBefore);
    }
    const action = plugin!.actions[name]!;
    return this.runPlugin(view, false, plugin!, view.route, view.context, view.viewState(plugin!), (input) => action.run({ ...input, payload: parsed.data, ...(call.componentId ? { componentId: call.componentId } : {}) }));
  }

  /**
   * Keeps the refused fields in the view and sends the change to every client of the view, the
   * acting one included (its answer is the error, without a frame).
   */
  private showFieldErrors(view: View, action: string, fields: Record<string, string>): void {
    if (Object.keys(fields).length === 0) return;
    const checkpoint = this.checkpoint(view);
    view.fieldErrors = { action, fields };
    this.commit(checkpoint, view, []);
  }

  /** The plugin an action goes to: the route's, else a panel (the assistant) whose actions work on every route. */
  private pluginWith(view: View, name: string): Plugin<any, any> | undefined {
    const onScreen = view.plugin;
    if (Object.hasOwn(onScreen.actions, name)) return onScreen;
    return this.deps.plugins.find((panel) => panel.panel && Object.hasOwn(panel.actions, name));
  }

  private globalTarget(view: View): GlobalTarget {
    return {
      navigate: (to) => view.router.navigate(to),
      route: () => view.route.path,
      select: (ids) => {
        if (!jsonEqual(ids, view.context.selection)) view.context = { ...view.context, selection: ids };
      },
      dismissToast: (id) => void view.toasts.remove(id),
      holdToast: (id, held) => void view.toasts.hold(id, held),
      setContext: (context) => this.mergeClientContext(view, context),
      retryPlugin: async (pluginId) => {
        const plugin = this.deps.plugins.find((p) => p.id === pluginId);
        if (!plugin || !(this.states.get(pluginId) instanceof FailedInit)) return 'not_failed';
        await this.initPlugin(plugin);
        const state = this.states.get(pluginId);
        return state instanceof FailedInit ? { failed: state.cause } : 'started';
      },
    };
  }

  /**
   * Runs a plugin's work (an action, `enter`) for `view` (undefined: on the user's behalf, in no view)
   * within the time limit, and applies its result. Refusals and failures become an error outcome.
   * `entering`: the work is `enter`, whose `navigate` is dropped (a navigation never loops).
   */
  private async runPlugin(
    view: View | undefined,
    entering: boolean,
    plugin: Plugin<any, any>,
    route: RouteMatch,
    context: Readonly<Context>,
    viewState: unknown,
    work: (input: { state: unknown; view: unknown; context: Readonly<Context>; route: RouteMatch; host: PluginHost<unknown>; tab: ViewHost<unknown>; signal: AbortSignal }) => ActionResult<unknown, unknown> | Promise<ActionResult<unknown, unknown>>,
  ): Promise<Outcome> {
    const state = this.states.get(plugin.id);
    if (state instanceof FailedInit) return this.fail(view, 'PLUGIN_ERROR', `${plugin.title} could not start: ${state.cause}`);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new PluginTimeout());
      }, this.deps.pluginTimeoutMs);
    });
    try {
      const input = { state, view: viewState, context, route, host: this.hosts.get(plugin.id)!, tab: this.tabHost(view, plugin), signal: controller.signal };
      const result = await Promise.race([inPluginScope(this.scope(plugin), () => Promise.resolve().then(() => work(input))), timeout]);
      if (result.state !== undefined) this.setState(plugin.id, result.state);
      if (view && result.view !== undefined) view.setViewState(plugin.id, result.view);
      // Work done on the user's behalf (no view) never moves a tab or toasts into one.
      const sideEffects = view ? safeEffects(result.sideEffects ?? []).filter((effect) => !entering || effect.type !== 'navigate') : [];
      if (view) await this.applySideEffects(view, sideEffects);
      return { status: 'success', sideEffects };
    } catch (error) {
      if (error instanceof PluginTimeout) return this.fail(view, 'PLUGIN_TIMEOUT', `${plugin.title} Agent timed out.`);
      // A refusal on purpose (bad branch name, conflict) says what went wrong in its own words.
      if (error instanceof PluginError) return this.fail(view, error.code, error.message);
      console.error(`[${plugin.id}] failed for user ${this.userId}:`, error);
      const message = error instanceof Error && error.message ? error.message.slice(0, 300) : 'unexpected error';
      return this.fail(view, 'PLUGIN_ERROR', `${plugin.title} Agent failed: ${message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(view: View | undefined, code: string, message: string): Outcome {
    const sideEffects: SideEffect[] = view ? [{ type: 'toast', variant: 'error', message }] : [];
    if (view) for (const effect of sideEffects) this.applyToast(view, effect);
    return { status: 'error', sideEffects, error: { code, message } };
  }

  /** A global action's outcome, once its side effects are applied. */
  private afterGlobal(view: View, result: GlobalResult, routeBefore: string): Outcome | Promise<Outcome> {
    if (result.error) return this.fail(view, result.code ?? 'INVALID_ROUTE', result.error);
    const outcome: Outcome = { status: 'success', sideEffects: result.sideEffects };
    const entering = this.applySideEffects(view, result.sideEffects, routeBefore);
    return entering ? entering.then(() => outcome) : outcome;
  }

  /**
   * Side effects that change the view: navigation moves its router (and enters the new route, when it
   * differs from `before`: the only case that waits, and answers a promise), toasts show.
   */
  private applySideEffects(view: View, sideEffects: readonly SideEffect[], before = view.route.path): Promise<void> | undefined {
    const mark = view.toasts.mark();
    for (const effect of sideEffects) {
      if (effect.type === 'navigate') view.router.navigate(effect.to);
      else this.applyToast(view, effect);
    }
    if (view.route.path === before) return undefined;
    // The toasts about the page left behind go; those of this action concern the new page.
    view.toasts.navigated(view.route.path, mark);
    return this.enter(view).then(() => this.remember(view));
  }

  private applyToast(view: View, effect: SideEffect, note = true): void {
    if (effect.type !== 'toast') return;
    view.toasts.add(effect.variant, effect.message, view.route.path);
    if (note) this.noteActivity(effect);
  }

  /** A toast joins the user's activity (a user-level change: every view showing it re-renders). */
  private noteActivity(effect: SideEffect): void {
    if (effect.type !== 'toast') return;
    const entry: ActivityEntry = { id: `a${++this.activityCounter}`, variant: effect.variant, message: effect.message, at: new Date().toISOString() };
    this.activity = [entry, ...this.activity].slice(0, MAX_ACTIVITY);
    this.touchUserState();
  }

  /**
   * The route's plugin's `enter`: its toasts and failures show in the view. On a route that shows the
   * cards (the dashboard), each card's `enter` too: it loads what its card shows.
   */
  private async enter(view: View): Promise<void> {
    const plugin = view.plugin;
    const enter = plugin.enter;
    if (enter) await this.runPlugin(view, true, plugin, view.route, view.context, view.viewState(plugin), (input) => enter(input));
    if (!plugin.showsCards) return;
    for (const carded of this.deps.plugins) {
      const enterCard = carded.card?.enter;
      if (enterCard && carded.nav) await this.runPlugin(view, true, carded, view.route, view.context, view.viewState(carded), (input) => enterCard(input));
    }
  }

  /** What a change is rolled back to when a view cannot render it. */
  private checkpoint(view: View | undefined) {
    return { states: this.committed, view, viewStates: view?.saveViewStates(), route: view?.route.path };
  }

  /** The user's states changed though no plugin's did (preferences): every view re-renders. */
  private touchUserState(): void {
    if (this.states === this.committed) this.states = new Map(this.states);
  }

  /** A plugin's user state; the first change after a commit copies the map, which the commit keeps. */
  private setState(pluginId: string, state: unknown): void {
    if (this.states === this.committed) this.states = new Map(this.states);
    this.states.set(pluginId, state);
  }

  /**
   * Renders and sends the change: every view when the user's states changed, else only `acting`.
   * Answers the acting view's frame. A render failure rolls back to `checkpoint`. The side effects go
   * with the acting view's frame; without an acting view (background work) with every view's.
   */
  private commit(checkpoint: ReturnType<UserSession['checkpoint']>, acting: View, sideEffects: SideEffect[], origin?: FrameListener): Frame;
  private commit(checkpoint: ReturnType<UserSession['checkpoint']>, acting: undefined, sideEffects: SideEffect[]): undefined;
  private commit(checkpoint: ReturnType<UserSession['checkpoint']>, acting: View | undefined, sideEffects: SideEffect[], origin?: FrameListener): Frame | undefined {
    const targets = this.states !== this.committed ? [...this.views.values()] : acting ? [acting] : [];
    let surfaces: Array<[View, Surface]>;
    try {
      surfaces = targets.map((view) => [view, view.render()]);
    } catch (error) {
      console.error(`[session ${this.userId}] render failed:`, error);
      surfaces = this.rollBack(checkpoint, targets);
    }
    this.committed = this.states;
    const othersEffects = acting ? [] : sideEffects;
    let frame: Frame | undefined;
    for (const [view, surface] of surfaces) {
      if (view === acting) frame = view.commit(surface, sideEffects, origin);
      else view.commit(surface, othersEffects);
    }
    return frame;
  }

  /** Puts back the states and route of `checkpoint`, says so, and renders again. */
  private rollBack(checkpoint: ReturnType<UserSession['checkpoint']>, targets: View[]): Array<[View, Surface]> {
    this.states = checkpoint.states;
    if (checkpoint.view && checkpoint.viewStates) {
      checkpoint.view.restoreViewStates(checkpoint.viewStates);
      if (checkpoint.route) checkpoint.view.router.navigate(checkpoint.route);
    }
    const told = checkpoint.view ? [checkpoint.view] : targets;
    for (const view of told) view.toasts.add('error', 'The screen could not be updated; the last change was undone.', view.route.path);
    const all = new Set([...targets, ...told]);
    return [...all].map((view) => [view, view.render()]);
  }

  private expireToast(view: View, id: string): void {
    this.enqueue(async () => {
      if (this.closed || this.views.get(view.id) !== view || !view.toasts.remove(id)) return;
      view.commit(view.render(), []);
    }).catch((error: unknown) => console.error(`[session ${this.userId}] expiring a toast failed:`, error));
  }

  /** An error nobody caught in a plugin's work: a toast in every view. */
  private reportToAll(message: string): void {
    this.enqueue(async () => {
      if (this.closed) return;
      // As a background update's toast: in every view, in the activity, one commit.
      const toast: SideEffect = { type: 'toast', variant: 'error', message };
      const checkpoint = this.checkpoint(undefined);
      for (const view of this.views.values()) this.applyToast(view, toast, false);
      this.noteActivity(toast);
      this.commit(checkpoint, undefined, [toast]);
    }).catch((error: unknown) => console.error(`[session ${this.userId}] reporting an error failed:`, error));
  }

  /** Keeps the view's route for a restart (the record is bounded to the most recent views). */
  private remember(view: View): void {
    const views = { ...this.record.views, [view.id]: { route: view.route.path, used_at: Date.now() } };
    const ids = Object.keys(views);
    if (ids.length > MAX_REMEMBERED_VIEWS) {
      ids.sort((a, b) => views[a]!.used_at - views[b]!.used_at);
      for (const id of ids.slice(0, ids.length - MAX_REMEMBERED_VIEWS)) delete views[id];
    }
    this.record = { ...this.record, views };
    if (view.kind !== 'stream') this.deps.save(this.userId, this.record);
  }

  private drop(view: View): void {
    view.close();
    this.views.delete(view.id);
  }

  /** Past the cap, the least recently used view that no client listens to goes. */
  private makeRoom(): void {
    if (this.views.size < this.deps.maxViews) return;
    const idle = [...this.views.values()].filter((v) => v.listenerCount === 0).sort((a, b) => a.lastActive - b.lastActive);
    const victim = idle[0];
    if (!victim) throw new PluginError('RATE_LIMITED', `Too many open views (${this.deps.maxViews}); close a tab and retry.`);
    this.drop(victim);
  }
}
