/**
 * The server's own endpoints (declared like every module's, mounted by the same adapter):
 *
 *   GET  /api/health            the server, its store and each module's health (the agent server document's fields first)
 *   GET  /api/a2ui/surface      the REST form of socket.io's `join`: a snapshot, or the ops since `version`
 *   POST /api/a2ui/action       runs one action (the seed protocol's request and answer)
 *   POST /api/a2ui/v0.9/action  a standard A2UI v0.9 client message
 *
 * A request that names no view (`surface_id`) acts on the caller's own REST view (views.ts). The v0.9
 * stream (`GET /api/a2ui/v0.9/stream`) is mounted by a2ui-v09/routes.ts: a surface stream is not a
 * numbered feed.
 */
import { z } from 'zod';
import { endpoint, type Caller, type Endpoint } from '../../agents/endpoint';
import type { ModuleHealth } from '../../agents/module';
import type { PluginStatus } from '../../agents/types';
import type { Users } from '../session/users';
import { answerClientMessage } from './a2ui-v09/actions';
import { actionRequestSchema, surfaceQuerySchema, toActionCall, toActionResponse } from './protocol';
import { attachView, namedView } from './views';

export interface ServerEndpointDeps {
  users: Users;
  version: string;
  startedAt: number;
  dataDir: string;
  /** The store's health (a failed write shows here). */
  storeHealth(): PluginStatus;
  /** Each module's health, by module id. */
  status(): Record<string, PluginStatus>;
  /** What the modules add for the caller: their services' states and the caller's counts. */
  health(caller: Caller): Required<ModuleHealth>;
  /** Open raw WebSocket connections (`/ws`). */
  websocketClients(): number;
  /** Where the raw WebSocket is. */
  websocketPath: string;
}

export function serverEndpoints(deps: ServerEndpointDeps): Endpoint[] {
  const { users } = deps;
  return [
    endpoint({
      method: 'GET',
      path: '/api/health',
      handle: ({ caller }) => {
        const store = deps.storeHealth();
        const uptime = Math.round((Date.now() - deps.startedAt) / 1000);
        const modules = deps.health(caller);
        return {
          json: {
            // The agent server document's fields, then ours.
            status: store.status === 'ok' ? 'ok' : 'degraded',
            timestamp: new Date().toISOString(),
            uptime,
            database: deps.dataDir,
            services: modules.services,
            ...modules.counts,
            websocket: { clients: deps.websocketClients(), path: deps.websocketPath },
            version: deps.version,
            uptime_s: uptime,
            data_dir: deps.dataDir,
            store,
            plugins: deps.status(),
          },
        };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/a2ui/surface',
      query: surfaceQuerySchema,
      async handle({ query, caller }) {
        const named = namedView(caller, query.surface_id);
        const { session, view } = await attachView(users, caller, named.id, named.kind);
        return { json: session.catchUp(view, query.version) };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/a2ui/action',
      body: actionRequestSchema,
      async handle({ body, caller }) {
        const named = namedView(caller, body.surface_id);
        const { session, view } = await attachView(users, caller, named.id, named.kind, body.context);
        return { json: toActionResponse(await session.dispatch(view.id, toActionCall(body))) };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/a2ui/v0.9/action',
      // Checked by parseClientMessage: a v0.9 message, the older `userAction`, or an error report.
      body: z.unknown(),
      async handle({ caller, body }) {
        return { json: await answerClientMessage(body, caller, users) };
      },
    }),
  ];
}
