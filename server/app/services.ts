/**
 * Opens the modules in order, each with a `ModuleContext` (the environment, the store, the services
 * of the modules before it, the server's ports), and collects what they declare: plugins, endpoints,
 * socket events, tools. Closes them in reverse order.
 */
import path from 'node:path';
import type { Caller, Endpoint, SocketChannel, SocketEvent } from '../../agents/endpoint';
import type { AssistantTool, ModuleContext, ModuleHealth, ModulePorts, PluginModule } from '../../agents/module';
import type { Plugin, PluginStatus } from '../../agents/types';
import { openStore } from './store';

export interface OpenedModules {
  plugins: Plugin<any>[];
  endpoints: Endpoint[];
  socketEvents: SocketEvent[];
  /** The raw WebSocket's messages, by type. */
  wsMessages: SocketEvent[];
  tools: AssistantTool[];
  /** Every module's hook for a new socket. */
  socketConnected(channel: SocketChannel): void;
  /** Each module's health, by module id. */
  status(): Record<string, PluginStatus>;
  /** What the modules add to `/api/health` for `caller`: their services' states and counts, merged. */
  health(caller: Caller): Required<ModuleHealth>;
  close(): Promise<void>;
}

export interface ModuleHost {
  env: NodeJS.ProcessEnv;
  cwd: string;
  dataDir: string;
  /** Filled by the server once it exists (sessions, auth, its URL): modules open before it. */
  ports: ModulePorts;
}

export async function openModules(modules: readonly PluginModule<any>[], host: ModuleHost): Promise<OpenedModules> {
  const services = new Map<PluginModule<any>, unknown>();
  /** In the order they opened (a module opens before the first that uses it), for closing in reverse. */
  const openOrder: PluginModule<any>[] = [];
  const opening = new Set<PluginModule<any>>();
  const ctx: ModuleContext = {
    env: host.env,
    cwd: host.cwd,
    dataDir: host.dataDir,
    openStore: (name, defaults, schema) => openStore(path.join(host.dataDir, `${name}.json`), defaults, schema),
    use<S>(module: PluginModule<S>): S {
      if (!services.has(module)) throw new Error(`module ${module.id} is used while opening, before it opened (a cycle, or a module missing from server/app/modules.ts)`);
      return services.get(module) as S;
    },
    ports: host.ports,
  };

  /** Opens `module` after every module it uses: `use` inside `open` awaits that module's opening first. */
  const open = async (module: PluginModule<any>): Promise<void> => {
    if (services.has(module)) return;
    if (opening.has(module)) throw new Error(`modules use each other in a cycle: ${[...opening].map((m) => m.id).join(' → ')} → ${module.id}`);
    if (!modules.includes(module)) throw new Error(`module ${module.id} is used but not listed in server/app/modules.ts`);
    opening.add(module);
    for (const dependency of module.uses ?? []) await open(dependency);
    const opened = await module.open(ctx);
    opening.delete(module);
    services.set(module, opened);
    openOrder.push(module);
  };

  const close = async () => {
    for (const module of openOrder.splice(0).reverse()) {
      try {
        await module.close?.(services.get(module));
      } catch (error) {
        console.error(`[${module.id}] closing failed:`, error);
      }
    }
  };
  try {
    for (const module of modules) await open(module);
  } catch (error) {
    await close();
    throw error;
  }
  // Declarations in list order: the list is also the header order.
  const declared = <T>(pick: (module: PluginModule<any>, services: unknown) => readonly T[] | undefined): T[] =>
    modules.flatMap((module) => [...(pick(module, services.get(module)) ?? [])]);
  return {
    plugins: declared((m, s) => m.plugins?.(s, ctx)),
    endpoints: declared((m, s) => m.endpoints?.(s, ctx)),
    socketEvents: declared((m, s) => m.socketEvents?.(s, ctx)),
    wsMessages: declared((m, s) => m.wsMessages?.(s, ctx)),
    tools: declared((m, s) => m.tools?.(s, ctx)),
    socketConnected: (channel) => {
      for (const module of modules) module.socketConnected?.(services.get(module), channel);
    },
    status: () => Object.fromEntries(modules.map((module) => [module.id, module.status?.(services.get(module)) ?? { status: 'ok' }])),
    health: (caller) => {
      const parts = modules.map((module) => module.health?.(services.get(module), caller) ?? {});
      return { services: Object.assign({}, ...parts.map((part) => part.services)), counts: Object.assign({}, ...parts.map((part) => part.counts)) };
    },
    close,
  };
}
