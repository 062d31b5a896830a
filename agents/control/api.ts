/**
 * The agent-control REST API: every answer concerns the calling user's own sessions only; agent
 * definitions are shared configuration.
 *
 *   GET  /api/agents[?role=]              → {success, agents: [{id, name, role, description, protocol, status, session}]}
 *   GET  /api/agents/:id                  → {success, agent}
 *   GET  /api/agents/:id/status           → {success, agent_id, status, session}
 *   POST /api/agents/:id/start {prompt?, worktree?} → 201 {success, session}   409 SESSION_EXISTS {error: {…, session}}
 *   POST /api/agents/:id/stop             → {success, session}   404 NO_SESSION, 409 CONFLICT (already terminated)
 *   POST /api/agents/:id/resume {prompt?} → {success, session}   404 NO_RESUMABLE_SESSION, 409 CONFLICT (running)
 *   POST /api/agents/:id/input {input}    → 202 {success, accepted, seq}   404 NO_SESSION, 409 CONFLICT (not running)
 *   GET  /api/agents/:id/stream           → SSE, see below
 *   GET  /api/sessions?agentId=&role=&status=&resumable= → {success, sessions}
 *   GET  /api/sessions/:id                → {success, session}   (another user's: 404)
 *
 * The stream: `event: connected` {agent_id, session, last_seq} first (no id), then `id: <seq>`
 * `event: agent_<type>` per event (agent_text, agent_tool_use, agent_result, agent_error, agent_exit),
 * and `event: heartbeat` every A2UI_SSE_HEARTBEAT_MS. With `Last-Event-ID: n` (or `?last_event_id=n`)
 * it first replays the events after n from the logs, then goes live with no gap and no duplicate.
 */
import { z } from 'zod';
import { endpoint, type Endpoint } from '../endpoint';
import type { AgentDefinition } from './definitions';
import { agentFeed } from './feed';
import { ROLES, agentIdSchema, sessionIdSchema } from './ids';
import { inputBodySchema, resumeBodySchema, startBodySchema, stopBodySchema } from './requests';
import { sessionJson, type SessionRecord } from './session-record';
import { SESSION_STATUSES } from './status';
import type { AgentSupervisor } from './supervisor';

const agentsQuery = z.object({ role: z.enum(ROLES).optional() }).strict();
const sessionsQuery = z
  .object({
    agentId: agentIdSchema.optional(),
    role: z.enum(ROLES).optional(),
    status: z.enum(SESSION_STATUSES).optional(),
    resumable: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional(),
  })
  .strict();
const seqText = z.string().regex(/^\d{1,15}$/, 'must be an event id (a seq number)');
const streamQuery = z.object({ last_event_id: seqText.optional() }).strict();
const emptyQuery = z.object({}).strict();
const byAgent = z.object({ id: agentIdSchema });
const bySession = z.object({ id: sessionIdSchema });

function agentJson(definition: AgentDefinition, session: SessionRecord | undefined) {
  return {
    id: definition.id,
    name: definition.name,
    role: definition.role,
    description: definition.description,
    protocol: definition.protocol,
    status: session?.status ?? 'idle',
    session: session ? sessionJson(session) : null,
  };
}

export function agentEndpoints(supervisor: AgentSupervisor, options: { heartbeatMs: number }): Endpoint[] {
  /** The `:id` of the path (400 when malformed, by its schema) as a configured agent (404 when unknown). */
  const agentOf = (params: { id: string }): AgentDefinition => supervisor.definition(params.id);

  return [
    endpoint({
      method: 'GET',
      path: '/api/agents',
      query: agentsQuery,
      handle({ query, caller }) {
        const agents = supervisor.definitions.filter((d) => query.role === undefined || d.role === query.role).map((d) => agentJson(d, supervisor.latest(caller.userId, d.id)));
        return { json: { success: true, agents } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/agents/:id',
      params: byAgent,
      query: emptyQuery,
      handle({ params, caller }) {
        const definition = agentOf(params);
        return { json: { success: true, agent: agentJson(definition, supervisor.latest(caller.userId, definition.id)) } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/agents/:id/status',
      params: byAgent,
      query: emptyQuery,
      handle({ params, caller }) {
        const definition = agentOf(params);
        const session = supervisor.latest(caller.userId, definition.id);
        return { json: { success: true, agent_id: definition.id, status: session?.status ?? 'idle', session: session ? sessionJson(session) : null } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/agents/:id/start',
      params: byAgent,
      body: startBodySchema,
      async handle({ params, body, caller }) {
        const definition = agentOf(params);
        const session = await supervisor.start(caller.userId, definition.id, { ...(body.prompt ? { prompt: body.prompt } : {}), worktree: body.worktree ?? null });
        return { status: 201, json: { success: true, session: sessionJson(session) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/agents/:id/stop',
      params: byAgent,
      body: stopBodySchema,
      handle({ params, caller }) {
        const definition = agentOf(params);
        return { json: { success: true, session: sessionJson(supervisor.stop(caller.userId, definition.id)) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/agents/:id/resume',
      params: byAgent,
      body: resumeBodySchema,
      handle({ params, body, caller }) {
        const definition = agentOf(params);
        const session = supervisor.resume(caller.userId, definition.id, body.prompt ? { prompt: body.prompt } : {});
        return { json: { success: true, session: sessionJson(session) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/agents/:id/input',
      params: byAgent,
      body: inputBodySchema,
      handle({ params, body, caller }) {
        const definition = agentOf(params);
        const { seq, session } = supervisor.input(caller.userId, definition.id, body.input);
        return { status: 202, json: { success: true, accepted: true, seq, session_id: session.id } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/agents/:id/stream',
      params: byAgent,
      query: streamQuery,
      stream: true,
      handle({ params, caller }) {
        const definition = agentOf(params);
        const latest = supervisor.latest(caller.userId, definition.id);
        const connected = { agent_id: definition.id, session: latest ? sessionJson(latest) : null, last_seq: supervisor.lastSeq(caller.userId, definition.id) };
        return {
          stream: {
            hello: [{ event: 'connected', data: connected }],
            feed: agentFeed(supervisor, caller.userId, definition.id),
            heartbeat: { ms: options.heartbeatMs, event: () => ({ event: 'heartbeat', data: { at: new Date().toISOString() } }) },
          },
        };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/sessions',
      query: sessionsQuery,
      handle({ query, caller }) {
        if (query.agentId !== undefined) supervisor.definition(query.agentId);
        return { json: { success: true, sessions: supervisor.sessions(caller.userId, query).map(sessionJson) } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/sessions/:id',
      params: bySession,
      query: emptyQuery,
      handle({ params, caller }) {
        return { json: { success: true, session: sessionJson(supervisor.session(caller.userId, params.id)) } };
      },
    }),
  ];
}
