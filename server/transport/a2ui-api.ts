/**
 * The server's own endpoints (declared like every module's, mounted by the same adapter):
 *
 *   GET  /api/health          the server and each module's health
 *   GET  /api/a2ui/surface    the REST form of socket.io's `join`: a snapshot, or the ops since `version`
 *   POST /api/a2ui/action     runs one action (the seed protocol's request and answer)
 *   POST /api/a2ui/v0.9/action  a standard A2UI v0.9 client message
 *
 * The v0.9 stream (`GET /api/a2ui/v0.9/stream`) is mounted by a2ui-v09/routes.ts: a surface stream
 * is not a numbered feed.
 */
import { z } from 'zod';
import { endpoint, type Endpoint } from '../../agents/endpoint';
import type { PluginStatus } from '../../agents/types';
import type { Sessions } from '../session/sessions';
import { answerClientMessage } from './a2ui-v09/actions';
import { actionRequestSchema, surfaceQuerySchema, toActionResponse } from './protocol';

export interface ServerEndpointDeps {
  sessions: Sessions;
  version: string;
  startedAt: number;
  dataDir: string;
  /** Each module's health, by module id. */
  status(): Record<string, PluginStatus>;
}

export function serverEndpoints(deps: ServerEndpointDeps): Endpoint[] {
  const { sessions } = deps;
  return [
    endpoint({
      method: 'GET',
      path: '/api/health',
      handle: () => ({
        json: {
          status: 'ok',
          version: deps.version,
          uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
          data_dir: deps.dataDir,
          plugins: deps.status(),
        },
      }),
    }),
    endpoint({
      method: 'GET',
      path: '/api/a2ui/surface',
      query: surfaceQuerySchema,
      async handle({ query, caller }) {
        const session = await sessions.get(caller.userId);
        return { json: session.catchUp(query.version) };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/a2ui/action',
      body: actionRequestSchema,
      async handle({ body, caller }) {
        const session = await sessions.get(caller.userId);
        return { json: toActionResponse(await session.dispatch(body)) };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/a2ui/v0.9/action',
      // Checked by parseClientMessage: a v0.9 message, the older `userAction`, or an error report.
      body: z.unknown(),
      async handle({ caller, body }) {
        return { json: await answerClientMessage(body, caller.userId, () => sessions.get(caller.userId)) };
      },
    }),
  ];
}
