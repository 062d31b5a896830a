/**
 * The only place that wires everything: config → auth → plugins → router table → sessions → express
 * app + socket.io → listen. `npm start` runs this file; tests call `startServer` for the same wiring.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Server } from 'socket.io';
import { createPlugins } from '../agents/registry';
import type { Plugin } from '../agents/types';
import { createApp } from './app';
import { loadAuth } from './auth';
import { loadConfig, type Config } from './config';
import { attachLive } from './live';
import { isForeignOrigin } from './origin';
import { RateLimiter } from './rate-limit';
import { RouteTable } from './router';
import { Sessions, type SessionsFile } from './sessions';
import { openStore } from './store';
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
  /** The plugins to serve; default the registry's. Tests add plugins that throw or hang. */
  plugins?: Plugin[];
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env ?? process.env, options.cwd ?? process.cwd());
  const auth = loadAuth(config.dataDir, config.token);
  const plugins = options.plugins ?? createPlugins();
  const routes = new RouteTable(plugins);
  const store = await openStore<SessionsFile>(path.join(config.dataDir, 'sessions.json'), { sessions: {} });
  const sessions = new Sessions(store, { plugins, routes, pluginTimeoutMs: config.pluginTimeoutMs, frameLogSize: config.frameLogSize });
  const rateLimiter = new RateLimiter(config.rateLimitPerMinute);

  const app = createApp({ config, auth, sessions, rateLimiter, plugins, version: packageJson.version, startedAt: Date.now() });
  const server = http.createServer(app);
  const io = new Server(server, {
    serveClient: false,
    maxHttpBufferSize: config.bodyLimitBytes,
    // A page of another origin must not ride the user's cookie into a live session (see origin.ts).
    allowRequest: (req, callback) => callback(null, !isForeignOrigin(req.headers.origin, req.headers.host)),
  });
  attachLive(io, { auth, sessions, rateLimiter, maxPendingFrames: config.maxPendingFrames });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  return {
    config,
    url: `http://${host}:${port}`,
    port,
    token: auth.mainToken,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => io.close(() => resolve()));
        server.closeAllConnections();
        await sessions.close();
      })()),
  };
}

if (require.main === module) {
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
