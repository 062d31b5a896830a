/**
 * The route router: an XState statechart with one state per route, composed from the plugins' route
 * declarations. The state in force decides which plugin receives an action ("the orchestrator sees the
 * current state is EMAIL_INBOX and routes to the EmailAgent"). NAVIGATE moves between states; a path
 * that matches no route leaves the machine where it is.
 */
import { assign, initialTransition, setup, transition } from 'xstate';
import type { Plugin, RouteMatch } from '../../agents/types';

interface CompiledRoute {
  state: string;
  path: string;
  pluginId: string;
  pattern: RegExp;
  keys: string[];
}

const PARAM_VALUE = '([A-Za-z0-9_.:~-]{1,200})';

function compile(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        keys.push(segment.slice(1));
        return PARAM_VALUE;
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), keys };
}

export class RouteTable {
  readonly routes: readonly CompiledRoute[];
  /** The statechart of these routes, shared by every view's router (each keeps its own snapshot). */
  readonly machine: RouterMachine;

  constructor(plugins: readonly Plugin[]) {
    const routes: CompiledRoute[] = [];
    const states = new Set<string>();
    for (const plugin of plugins) {
      for (const route of plugin.routes) {
        if (states.has(route.state)) throw new Error(`route state ${route.state} is declared twice`);
        states.add(route.state);
        routes.push({ ...route, pluginId: plugin.id, ...compile(route.path) });
      }
    }
    if (!routes.some((r) => r.path === '/')) throw new Error('no plugin declares the route "/"');
    this.routes = routes;
    this.machine = createRouterMachine(this);
  }

  /** The route a path names, with its parameters; undefined when no route matches. */
  match(path: string): (RouteMatch & { pluginId: string }) | undefined {
    const clean = path.split(/[?#]/)[0] ?? '';
    for (const route of this.routes) {
      const found = route.pattern.exec(clean);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => (params[key] = decodeURIComponent(found[i + 1]!)));
      return { state: route.state, path: clean.length > 1 ? clean.replace(/\/$/, '') : clean, params, pluginId: route.pluginId };
    }
    return undefined;
  }
}

/** The path is matched once, before the event: the guards compare states. */
type RouterEvent = { type: 'NAVIGATE'; match: RouteMatch; pluginId: string };
interface RouterContext {
  match: RouteMatch;
  /** The plugin that owns the state in force. */
  pluginId: string;
}

function createRouterMachine(table: { routes: readonly CompiledRoute[]; match(path: string): (RouteMatch & { pluginId: string }) | undefined }) {
  const { pluginId, ...home } = table.match('/')!;
  return setup({
    types: { context: {} as RouterContext, events: {} as RouterEvent },
  }).createMachine({
    id: 'router',
    initial: home.state,
    context: { match: home, pluginId },
    states: Object.fromEntries(table.routes.map((r) => [r.state, {}])),
    on: {
      NAVIGATE: table.routes.map((route) => ({
        guard: ({ event }: { event: RouterEvent }) => event.match.state === route.state,
        target: `.${route.state}`,
        actions: assign(({ event }: { event: RouterEvent }) => ({ match: event.match, pluginId: event.pluginId })),
      })),
    },
  });
}

type RouterMachine = ReturnType<typeof createRouterMachine>;

/**
 * One view's router: the table's statechart driven by pure transitions. A view keeps only its
 * snapshot (no running actor: an actor per tab would cost ~20 KB of heap for every idle tab).
 */
export class Router {
  private snapshot: ReturnType<RouterMachine['getInitialSnapshot']>;

  constructor(private readonly table: RouteTable) {
    [this.snapshot] = initialTransition(table.machine);
  }

  /** Moves to the route `to` names; false (and no move) when it names none. */
  navigate(to: string): boolean {
    const found = this.table.match(to);
    if (!found) return false;
    const { pluginId, ...match } = found;
    [this.snapshot] = transition(this.table.machine, this.snapshot, { type: 'NAVIGATE', match, pluginId });
    return true;
  }

  get current(): RouteMatch {
    return this.snapshot.context.match;
  }

  /** The id of the plugin that owns the state in force. */
  get pluginId(): string {
    return this.snapshot.context.pluginId;
  }

  /** The state in force (the route's XState state name). */
  get state(): string {
    return String(this.snapshot.value);
  }
}
