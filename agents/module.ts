/**
 * The module contract: one folder under `agents/` is one module, and a module is everything a feature
 * brings to the product — its configuration, its long-lived services (opened once per server, closed
 * at shutdown), its plugins (screens and actions), its HTTP endpoints, socket events and raw
 * WebSocket messages, and its assistant tools. `server/app/modules.ts` lists the modules; adding a
 * feature is a folder and one line there (the list's order is the header's; modules open in the
 * order their `uses` need).
 * See docs/architecture.md ("The plugin contract").
 *
 * Modules know nothing of the server: they get what they need through the `ModuleContext` (the
 * environment, the data store, the services of modules listed before them) and act on other modules'
 * screens only through its ports (`actAs`), never by importing their internals.
 */
import type { z } from 'zod';
import type { Caller, Endpoint, SocketChannel, SocketEvent } from './endpoint';
import type { UserRoles } from './roles';
import type { PersistentStore, Plugin, PluginStatus } from './types';

/** A tool the assistant (Claude) may call: a module's own capability, run for the user who asked. */
export interface AssistantTool<I = any> {
  name: string;
  description: string;
  input: z.ZodType<I>;
  /** Sends mail, stops an agent, removes a worktree: the user approves each call first. */
  needsApproval: boolean;
  /** Runs for `userId`; the answer goes back to Claude as JSON (keep it small). Throw to report a failure. */
  run(userId: string, input: I, signal: AbortSignal): Promise<unknown>;
}

/**
 * What a module adds to `/api/health`, for the caller: the state of its services by name (the agent
 * server document's `services`: `ready`, or `disabled` when the feature is off), and counts of the
 * caller's own things (`agents`, `sessions`), which never tell one user about another's.
 */
export interface ModuleHealth {
  services?: Readonly<Record<string, 'ready' | 'disabled' | 'error'>>;
  counts?: Readonly<Record<string, unknown>>;
}

/** What an action run on a user's behalf did (see ModulePorts.actAs). */
export interface ActOutcome {
  status: 'success' | 'error';
  error?: { code: string; message: string };
}

/** What the server lends every module; late-bound where the server is not built yet when modules open. */
export interface ModulePorts {
  /**
   * Runs a plugin's action for a user as a click would, in none of their tabs: the domain change
   * reaches every tab that shows it, no tab navigates or gets a toast. For tools and automations.
   */
  actAs(userId: string, pluginId: string, action: string, payload: Record<string, unknown>): Promise<ActOutcome>;
  /** The server's own base URL (PUBLIC_BASE_URL, else where it listens); known once it listens. */
  baseUrl(): string;
  /** The caller a product token belongs to, or undefined (for endpoints with their own auth). */
  identify(token: string): Caller | undefined;
  /** Every module's assistant tools (for the assistant; read at call time). */
  tools(): readonly AssistantTool[];
  /** Who a user is for shared resources (an administrator manages every user's worktrees). */
  roles: UserRoles;
  /** Present when several server processes share one store (README, "Running several processes"). */
  cluster?: ClusterPort;
}

/**
 * The other server processes of a deployment on one store, for a module whose work is bound to one
 * process (an agent's OS process runs where it was started). Requests travel on the server's own bus.
 */
export interface ClusterPort {
  /** This process's id (A2UI_NODE_ID). */
  node: string;
  /** How long a process that died goes unnoticed at most. */
  leaseMs: number;
  /** Asks process `node` to run its handler of `method`; rejects with UNAVAILABLE when it is gone, or with the handler's error. */
  request<T>(node: string, method: string, args: unknown): Promise<T>;
  /** Answers `method` for the other processes. */
  handle(method: string, handler: (args: any) => unknown): void;
  /** Whether process `node` is alive (connected to the store). */
  alive(node: string): Promise<boolean>;
  /** Publishes this process's `value` of `key`; answers the values the other living processes published. */
  announce(key: string, value: string): Promise<string[]>;
  /** The family of shared logs named `name`, each log keeping its last `keep` entries (see SharedLogs); resolves once live entries reach this process. */
  sharedLogs(name: string, keep: number): Promise<SharedLogs>;
}

/** One entry of a shared log: its number and its text. */
export interface LogEntry {
  seq: number;
  text: string;
}

/**
 * Append-only logs every process reads, numbered by the writer (Redis Streams, encrypted at rest like
 * the rest of the store), with live delivery to the other processes: what a module whose events are
 * made on one process (an agent's output) needs so that a reader on any process can replay and follow.
 *
 * Order without gaps: `append` writes the entries and announces them in one step, so a reader that
 * listens (`onLive`, from the start) and then reads (`after`) sees each entry at least once, and
 * drops what it has by seq.
 */
export interface SharedLogs {
  /**
   * Appends `entries` (numbered in increasing order) to log `log` (ids of `A-Z a-z 0-9 _ . -` joined
   * by `/`) and hands `live` to every other process's `onLive`, all in one step. Rejects, writing
   * nothing, when the log already has an entry numbered at or above the first (another process wrote
   * it: the numbering moved on elsewhere).
   */
  append(log: string, entries: readonly LogEntry[], live: string): Promise<void>;
  /** Up to `count` entries numbered above `after`, oldest first. */
  after(log: string, after: number, count: number): Promise<LogEntry[]>;
  /** The last `count` entries numbered from `from` to `to` (default: the newest), oldest first. */
  last(log: string, count: number, from?: number, to?: number): Promise<LogEntry[]>;
  /** Calls `listener` with each other process's append, live. */
  onLive(listener: (log: string, live: string) => void): void;
  /** Calls `listener` when live entries may have been missed (the connection to the store came back). */
  onGap(listener: () => void): void;
}

export interface ModuleContext {
  /** The process environment: each module reads and validates its own variables (a bad value stops the start naming the variable). */
  env: NodeJS.ProcessEnv;
  /** Where relative paths in the environment resolve. */
  cwd: string;
  /** The data directory (mode 0700). */
  dataDir: string;
  /**
   * A JSON document persisted by the server's store (lowdb file `<data>/<name>.json` by default, mode
   * 0600). What is read is checked against `schema`: a wrong shape is moved aside and logged, and the
   * document starts from `defaults`.
   */
  openStore<T>(name: string, defaults: T, schema: z.ZodType<T, unknown>): Promise<PersistentStore<T>>;
  /** The opened services of a module named in this module's `uses`. */
  use<S>(module: PluginModule<S>): S;
  ports: ModulePorts;
}

export interface PluginModule<S = unknown> {
  /** Unique; names the module in logs (`[email] …`) and in `/api/health`. */
  readonly id: string;
  /** The modules whose services this one `use`s: they open first, wherever they are listed. */
  readonly uses?: readonly PluginModule<any>[];
  /** Opens the services (read config, open stores, start watchers). A throw stops the start with its message. */
  open(ctx: ModuleContext): S | Promise<S>;
  /** Stops what `open` started (processes, timers, pending writes), at shutdown. */
  close?(services: S): void | Promise<void>;
  plugins?(services: S, ctx: ModuleContext): readonly Plugin<any, any>[];
  endpoints?(services: S, ctx: ModuleContext): readonly Endpoint[];
  /** socket.io client events (on the live socket the surface uses). */
  socketEvents?(services: S, ctx: ModuleContext): readonly SocketEvent[];
  /** Runs for every authenticated socket.io socket as it connects: server events pushed unasked (unsubscribe in `channel.onClose`). */
  socketConnected?(services: S, channel: SocketChannel): void;
  /**
   * The raw WebSocket's client messages (`/ws`, plain JSON `{"type", …}`, for clients of documented
   * WebSocket protocols), by their `type` (see SocketEvent). Types are unique across modules.
   */
  wsMessages?(services: S, ctx: ModuleContext): readonly SocketEvent[];
  tools?(services: S, ctx: ModuleContext): readonly AssistantTool[];
  /** The module's health for `/api/health`. */
  status?(services: S): PluginStatus;
  /** What the module adds to `/api/health` for `caller` (see ModuleHealth). */
  health?(services: S, caller: Caller): ModuleHealth;
}

/** Declares a module (keeps its services' type for `ctx.use`). */
export function defineModule<S>(module: PluginModule<S>): PluginModule<S> {
  return module;
}
