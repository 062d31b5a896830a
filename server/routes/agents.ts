/**
 * The agent-control REST API (mounted under `/api`, behind auth): every answer concerns the calling
 * user's own sessions only; agent definitions are shared configuration.
 *
 *   GET  /api/agents[?role=]              → {success, agents: [{id, name, role, description, protocol, status, session}]}
 *   GET  /api/agents/:id                  → {success, agent}
 *   GET  /api/agents/:id/status           → {success, agent_id, status, session}
 *   POST /api/agents/:id/start {prompt?, worktree?} → 201 {success, session}   409 SESSION_EXISTS {error: {…, session}}
 *   POST /api/agents/:id/stop             → {success, session}   404 NO_SESSION, 409 CONFLICT (already terminated)
 *   POST /api/agents/:id/resume {prompt?} → {success, session}   404 NO_RESUMABLE_SESSION, 409 CONFLICT (running)
 *   POST /api/agents/:id/input {input}    → 202 {success, accepted, seq}   404 NO_SESSION, 409 CONFLICT (not running)
 *   GET  /api/agents/:id/stream           → SSE (agent-stream.ts)
 *   GET  /api/sessions?agentId=&role=&status=&resumable= → {success, sessions}
 *   GET  /api/sessions/:id                → {success, session}   (another user's: 404)
 */
import express, { type Request } from 'express';
import { z } from 'zod';
import type { AgentDefinition } from '../../agents/control/definitions';
import { ROLES, agentIdSchema, sessionIdSchema } from '../../agents/control/ids';
import { inputBodySchema, resumeBodySchema, startBodySchema, stopBodySchema } from '../../agents/control/requests';
import { sessionJson, type SessionRecord } from '../../agents/control/session-record';
import { SESSION_STATUSES } from '../../agents/control/status';
import type { AgentSupervisor } from '../../agents/control/supervisor';
import { identityOf, requireJson } from '../transport/http';
import { parseInput } from '../transport/errors';
import { streamAgentEvents } from './agent-stream';

export interface AgentRoutesOptions {
  supervisor: AgentSupervisor;
  heartbeatMs: number;
  /** Runs before a stream opens (the per-user cap on open streams). */
  streamGate: express.RequestHandler;
}

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
const seqText = z.string().regex(/^\d{1,15}$/, 'must be an event id (a seq number)').transform(Number);
const streamQuery = z.object({ last_event_id: seqText.optional() }).strict();
const emptyQuery = z.object({}).strict();

/** The JSON body, or {} when there is none; a body that is not JSON (express.json left it unparsed) is refused. */
function bodyOf(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody) requireJson(req);
  return {};
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

export function agentRoutes({ supervisor, heartbeatMs, streamGate }: AgentRoutesOptions): express.Router {
  const router = express.Router();

  /** The `:id` of the path as a configured agent's id (400 when malformed, 404 when unknown). */
  const agentOf = (req: Request): AgentDefinition => supervisor.definition(parseInput(agentIdSchema, req.params.id, 'id'));

  router.get('/agents', (req, res) => {
    const query = parseInput(agentsQuery, req.query);
    const userId = identityOf(res).userId;
    const agents = supervisor.definitions.filter((d) => query.role === undefined || d.role === query.role).map((d) => agentJson(d, supervisor.latest(userId, d.id)));
    res.json({ success: true, agents });
  });

  router.get('/agents/:id', (req, res) => {
    parseInput(emptyQuery, req.query);
    const definition = agentOf(req);
    res.json({ success: true, agent: agentJson(definition, supervisor.latest(identityOf(res).userId, definition.id)) });
  });

  router.get('/agents/:id/status', (req, res) => {
    parseInput(emptyQuery, req.query);
    const definition = agentOf(req);
    const session = supervisor.latest(identityOf(res).userId, definition.id);
    res.json({ success: true, agent_id: definition.id, status: session?.status ?? 'idle', session: session ? sessionJson(session) : null });
  });

  router.post('/agents/:id/start', async (req, res) => {
    const definition = agentOf(req);
    const body = parseInput(startBodySchema, bodyOf(req));
    const session = await supervisor.start(identityOf(res).userId, definition.id, {
      ...(body.prompt ? { prompt: body.prompt } : {}),
      worktree: body.worktree ?? null,
    });
    res.status(201).json({ success: true, session: sessionJson(session) });
  });

  router.post('/agents/:id/stop', (req, res) => {
    const definition = agentOf(req);
    parseInput(stopBodySchema, bodyOf(req));
    res.json({ success: true, session: sessionJson(supervisor.stop(identityOf(res).userId, definition.id)) });
  });

  router.post('/agents/:id/resume', (req, res) => {
    const definition = agentOf(req);
    const body = parseInput(resumeBodySchema, bodyOf(req));
    const session = supervisor.resume(identityOf(res).userId, definition.id, body.prompt ? { prompt: body.prompt } : {});
    res.json({ success: true, session: sessionJson(session) });
  });

  router.post('/agents/:id/input', (req, res) => {
    const definition = agentOf(req);
    const body = parseInput(inputBodySchema, bodyOf(req));
    const { seq, session } = supervisor.input(identityOf(res).userId, definition.id, body.input);
    res.status(202).json({ success: true, accepted: true, seq, session_id: session.id });
  });

  router.get('/agents/:id/stream', streamGate, (req, res) => {
    const definition = agentOf(req);
    const query = parseInput(streamQuery, req.query);
    const header = req.headers['last-event-id'];
    const fromHeader = header === undefined ? undefined : parseInput(seqText, header, 'Last-Event-ID');
    streamAgentEvents(res, {
      supervisor,
      userId: identityOf(res).userId,
      agentId: definition.id,
      lastEventId: fromHeader ?? query.last_event_id,
      heartbeatMs,
    });
  });

  router.get('/sessions', (req, res) => {
    const query = parseInput(sessionsQuery, req.query);
    if (query.agentId !== undefined) supervisor.definition(query.agentId);
    res.json({ success: true, sessions: supervisor.sessions(identityOf(res).userId, query).map(sessionJson) });
  });

  router.get('/sessions/:id', (req, res) => {
    parseInput(emptyQuery, req.query);
    const id = parseInput(sessionIdSchema, req.params.id, 'id');
    res.json({ success: true, session: sessionJson(supervisor.session(identityOf(res).userId, id)) });
  });

  return router;
}
