/**
 * The agent-control REST API: every answer concerns the calling user's own sessions only; agent
 * definitions are shared configuration. Bodies take our field names and the agent server document's
 * (requests.ts); answers carry both (session-record.ts), documented names first.
 *
 *   GET  /api/agents[?role=]              → {success, agents: [{id, name, role, description, protocol, status, session}]}
 *   GET  /api/agents/:id                  → {success, agent}
 *   GET  /api/agents/:id/status           → {agentId, hasActiveSession, activeSession, recentHistory, success, agent_id, status, session}
 *   POST /api/agents/:id/start {prompt|initialPrompt?, worktree?, workingDirectory?, interactive?}
 *                                         → 201 {success, session, ignored?}   409 SESSION_EXISTS {error: {…, session}, existingSession}
 *   POST /api/agents/:id/stop {graceful?, reason?} → {success, session}   404 NO_SESSION, 409 CONFLICT (already terminated)
 *   POST /api/agents/:id/resume {prompt|resumePrompt?, claudeSessionId?, workingDirectory?, worktree?, checkReadyQueue?}
 *                                         → {success, session, uwpCheck, ignored?}   404 NO_RESUMABLE_SESSION, 409 CONFLICT (running)
 *   POST /api/agents/:id/input {input, isUserMessage?} → 202 {success, accepted, seq, session_id, ignored?}   404 NO_SESSION, 409 CONFLICT (not running)
 *   POST /api/agents/:id/permissions/:requestId {decision: allow|deny|always} → {success, session}   404 when not waiting
 *   GET  /api/agents/:id/stream           → SSE, see below
 *   GET  /api/sessions?agentId=&role=&status=a,b&resumable= → {success, sessions}
 * (`GET`/`DELETE /api/sessions/:id` serve agent and chat sessions alike: agents/assistant/sessions-api.ts.)
 *
 * `ignored` names each documented field that was accepted but cannot apply here, with why (an
 * interactive terminal, a task queue): a documented client is never refused for its fields.
 *
 * The stream: `event: connected` {sessionId, agentId, timestamp, agent_id, session, last_seq} first (no
 * id), then `id: <seq>` `event: agent_<type>` per event (agent_text, agent_output, agent_tool_use,
 * agent_result, agent_error, agent_exit), and `event: heartbeat` every A2UI_SSE_HEARTBEAT_MS. With
 * `Last-Event-ID: n` (or `?last_event_id=n`) it first replays the events after n from the logs, then
 * goes live with no gap and no duplicate.
 */
import { z } from 'zod';
import { endpoint, type Endpoint } from '../endpoint';
import { repoRelative } from '../paths';
import type { AgentDefinition } from './definitions';
import { agentFeed } from './feed';
import { ROLES, agentIdSchema } from './ids';
import {
  INPUT_IS_USER_TURN,
  NOT_INTERACTIVE,
  NO_TASK_QUEUE,
  inputBodySchema,
  oneOf,
  permissionBodySchema,
  requestIdSchema,
  resumeBodySchema,
  startBodySchema,
  stopBodySchema,
  type Ignored,
} from './requests';
import { sessionJson, type SessionRecord } from './session-record';
import { SESSION_STATUSES, isLive } from './status';
import type { AgentSupervisor } from './supervisor';

const agentsQuery = z.object({ role: z.enum(ROLES).optional() }).strict();
const sessionsQuery = z
  .object({
    agentId: agentIdSchema.optional(),
    role: z.enum(ROLES).optional(),
    // One status, or several comma-separated (`starting,running`).
    status: z
      .string()
      .transform((text) => text.split(','))
      .pipe(z.array(z.enum(SESSION_STATUSES)))
      .optional(),
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

/** How many of an agent's sessions `GET /api/agents/:id/status` lists as `recentHistory`. */
const RECENT_HISTORY = 10;

/** Adds `ignored` to an answer when a documented field did not apply. */
function withIgnored<T extends object>(json: T, ignored: Ignored): T & { ignored?: Ignored } {
  return Object.keys(ignored).length > 0 ? { ...json, ignored } : json;
}

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
        // Active: a process runs (or is on its way); a suspended session has none until resumed.
        const active = session && isLive(session.status) ? sessionJson(session) : null;
        const recentHistory = supervisor.sessions(caller.userId, { agentId: definition.id }).slice(0, RECENT_HISTORY).map(sessionJson);
        return {
          json: {
            agentId: definition.id,
            hasActiveSession: active !== null,
            activeSession: active,
            recentHistory,
            success: true,
            agent_id: definition.id,
            status: session?.status ?? 'idle',
            session: session ? sessionJson(session) : null,
          },
        };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/agents/:id/start',
      params: byAgent,
      body: startBodySchema,
      async handle({ params, body, caller }) {
        const definition = agentOf(params);
        const prompt = oneOf('prompt', body.prompt, body.initialPrompt, 'initialPrompt');
        const worktree = body.worktree || null;
        const workingDirectory = body.workingDirectory || undefined;
        const session = await supervisor.start(caller.userId, definition.id, { ...(prompt ? { prompt } : {}), worktree, workingDirectory });
        const ignored: Ignored = {};
        if (body.interactive) ignored.interactive = NOT_INTERACTIVE;
        // With a worktree, the worktree is where the agent runs: one working directory per session.
        if (worktree && workingDirectory && !supervisor.workdirs.matches(workingDirectory, session.cwd)) {
          ignored.workingDirectory = `the worktree decides the working directory (${repoRelative(supervisor.workdirs.repoDir, session.cwd)})`;
        }
        return { status: 201, json: withIgnored({ success: true, session: sessionJson(session) }, ignored) };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/agents/:id/stop',
      params: byAgent,
      body: stopBodySchema,
      handle({ params, body, caller }) {
        const definition = agentOf(params);
        const session = supervisor.stop(caller.userId, definition.id, { graceful: body.graceful, reason: body.reason });
        return { json: { success: true, session: sessionJson(session) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/agents/:id/resume',
      params: byAgent,
      body: resumeBodySchema,
      async handle({ params, body, caller }) {
        const definition = agentOf(params);
        const prompt = oneOf('prompt', body.prompt, body.resumePrompt, 'resumePrompt');
        const session = await supervisor.resume(caller.userId, definition.id, { ...(prompt ? { prompt } : {}), ...(body.claudeSessionId ? { providerSessionId: body.claudeSessionId } : {}) });
        const ignored: Ignored = {};
        // Claude Code finds a conversation only from the folder it started in: a resume cannot move.
        const place = `a session resumes where its conversation started (${repoRelative(supervisor.workdirs.repoDir, session.cwd)})`;
        if (body.workingDirectory && !supervisor.workdirs.matches(body.workingDirectory, session.cwd)) ignored.workingDirectory = place;
        if (body.worktree && !(session.worktree && supervisor.workdirs.matches(body.worktree, session.worktree))) ignored.worktree = place;
        if (body.checkReadyQueue) ignored.checkReadyQueue = NO_TASK_QUEUE;
        // The document's check of the ready queue: there is none, so nothing is ready.
        const uwpCheck = { checked: false, hasReadyTasks: false, tasks: [] };
        return { json: withIgnored({ success: true, session: sessionJson(session), uwpCheck }, ignored) };
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
        const ignored: Ignored = body.isUserMessage === false ? { isUserMessage: INPUT_IS_USER_TURN } : {};
        return { status: 202, json: withIgnored({ success: true, accepted: true, seq, session_id: session.id }, ignored) };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/agents/:id/permissions/:requestId',
      params: z.object({ id: agentIdSchema, requestId: requestIdSchema }),
      body: permissionBodySchema,
      handle({ params, body, caller }) {
        const definition = agentOf(params);
        const session = supervisor.answerPermission(caller.userId, definition.id, params.requestId, body.decision);
        return { json: { success: true, session: sessionJson(session) } };
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
        const connected = {
          sessionId: latest?.id ?? null,
          agentId: definition.id,
          timestamp: new Date().toISOString(),
          agent_id: definition.id,
          session: latest ? sessionJson(latest) : null,
          last_seq: supervisor.lastSeq(caller.userId, definition.id),
        };
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
  ];
}
