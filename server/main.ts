/**
 * The only place that wires everything: config → auth → modules (services, plugins, endpoints,
 * socket events, WebSocket messages, tools) → router table → users (sessions and views) → HTTP app +
 * socket.io + the raw WebSocket → listen. `npm start` runs
 * this file; tests call `startServer` for the same wiring.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { ModulePorts, PluginModule } from '../agents/module';
import { loadConfig, type Config } from './app/config';
import { MODULES } from './app/modules';
import { installSafetyNet } from './app/safety-net';
import { openModules } from './app/services';
import { embeddedStore, type StoreBackend } from './app/store-backend';
import { ClusterNode } from './cluster/cluster-node';
import { RedisActionJournal } from './cluster/redis-action-journal';
import { RedisStore } from './cluster/redis-store';
import { MemoryActionJournal } from './session/action-journal';
import type { SessionDirectory } from './session/session-handle';
import { Connections } from './transport/connections';
import { RouteTable } from './session/router';
import type { UserRecord } from './session/user-session';
import { DocumentUserStore, userRecordSchema } from './session/user-store';
import { Users } from './session/users';
import { VersionClock } from './session/versions';
import { serverEndpoints } from './transport/a2ui-api';
import { mountA2uiV09Stream } from './transport/a2ui-v09/routes';
import { loadAuth } from './transport/auth';
import { answerClientError } from './transport/client-error';
import { createApp } from './transport/http';
import { RAW_WS_PATH, attachRawWebSocket, type RawWebSocket } from './transport/raw-ws';
import { attachLive } from './transport/live';
import { isForeignOrigin } from './transport/origin';
import { StreamLimiter } from './transport/stream-limit';
import packageJson from '../package.json';

export interface RunningServer {
  config: Config;
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  /** The main user's access token. */
  token: string;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The modules to serve; default the product's (server/app/modules.ts). Tests add modules of their own. */
  modules?: readonly PluginModule<any>[];
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const config = loadConfig(env, cwd);
  const redisStore = config.cluster ? await RedisStore.open(config.cluster) : undefined;
  const store: StoreBackend = redisStore ?? embeddedStore(config.dataDir);
  // Several processes on one Redis: this one joins the cluster (server/cluster/); never for `npm start`.
  const node = redisStore ? await ClusterNode.start(redisStore) : undefined;
  const auth = loadAuth(config.dataDir, config.token, config.authFailuresPerMinute, store.rateLimiter('auth-failures', config.authFailuresPerMinute));

  // Modules open before the sessions and the listening server exist: the ports they were lent are
  // bound to them once they do (a module calls them only at run time).
  let users: SessionDirectory | undefined;
  let baseUrl: string | undefined;
  const ports: ModulePorts = {
    actAs: (userId, pluginId, action, payload) => users!.get(userId).then((session) => session.runPluginAction(pluginId, action, payload)),
    baseUrl: () => {
      if (!baseUrl) throw new Error('the server is not listening yet');
      return baseUrl;
    },
    identify: (token) => auth.identify(token),
    tools: () => modules.tools,
    roles: auth,
    ...(node ? { cluster: node.port() } : {}),
  };
  const modules = await openModules(options.modules ?? MODULES, { env, cwd, dataDir: config.dataDir, store, ports });

  const routes = new RouteTable(modules.plugins);
  // With several processes, a user's record is written only by the holder of the user's lease.
  const userStore = new DocumentUserStore((name, defaults, userId) =>
    redisStore && node ? redisStore.openFencedDocument<UserRecord>(name, defaults, userRecordSchema, () => node.fence(userId)) : store.openDocument<UserRecord>(name, defaults, userRecordSchema, 'whole'),
  );
  const local = new Users(
    userStore,
    {
      plugins: modules.plugins,
      routes,
      pluginTimeoutMs: config.pluginTimeoutMs,
      frameLogSize: config.frameLogSize,
      toastLifetimeMs: config.toastLifetimeMs,
      maxViews: config.maxViewsPerUser,
      clock: new VersionClock(await store.epochs()),
      journal: redisStore && node ? new RedisActionJournal(redisStore.redis, (userId) => node.fence(userId)) : new MemoryActionJournal(),
    },
    { viewIdleMs: config.viewIdleMs },
  );
  const connections = new Connections();
  let io: Server | undefined;
  users = node ? node.directory(local, connections, config.frameLogSize, () => io!) : local;
  const rateLimiter = store.rateLimiter('requests', config.rateLimitPerMinute);
  const streams = new StreamLimiter(config.maxStreamsPerUser);

  // The raw WebSocket exists once the HTTP server does; the health endpoint asks it at run time.
  let rawWs: RawWebSocket | undefined;
  const endpoints = [
    ...serverEndpoints({
      users,
      version: packageJson.version,
      startedAt: Date.now(),
      dataDir: config.dataDir,
      storeHealth: () => {
        const users = userStore.health();
        return users.status === 'ok' ? store.health() : users;
      },
      status: () => modules.status(),
      health: (caller) => modules.health(caller),
      websocketClients: () => rawWs?.clients() ?? 0,
      websocketPath: RAW_WS_PATH,
    }),
    ...modules.endpoints,
  ];
  const app = createApp({
    auth,
    rateLimiter,
    bodyLimitBytes: config.bodyLimitBytes,
    clientDir: config.clientDir,
    endpoints,
    streamGate: streams.gate,
    mount: (express, authenticate) => mountA2uiV09Stream(express, authenticate, streams.gate, users!, connections),
    readiness: () => (node ? { ready: ready(), ...node.health() } : { ready: !closing }),
  });
  const server = http.createServer(app);
  server.on('clientError', answerClientError);
  io = new Server(server, {
    serveClient: false,
    maxHttpBufferSize: config.bodyLimitBytes,
    // Other upgrades are the raw WebSocket's (raw-ws.ts answers or refuses every one of them).
    destroyUpgrade: false,
    // A page of another origin must not ride the user's cookie into a live session (see origin.ts).
    allowRequest: (req, callback) => callback(null, !isForeignOrigin(req.headers.origin, req.headers.host)),
  });
  node?.attach(io);
  attachLive(io, {
    auth,
    users,
    rateLimiter,
    maxPendingFrames: config.maxPendingFrames,
    socketEvents: modules.socketEvents,
    socketConnected: (channel) => modules.socketConnected(channel),
    connections,
  });
  rawWs = attachRawWebSocket(server, {
    auth,
    rateLimiter,
    streams,
    bodyLimitBytes: config.bodyLimitBytes,
    messages: modules.wsMessages,
    socketIoPath: `${io.path()}/`,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  baseUrl = `http://${host}:${port}`;

  /** Ready for new clients: the store and the adapter are connected, and the server is not stopping. */
  function ready(): boolean {
    const health = node?.health();
    return !closing && (!health || (health.store === 'connected' && health.adapter === 'connected' && !health.draining));
  }

  let closing: Promise<void> | undefined;
  return {
    config,
    url: baseUrl,
    port,
    token: auth.mainToken,
    close: () =>
      (closing ??= (async () => {
        if (node) {
          // A clean stop of one process of several: no new clients (readiness is false), what is
          // queued runs, the records are written while the leases still hold, the leases go, and
          // every client is closed with a reconnect hint so it lands on a process that takes over.
          node.drain();
          rawWs!.close();
          server.close();
          await local.close();
          await node.handOver();
          connections.closeAll();
        } else rawWs!.close();
        const ioClosed = new Promise<void>((resolve) => io.close(() => resolve()));
        // An open stream (an agent's SSE) never ends by itself and the HTTP server waits for every
        // connection: once socket.io has closed its sockets, the HTTP connections left are cut.
        setImmediate(() => server.closeAllConnections());
        await ioClosed;
        server.closeAllConnections();
        if (!node) await local.close(); // (several processes: closed above, before the hand-over)
        await modules.close();
        await node?.close();
        await store.close();
      })()),
  };
}

if (require.main === module) {
  installSafetyNet();
  startServer().then(
    (running) => {
      console.log(`a2ui-orchestrator ${packageJson.version} listening on ${running.url}`);
      console.log(`Open ${running.url}/?token=${running.token}`);
      console.log(`Data: ${running.config.dataDir}`);
      const stop = () => {
        console.log('Shutting down…');
        running.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error('a2ui-orchestrator could not start:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
