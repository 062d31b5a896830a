/**
 * The only place that wires everything: config → auth → plugins → router table → sessions → express
 * app + socket.io → listen. `npm start` runs this file; tests call `startServer` for the same wiring.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Server } from 'socket.io';
import { MailService } from '../agents/email/service';
import { openAgentSupervisor } from '../agents/control/open';
import type { AgentSessionsFile } from '../agents/control/session-record';
import { ProviderPool } from '../agents/ai/providers';
import { ApprovalBroker } from '../agents/assistant/approvals';
import { Assistant } from '../agents/assistant/chat';
import { ConversationStore, type HistoryFile } from '../agents/assistant/history';
import { createAssistantTools, type ActionRunner } from '../agents/assistant/tools';
import { createPlugins, type PluginServices } from '../agents/registry';
import type { Plugin } from '../agents/types';
import { WorktreeService, type WorktreeMetadataFile } from '../agents/worktree/service';
import { reviewEndpoints } from '../agents/worktree/review/endpoints';
import { GhCli } from '../agents/worktree/review/gh';
import { ReviewService } from '../agents/worktree/review/service';
import { WorktreeSessions } from '../agents/control/worktree-sessions';
import { declaredEndpointsRouter } from './routes/declared-endpoints';
import { createA2uiV09Router } from './transport/a2ui-v09/routes';
import { createApp, type MountedRouter } from './transport/http';
import { loadAuth, type TokenAuth } from './transport/auth';
import { loadConfig, type Config } from './app/config';
import { attachLive, type SocketHandler } from './transport/live';
import { isForeignOrigin } from './transport/origin';
import { RateLimiter } from './transport/rate-limit';
import { RouteTable } from './session/router';
import { agentRoutes } from './routes/agents';
import { agentSocketHandler } from './routes/agents-socket';
import { approvalSocketHandler } from './routes/approvals-socket';
import { chatRoutes } from './routes/chat';
import { eventRoutes } from './routes/events';
import { googleAuthRoutes } from './routes/google-auth';
import { worktreeRoutes } from './routes/worktrees';
import { Sessions, type SessionsFile } from './session/sessions';
import { StreamLimiter } from './transport/stream-limit';
import { openStore } from './app/store';
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
  plugins?: (services: PluginServices) => Plugin[];
}

/**
 * Opens the services the plugins share, from the configuration. `runAction` lets the assistant's
 * tools run a plugin's action for a user (the sessions exist only after the plugins do, so it is a
 * late-bound function).
 */
export async function openServices(config: Config, runAction: ActionRunner = noSessions): Promise<PluginServices> {
  const worktreeStore = await openStore<WorktreeMetadataFile>(path.join(config.dataDir, 'worktrees.json'), { worktrees: {} });
  const worktrees = await WorktreeService.open({ repo: config.repo, store: worktreeStore });
  const agents = await openAgentSupervisor({
    definitionsFile: config.agentsFile,
    store: await openStore<AgentSessionsFile>(path.join(config.dataDir, 'agent-sessions.json'), { sessions: {} }),
    logDir: path.join(config.dataDir, 'agent-logs'),
    repoDir: config.repo,
    stopGraceMs: config.agentStopGraceMs,
    worktrees,
  });
  // One pool of Claude providers for the drafts and the assistant: the same keys, the same failover.
  const pool = new ProviderPool({ providers: config.ai.providers, cooldownMs: config.ai.cooldownMs, timeoutMs: config.ai.timeoutMs });
  // Mailboxes and Google tokens go through the same 0600 store opener, mailboxes lazily per user.
  const { draftTimeoutMs, ...mailConfig } = config.mail;
  const mail = await MailService.open({ ...mailConfig, dataDir: config.dataDir, openStore, drafts: { pool, timeoutMs: draftTimeoutMs } });

  const history = new ConversationStore(await openStore<HistoryFile>(path.join(config.dataDir, 'chat-history.json'), { users: {} }), config.ai.historyLimit);
  const approvals = new ApprovalBroker(config.ai.approvalTimeoutMs);
  const tools = createAssistantTools({ mail, agents, worktrees, runAction });
  const assistant = new Assistant({ pool, history, approvals, tools });
  const worktreeSessions = new WorktreeSessions(agents);
  const review = new ReviewService({
    worktrees,
    gh: new GhCli({ command: config.review.ghCommand, env: config.review.ghEnv }),
    sessionIn: (userId, worktreePath) => worktreeSessions.factsIn(userId, worktreePath),
  });
  return { worktrees, review, worktreeSessions, agents, mail, ai: { pool, history, approvals, assistant } };
}

const noSessions: ActionRunner = () => Promise.reject(new Error('no sessions to run the action in'));

/** Stops the services: processes, timers, pending writes. */
export async function closeServices(services: PluginServices): Promise<void> {
  await services.agents.close();
  await services.worktrees.close();
  await services.mail.close();
  services.ai.approvals.close();
}

interface TransportDeps {
  config: Config;
  auth: TokenAuth;
  rateLimiter: RateLimiter;
  sessions: Sessions;
  streams: StreamLimiter;
}

/** The plugins' REST routes under `/api`, their pages outside it, and their socket events. */
function pluginTransports(services: PluginServices, deps: TransportDeps): { apiRouters: MountedRouter[]; pageRouters: MountedRouter[]; socketHandlers: SocketHandler[] } {
  return {
    apiRouters: [
      // Before the worktree routes: their `/:path` must not answer `/:path/diff` and the like.
      { path: '', router: declaredEndpointsRouter(reviewEndpoints(services.review)) },
      { path: '/worktrees', router: worktreeRoutes(services.worktrees) },
      { path: '', router: agentRoutes({ supervisor: services.agents, heartbeatMs: deps.config.sseHeartbeatMs, streamGate: deps.streams.gate }) },
      { path: '', router: chatRoutes(services.ai) },
    ],
    pageRouters: [
      { path: '/auth/google', router: googleAuthRoutes(services.mail, deps) },
      { path: '/events', router: eventRoutes({ ...deps, assistant: services.ai.assistant, mail: services.mail, bodyLimitBytes: deps.config.bodyLimitBytes }) },
    ],
    socketHandlers: [agentSocketHandler(services.agents, deps.rateLimiter, deps.config.maxPendingFrames), approvalSocketHandler(services.ai.approvals)],
  };
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env ?? process.env, options.cwd ?? process.cwd());
  const auth = loadAuth(config.dataDir, config.token);
  // The assistant's tools act through the user's session; `sessions` exists by the time they run.
  const services = await openServices(config, (userId, pluginId, action, payload) =>
    sessions.get(userId).then((session) => session.runPluginAction(pluginId, action, payload)),
  );
  const plugins = (options.plugins ?? createPlugins)(services);
  const routes = new RouteTable(plugins);
  const store = await openStore<SessionsFile>(path.join(config.dataDir, 'sessions.json'), { sessions: {} });
  const sessions = new Sessions(store, { plugins, routes, pluginTimeoutMs: config.pluginTimeoutMs, frameLogSize: config.frameLogSize });
  const rateLimiter = new RateLimiter(config.rateLimitPerMinute);

  const streams = new StreamLimiter(config.maxStreamsPerUser);
  const transports = pluginTransports(services, { config, auth, rateLimiter, sessions, streams });
  // The standard A2UI v0.9 transport, behind the same /api middleware as the plugins' routes.
  const apiRouters = [createA2uiV09Router(sessions, streams.gate), ...transports.apiRouters];
  const app = createApp({ config, auth, sessions, rateLimiter, plugins, version: packageJson.version, startedAt: Date.now(), ...transports, apiRouters });
  const server = http.createServer(app);
  const io = new Server(server, {
    serveClient: false,
    maxHttpBufferSize: config.bodyLimitBytes,
    // A page of another origin must not ride the user's cookie into a live session (see origin.ts).
    allowRequest: (req, callback) => callback(null, !isForeignOrigin(req.headers.origin, req.headers.host)),
  });
  attachLive(io, { auth, sessions, rateLimiter, maxPendingFrames: config.maxPendingFrames, socketHandlers: transports.socketHandlers });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  // Google's redirect comes back here unless PUBLIC_BASE_URL says otherwise.
  services.mail.setServerUrl(`http://${host}:${port}`);

  let closing: Promise<void> | undefined;
  return {
    config,
    url: `http://${host}:${port}`,
    port,
    token: auth.mainToken,
    close: () =>
      (closing ??= (async () => {
        const ioClosed = new Promise<void>((resolve) => io.close(() => resolve()));
        // An open stream (an agent's SSE) never ends by itself and the HTTP server waits for every
        // connection: once socket.io has closed its sockets, the HTTP connections left are cut.
        setImmediate(() => server.closeAllConnections());
        await ioClosed;
        server.closeAllConnections();
        await sessions.close();
        await closeServices(services);
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
