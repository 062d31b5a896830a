/**
 * What there is to attack, as the server itself declares it rather than a hand-kept list: every
 * module's endpoints and socket events (`openModules(MODULES).endpoints`, `.socketEvents`), the server's
 * own endpoints (server/transport/a2ui-api.ts), every module's raw WebSocket messages (`.wsMessages`,
 * and the transport's own `ping`), every plugin's actions with their payload schemas and routes, the
 * global actions, and the routes no declaration covers (`/`, `/health`, `/ready`, the v0.9 stream, the thin
 * client's files, `/ws` asked without an upgrade, socket.io's `join`, `action`, `resync` and
 * `a2ui_action`). fuzz-targets.test.ts checks this list against what a running server registers.
 *
 * The modules are opened here (on a throwaway data dir, never served) only to read their declarations.
 */
import type { z } from 'zod';
import type { Endpoint, HttpMethod } from '../../../agents/endpoint';
import { MODULES } from '../../../server/app/modules';
import { GLOBAL_ACTIONS } from '../../../server/session/global-actions';
import { serverEndpoints } from '../../../server/transport/a2ui-api';
import { RAW_WS_PATH } from '../../../server/transport/raw-ws';
import { joinRequestSchema, resyncRequestSchema, SocketEvents } from '../../../server/transport/protocol';
import { A2uiV09SocketEvents } from '../../../server/transport/a2ui-v09/protocol';
import { closeTestModules, openTestModules } from '../../helpers/services';

/** How a body is made: from a schema, as a native action request, or as a v0.9 client message. */
export type BodyKind = { schema: z.ZodType } | 'action' | 'v09' | 'none';

export interface HttpTarget {
  method: HttpMethod | 'HEAD' | 'OPTIONS';
  /** With `:name` parameters. */
  path: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body: BodyKind;
  /** An SSE or JSONL answer that stays open: read a little of it, then hang up. */
  stream: boolean;
  /** A declared path with a method it was not declared with (fuzzed less often). */
  variant?: boolean;
}

export interface ActionTarget {
  name: string;
  schema: z.ZodType;
  /** Route templates where the action is accepted (empty: every route). */
  routes: string[];
}

export interface SocketTarget {
  name: string;
  payload: BodyKind;
}

/** A raw WebSocket message type (`{"type": name, …payload}` on `/ws`). */
export interface WsTarget {
  name: string;
  /** The message's other fields; `ping` has none. */
  schema?: z.ZodType;
}

export interface Targets {
  http: HttpTarget[];
  actions: ActionTarget[];
  /** Every route template of every plugin. */
  routes: string[];
  socket: SocketTarget[];
  ws: WsTarget[];
}

function httpTargetOf(endpoint: Endpoint): HttpTarget {
  const special = endpoint.path === '/api/a2ui/action' ? 'action' : endpoint.path === '/api/a2ui/v0.9/action' ? 'v09' : undefined;
  return {
    method: endpoint.method,
    path: endpoint.path,
    ...(endpoint.params ? { params: endpoint.params } : {}),
    ...(endpoint.query ? { query: endpoint.query } : {}),
    body: special ?? (endpoint.body ? { schema: endpoint.body } : 'none'),
    stream: endpoint.stream === true,
  };
}

export async function enumerateTargets(): Promise<Targets> {
  try {
    const modules = await openTestModules({ MAIL_PROVIDER: 'local', ANTHROPIC_API_KEY: '', A2UI_AI_PROVIDERS: '', OPENAI_API_KEY: '', A2UI_GATEWAY_PROVIDERS: '' });
    // Only the declarations are read: the handlers of these are never called.
    const own = serverEndpoints({
      users: undefined as never,
      version: '0',
      startedAt: 0,
      dataDir: '',
      storeHealth: () => ({ status: 'ok' }),
      status: () => ({}),
      health: () => ({ services: {}, counts: {} }),
      websocketClients: () => 0,
      websocketPath: RAW_WS_PATH,
    });
    const declared = [...own, ...modules.endpoints].map(httpTargetOf);
    const fixed: HttpTarget[] = [
      { method: 'GET', path: '/', body: 'none', stream: false },
      { method: 'GET', path: '/health', body: 'none', stream: false },
      // Readiness for load balancers (several processes; always there).
      { method: 'GET', path: '/ready', body: 'none', stream: false },
      { method: 'GET', path: '/api/a2ui/v0.9/stream', body: 'none', stream: true },
      { method: 'GET', path: '/index.html', body: 'none', stream: false },
      { method: 'GET', path: '/lit.html', body: 'none', stream: false },
      // The raw WebSocket's door asked as plain HTTP (its messages are the `ws` targets).
      { method: 'GET', path: RAW_WS_PATH, body: 'none', stream: false },
    ];
    // Every declared path with a method it does not have, and two methods nothing declares.
    const otherMethods: HttpTarget[] = declared.map((target) => ({ ...target, method: target.method === 'GET' ? 'POST' : 'GET', body: 'none', stream: false, variant: true }));
    const unusual: HttpTarget[] = declared.slice(0, 6).flatMap((target) => (['HEAD', 'OPTIONS', 'PUT', 'PATCH'] as const).map((method) => ({ ...target, method, body: 'none' as const, stream: false, variant: true })));

    const actions: ActionTarget[] = [
      ...Object.entries(GLOBAL_ACTIONS).map(([name, action]) => ({ name, schema: action.schema as z.ZodType, routes: [] })),
      ...modules.plugins.flatMap((plugin) =>
        Object.entries(plugin.actions).map(([name, action]) => ({ name, schema: action.schema as z.ZodType, routes: plugin.panel ? [] : plugin.routes.map((r) => r.path) })),
      ),
    ];
    const socket: SocketTarget[] = [
      { name: SocketEvents.join, payload: { schema: joinRequestSchema } },
      { name: SocketEvents.resync, payload: { schema: resyncRequestSchema } },
      { name: SocketEvents.action, payload: 'action' },
      { name: A2uiV09SocketEvents.action, payload: 'v09' },
      ...modules.socketEvents.map((event) => ({ name: event.name, payload: { schema: event.schema as z.ZodType } })),
    ];
    const ws: WsTarget[] = [{ name: 'ping' }, ...modules.wsMessages.map((message) => ({ name: message.name, schema: message.schema as z.ZodType }))];
    return { http: [...declared, ...fixed, ...otherMethods, ...unusual], actions, routes: modules.plugins.flatMap((p) => p.routes.map((r) => r.path)), socket, ws };
  } finally {
    await closeTestModules();
  }
}
