/**
 * The session supervisor: starts configured agents as OS processes, turns their output into events,
 * steers them (input, stop, resume) and keeps their records.
 *
 * - One user's sessions are theirs alone: every lookup takes the user id, and another user's session
 *   does not exist for them (404).
 * - At most one session per user and agent is not terminated; `start` checks and reserves in one
 *   synchronous step (after the only await), so of concurrent starts exactly one wins.
 * - Every event gets the next `seq` of its user and agent — a session's events are numbered in order,
 *   and a later session of the same agent continues the count, so an agent's stream is one line of
 *   ids — is appended to the event log (event-log.ts: a JSONL file per session, or a stream shared by
 *   every server process), then handed to the listeners. With a shared log, the listeners here also
 *   hear the events of sessions other processes run.
 * - Records are persisted on every change; on start-up, sessions that were running (the server died
 *   or stopped) become suspended when they can be resumed, else terminated.
 * - A record keeps the stamp of its process (pid, process group, start time, boot: os-process.ts). A
 *   server that crashed leaves its agents running unsupervised: on start-up, every stamped process
 *   that still runs, verifiably the same one, is stopped with the stop ladder, and until it is gone
 *   no start or resume of that user's agent runs, so a session never has two copies.
 */
import { PluginError } from '../errors';
import { Listeners } from '../listeners';
import type { PersistentStore } from '../types';
import type { AgentDefinition } from './definitions';
import { agentEnv } from './env';
import type { AgentEventLog } from './event-log';
import { followEvents } from './follow';
import type { AgentEvent, AgentEventBody, ExitReason } from './events';
import { newSessionId } from './ids';
import { isStillRunning, stampOf, stopGroup } from './os-process';
import { AgentProcess, describeSpawnError, type ProcessCallbacks, type ProcessExit } from './process';
import type { AgentModelAccess } from './model-access';
import { hasConversation, isResumable, sessionJson, type AgentSessionsFile, type SessionRecord } from './session-record';
import { isLive, transition, type SessionStatus } from './status';
import { answerLine, foldPermission, isAlwaysAllowed, PendingInputs, type PermissionDecision } from './permissions';
import { parseStreamJsonLine, permissionInputOf, truncate, userTurn } from './stream-json';
import type { Workdirs } from './workdirs';
import type { ClusterPort } from '../module';
import { AGENT_METHODS, AgentNodes } from './agent-nodes';
import { agentKey, HeardEvents } from './heard-events';
import { SessionRecords } from './session-records';

export interface SupervisorOptions {
  definitions: readonly AgentDefinition[];
  store: PersistentStore<AgentSessionsFile>;
  /** Where the events go (event-log.ts). */
  log: AgentEventLog;
  workdirs: Workdirs;
  /** Time between the steps of a stop (interrupt, SIGINT, SIGTERM, SIGKILL). */
  stopGraceMs: number;
  /** The server's environment, scrubbed for the children. */
  env?: NodeJS.ProcessEnv;
  /** The model gateway, for agents defined with `model_gateway: true`. */
  modelAccess?: AgentModelAccess;
  /** The other server processes on the same store, when there are (agent-nodes.ts). */
  cluster?: ClusterPort;
}

export type UserEventListener = (event: AgentEvent, record: SessionRecord) => void;

export interface SessionFilter {
  agentId?: string;
  role?: string;
  /** Any of these. */
  status?: readonly SessionStatus[];
  resumable?: boolean;
}

/** A plain stdout line longer than this is cut (the log keeps what the event says). */
const PLAIN_LINE_CHARS = 10_000;

export class AgentSupervisor {
  private readonly byId = new Map<string, AgentDefinition>();
  private readonly processes = new Map<string, AgentProcess>();
  /** Per user and agent: their latest session and the last seq given out. */
  private readonly latestIds = new Map<string, string>();
  private readonly lastSeqs = new Map<string, number>();
  private readonly listeners = new Map<string, Listeners<[AgentEvent, SessionRecord]>>();
  /** Sessions the server itself is stopping (shutdown): their exit is not a crash. */
  private readonly shuttingDown = new Set<string>();
  /** Per user and agent: the stop of processes a previous server left running, while it lasts. */
  private readonly orphanStops = new Map<string, Promise<void>>();
  private readonly log: AgentEventLog;
  private readonly records: SessionRecords;
  /** Events of sessions other processes run, in order (heard-events.ts). */
  private readonly heardEvents: HeardEvents;
  private readonly env: NodeJS.ProcessEnv;
  /** The tool inputs of permission requests waiting for the user (permissions.ts). */
  private readonly permissionInputs = new PendingInputs();
  private closing = false;
  private readonly nodes: AgentNodes;
  /** Other server processes write records and events too (a shared log): ask the records, not this process's indexes. */
  private readonly shared: boolean;

  private constructor(private readonly options: SupervisorOptions) {
    for (const definition of options.definitions) this.byId.set(definition.id, definition);
    this.log = options.log;
    this.records = new SessionRecords(options.store);
    this.env = options.env ?? process.env;
    this.nodes = new AgentNodes(options.cluster);
    this.shared = !!options.cluster || !!this.log.onRemote;
    this.heardEvents = new HeardEvents({
      log: this.log,
      known: (key) => this.lastSeqs.get(key),
      sessionsOf: (userId, agentId) => this.oldestFirst(userId, agentId),
      record: (sessionId) => this.records.get(sessionId),
      deliver: (event, record, heard) => {
        this.raise(agentKey(record.userId, record.agentId), event.seq);
        if (heard) this.records.heard(record);
        this.listeners.get(record.userId)?.emit(event, this.record(record.id));
      },
    });
    this.log.onRemote?.((event, record) => this.heardEvents.heard(event, record));
    // The users someone here listens to, with every agent: what they missed while the store was away.
    this.log.onGap?.(() => void this.heardEvents.catchUp([...this.listeners.keys()].flatMap((userId) => this.definitions.map((d) => ({ userId, agentId: d.id })))));
  }

  /** Opens the supervisor over its stored records, suspending the sessions a restart interrupted. */
  static async open(options: SupervisorOptions): Promise<AgentSupervisor> {
    const supervisor = new AgentSupervisor(options);
    await supervisor.loadSeqs();
    supervisor.recover();
    await options.store.write();
    const { nodes } = supervisor;
    nodes.handle(AGENT_METHODS.stop, ({ userId, agentId, options: stop }) => supervisor.stop(userId, agentId, stop));
    nodes.handle(AGENT_METHODS.input, ({ userId, agentId, text }) => supervisor.input(userId, agentId, text));
    nodes.handle(AGENT_METHODS.answer, ({ userId, agentId, requestId, decision }) => supervisor.answerPermission(userId, agentId, requestId, decision));
    const records = () => supervisor.records.all();
    const orphaned = (record: SessionRecord) => supervisor.orphaned(record);
    // A process that restarted under a new id finds its previous self's sessions here at once.
    await nodes.sweep(records, orphaned);
    nodes.watch(records, orphaned);
    return supervisor;
  }

  get definitions(): readonly AgentDefinition[] {
    return this.options.definitions;
  }

  get workdirs(): Workdirs {
    return this.options.workdirs;
  }

  /** A configured agent, or 404. */
  definition(agentId: string): AgentDefinition {
    const definition = this.byId.get(agentId);
    if (!definition) throw new PluginError('NOT_FOUND', `No agent "${agentId}" is configured.`);
    return definition;
  }

  /** The user's sessions, newest first. */
  sessions(userId: string, filter: SessionFilter = {}): SessionRecord[] {
    return this.records
      .all()
      .filter(
        (s) =>
          s.userId === userId &&
          (filter.agentId === undefined || s.agentId === filter.agentId) &&
          (filter.role === undefined || s.role === filter.role) &&
          (filter.status === undefined || filter.status.includes(s.status)) &&
          (filter.resumable === undefined || isResumable(s) === filter.resumable),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.firstSeq - a.firstSeq);
  }

  /** One of the user's sessions; another user's is as absent as a made-up id. */
  session(userId: string, sessionId: string): SessionRecord {
    const record = this.records.get(sessionId);
    if (!record || record.userId !== userId) throw new PluginError('NOT_FOUND', `No session ${sessionId}.`);
    return record;
  }

  /** The user's latest session of an agent (the one the screens and the stream follow). */
  latest(userId: string, agentId: string): SessionRecord | undefined {
    // Other processes add records to the shared store: the newest record is the latest.
    if (this.shared) return this.sessions(userId, { agentId })[0];
    const id = this.latestIds.get(agentKey(userId, agentId));
    return id === undefined ? undefined : this.records.get(id);
  }

  /** The last seq of the user's events of an agent (0 before any). */
  lastSeq(userId: string, agentId: string): number {
    const here = this.lastSeqs.get(agentKey(userId, agentId)) ?? 0;
    // A session another process ran continues the count.
    return this.shared ? Math.max(here, this.latest(userId, agentId)?.lastSeq ?? 0) : here;
  }

  /** Every event of the user's sessions, live. */
  subscribe(userId: string, listener: UserEventListener): () => void {
    let listeners = this.listeners.get(userId);
    if (!listeners) this.listeners.set(userId, (listeners = new Listeners('agents')));
    const unsubscribe = listeners.subscribe(listener);
    return () => {
      unsubscribe();
      if (listeners.size === 0 && this.listeners.get(userId) === listeners) this.listeners.delete(userId);
    };
  }

  /**
   * Starts a new session. 409 SESSION_EXISTS (with the session) while the user has one of this
   * agent that is not terminated (a suspended one is resumed or stopped first).
   */
  async start(userId: string, agentId: string, request: { prompt?: string; worktree?: string | null; workingDirectory?: string; signal?: AbortSignal } = {}): Promise<SessionRecord> {
    const definition = this.definition(agentId);
    await this.orphanGone(userId, agentId);
    // A worktree names the place; else a working directory may (the repository or a worktree); else the repository.
    const place =
      !request.worktree && request.workingDirectory
        ? await this.options.workdirs.resolveWorkingDirectory(request.workingDirectory, userId, request.signal)
        : await this.options.workdirs.resolve(request.worktree, userId, request.signal);
    await this.syncSeq(userId, agentId);
    // From here to the spawn nothing awaits: the check and the reservation are one step.
    this.assertOpen();
    // An action that timed out while the worktrees were listed was reported failed: start nothing.
    if (request.signal?.aborted) throw new PluginError('CONFLICT', `${definition.name} was not started: the request took too long.`);
    this.assertNoOpenSession(userId, definition);
    const record = this.newRecord(userId, definition, place, null);
    this.launch(record.id, definition, request.prompt, undefined);
    return this.persisted(this.record(record.id));
  }

  /** 409 SESSION_EXISTS while the user has a session of the agent that is not terminated (the existing one beside the error, as documented). */
  private assertNoOpenSession(userId: string, definition: AgentDefinition): void {
    const existing = this.latest(userId, definition.id);
    if (existing && existing.status !== 'terminated') {
      const session = sessionJson(existing);
      throw new PluginError('SESSION_EXISTS', `${definition.name} already has a ${existing.status} session.`, { session }, { existingSession: session });
    }
  }

  /** A new session record, saved as the user's latest of the agent, and its first event. */
  private newRecord(userId: string, definition: AgentDefinition, place: { cwd: string; worktree: string | null }, providerSessionId: string | null): SessionRecord {
    const now = new Date().toISOString();
    const seq = this.lastSeq(userId, definition.id);
    const record: SessionRecord = {
      id: newSessionId(),
      agentId: definition.id,
      userId,
      role: definition.role,
      protocol: definition.protocol,
      status: 'starting',
      statusReason: null,
      cwd: place.cwd,
      worktree: place.worktree,
      providerSessionId,
      pid: null,
      osProcess: null,
      busy: false,
      costUsd: null,
      lastResult: null,
      exit: null,
      firstSeq: seq + 1,
      lastSeq: seq,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      lastActivityAt: null,
      endedAt: null,
      terminationReason: null,
      ...this.here(),
    };
    this.save(record);
    this.latestIds.set(agentKey(userId, definition.id), record.id);
    this.emit(record.id, { type: 'status', status: 'starting', previous: null });
    return record;
  }

  /**
   * Stops the user's session of an agent: a suspended one at once, a live one by escalation (the
   * interrupt first; `graceful: false` skips to SIGKILL of its process group). `reason` is kept as
   * the session's termination reason.
   */
  stop(userId: string, agentId: string, options: { graceful?: boolean; reason?: string } = {}): Promise<SessionRecord> {
    return this.routed(userId, agentId, AGENT_METHODS.stop, { userId, agentId, options }, () => this.stopHere(userId, agentId, options));
  }

  private stopHere(userId: string, agentId: string, options: { graceful?: boolean; reason?: string }): SessionRecord {
    this.definition(agentId);
    const record = this.latest(userId, agentId);
    if (!record) throw new PluginError('NO_SESSION', `There is no session of ${agentId} to stop.`);
    const proc = this.processes.get(record.id);
    if (record.status !== 'terminated' && options.reason !== undefined) this.replace(record.id, { terminationReason: options.reason });
    if (record.status === 'suspended' || !proc) {
      // No process to wait for (suspended, or already gone): it ends here, and so does its log file.
      if (record.status !== 'suspended') this.setStatus(record.id, 'terminating', 'stop requested');
      this.setStatus(record.id, 'terminated', 'stopped');
      this.log.release(record.id);
      return this.record(record.id);
    }
    this.setStatus(record.id, 'terminating', 'stop requested');
    proc.stop(this.options.stopGraceMs, { graceful: options.graceful ?? true });
    return this.record(record.id);
  }

  /**
   * Resumes the user's latest session of an agent with the provider's session id (`--resume <id>`),
   * in the same working directory (Claude Code finds a conversation only from where it started).
   * `providerSessionId` names another of the user's conversations with this agent instead (the agent
   * server's `claudeSessionId`): an older one is resumed as a new session, in its own directory, once
   * the latest is terminated.
   */
  async resume(userId: string, agentId: string, request: { prompt?: string; providerSessionId?: string } = {}): Promise<SessionRecord> {
    const definition = this.definition(agentId);
    // The previous server's copy of this session must be gone before a new one runs.
    await this.orphanGone(userId, agentId);
    this.assertOpen();
    // A session left live by a process that died is suspended first (then resumed here).
    if (this.nodes.node) await this.nodes.elsewhere(this.latest(userId, agentId), (orphan) => this.orphaned(orphan));
    await this.syncSeq(userId, agentId);
    const record = this.latest(userId, agentId);
    const wanted = request.providerSessionId;
    if (wanted !== undefined && record?.providerSessionId !== wanted) {
      return this.persisted(this.resumeOlder(userId, definition, wanted, request.prompt));
    }
    if (!record) throw new PluginError('NO_RESUMABLE_SESSION', `${definition.name} has no session to resume.`);
    if (isLive(record.status)) transition(record.status, 'starting'); // a live session: 409, says why
    if (!isResumable(record)) {
      throw new PluginError('NO_RESUMABLE_SESSION', `The last session of ${definition.name} cannot be resumed (no provider session id).`);
    }
    this.options.workdirs.assertDirectory(record.cwd, 'The session\'s working directory');
    this.replace(record.id, { exit: null, pid: null, osProcess: null, busy: false, ...this.here() });
    this.setStatus(record.id, 'starting', 'resumed');
    this.launch(record.id, definition, request.prompt, record.providerSessionId!);
    return this.persisted(this.record(record.id));
  }

  /** Resumes an earlier conversation of the user with the agent as a new session (see `resume`). */
  private resumeOlder(userId: string, definition: AgentDefinition, providerSessionId: string, prompt: string | undefined): SessionRecord {
    // Only the user's own conversations: another user's (or a made-up) id is as absent as none.
    const earlier = this.sessions(userId, { agentId: definition.id }).find((s) => s.providerSessionId === providerSessionId && hasConversation(s));
    if (!earlier) throw new PluginError('NO_RESUMABLE_SESSION', `No session of yours with ${definition.name} has the conversation ${providerSessionId}.`);
    this.assertNoOpenSession(userId, definition);
    this.options.workdirs.assertDirectory(earlier.cwd, 'The session\'s working directory');
    const record = this.newRecord(userId, definition, { cwd: earlier.cwd, worktree: earlier.worktree }, providerSessionId);
    this.launch(record.id, definition, prompt, providerSessionId);
    return this.record(record.id);
  }

  /** Sends input to a running session: a stream-json user turn, or a line for a plain command. */
  input(userId: string, agentId: string, text: string): Promise<{ seq: number; session: SessionRecord }> {
    return this.routed(userId, agentId, AGENT_METHODS.input, { userId, agentId, text }, () => this.inputHere(userId, agentId, text));
  }

  private inputHere(userId: string, agentId: string, text: string): { seq: number; session: SessionRecord } {
    this.definition(agentId);
    const record = this.latest(userId, agentId);
    if (!record) throw new PluginError('NO_SESSION', `There is no session of ${agentId} to send input to.`);
    if (record.status !== 'running') throw new PluginError('CONFLICT', `The session is ${record.status}; input needs a running agent.`, { status: record.status });
    const proc = this.processes.get(record.id);
    if (!proc || !this.send(record.id, proc, text)) throw new PluginError('CONFLICT', 'The agent no longer reads its input.');
    const session = this.record(record.id);
    return { seq: session.lastSeq, session };
  }

  /**
   * Delivers the user's events of an agent with seq > `after` (from the logs), then live ones, each
   * exactly once and in order; without `after`, only events from now on (see follow.ts).
   * Returns the unsubscribe function; `deliver` returning false (a closed stream) also ends it.
   */
  follow(userId: string, agentId: string, after: number | undefined, deliver: (event: AgentEvent) => boolean | void): () => void {
    return followEvents(
      {
        lastSeq: () => this.lastSeq(userId, agentId),
        subscribe: (listener) => this.subscribe(userId, (event) => event.agent_id === agentId && listener(event)),
        read: (afterSeq) => this.log.read(userId, agentId, this.oldestFirst(userId, agentId), afterSeq),
      },
      after,
      deliver,
    );
  }

  /** The last `count` events of a session from its log (the screens' starting point). */
  tail(record: SessionRecord, count: number): Promise<AgentEvent[]> {
    return this.log.tail(record, count);
  }

  /** The user's sessions of an agent, oldest first (they share one count, so firstSeq orders them). */
  private oldestFirst(userId: string, agentId: string): SessionRecord[] {
    return this.sessions(userId, { agentId }).sort((a, b) => a.firstSeq - b.firstSeq);
  }

  // -------------------------------------------------------------------------------------------
  // Permissions as approvals (permissions.ts)
  // -------------------------------------------------------------------------------------------

  /**
   * Answers a tool-use permission request of the user's session of an agent: allow, deny, or always
   * (allow, and allow this tool without asking for the rest of the session). 404 when the request is
   * not waiting (answered, or its process ended).
   */
  answerPermission(userId: string, agentId: string, requestId: string, decision: PermissionDecision): Promise<SessionRecord> {
    return this.routed(userId, agentId, AGENT_METHODS.answer, { userId, agentId, requestId, decision }, () => this.answerHere(userId, agentId, requestId, decision));
  }

  private answerHere(userId: string, agentId: string, requestId: string, decision: PermissionDecision): SessionRecord {
    this.definition(agentId);
    const record = this.latest(userId, agentId);
    const pending = record?.pendingApprovals?.find((p) => p.requestId === requestId);
    const proc = record && this.processes.get(record.id);
    if (!record || !pending || !proc) throw new PluginError('NOT_FOUND', 'That permission request is no longer waiting (answered, or the agent stopped).');
    if (decision === 'always' && !isAlwaysAllowed(record, pending.tool)) this.replace(record.id, { alwaysAllow: [...(record.alwaysAllow ?? []), pending.tool] });
    this.answerNow(record.id, proc, requestId, pending.tool, decision, 'user');
    return this.record(record.id);
  }

  /** A request came in: keep its input, and answer at once when the tool is always allowed. */
  private permissionAsked(sessionId: string, requestId: string, tool: string, line: string): void {
    this.permissionInputs.keep(sessionId, requestId, permissionInputOf(line));
    const proc = this.processes.get(sessionId);
    if (proc && isAlwaysAllowed(this.record(sessionId), tool)) this.answerNow(sessionId, proc, requestId, tool, 'allow', 'always');
  }

  private answerNow(sessionId: string, proc: AgentProcess, requestId: string, tool: string, decision: PermissionDecision, by: 'user' | 'always'): void {
    if (!proc.write(answerLine(requestId, tool, decision, this.permissionInputs.take(sessionId, requestId)))) {
      throw new PluginError('CONFLICT', 'The agent no longer reads its input.');
    }
    this.emit(sessionId, { type: 'permission_answer', request_id: requestId, tool, behavior: decision === 'deny' ? 'deny' : 'allow', by });
  }

  /** Why a folder cannot be removed: a live session works in it (the worktree removal guard). */
  liveSessionIn(dir: string): string | undefined {
    const inside = `${dir.replace(/\/+$/, '')}/`;
    for (const record of this.records.all()) {
      if (!isLive(record.status)) continue;
      if (record.cwd === dir || record.cwd.startsWith(inside)) {
        return `An agent session (${this.byId.get(record.agentId)?.name ?? record.agentId}) is ${record.status} in this worktree; stop it first.`;
      }
    }
    return undefined;
  }

  /**
   * Stops every process (SIGTERM, then SIGKILL after the grace time) and writes the records. Sessions
   * that can be resumed become suspended, the others terminated.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.nodes.close();
    const waits: Promise<void>[] = [];
    for (const [id, proc] of this.processes) {
      const record = this.record(id);
      if (record.status === 'starting' || record.status === 'running') {
        this.shuttingDown.add(id);
        this.setStatus(id, hasConversation(record) ? 'suspended' : 'terminated', 'server_stopped');
      }
      waits.push(proc.shutdown(Math.min(this.options.stopGraceMs, 2000)));
    }
    await Promise.all([...waits, ...this.orphanStops.values()]);
    await this.log.close();
    await this.options.store.write();
  }

  /** Waits until processes a previous server left running for this user's agent are gone. */
  private async orphanGone(userId: string, agentId: string): Promise<void> {
    await this.orphanStops.get(agentKey(userId, agentId));
  }

  // -------------------------------------------------------------------------------------------
  // Processes
  // -------------------------------------------------------------------------------------------

  private launch(sessionId: string, definition: AgentDefinition, prompt: string | undefined, resumeId: string | undefined): void {
    const record = this.record(sessionId);
    const args = resumeId ? [...definition.args, '--resume', resumeId] : [...definition.args];
    let spawnFailed = false;
    let proc: AgentProcess | undefined;
    const callbacks: ProcessCallbacks = {
      onSpawn: (pid) => {
        // Stamped at once: if the server dies from here on, the next one can find and stop it.
        this.replace(sessionId, { pid, osProcess: stampOf(pid), startedAt: new Date().toISOString() });
        if (this.record(sessionId).status !== 'starting') return; // stopped before it ran
        this.setStatus(sessionId, 'running');
        if (prompt && proc) this.send(sessionId, proc, prompt);
      },
      onLine: (line) => {
        const bodies: AgentEventBody[] =
          definition.protocol === 'stream-json' ? parseStreamJsonLine(line) : line === '' ? [] : [{ type: 'output', text: truncate(line, PLAIN_LINE_CHARS) }];
        for (const body of bodies) {
          this.emit(sessionId, body);
          if (body.type === 'permission_request') this.permissionAsked(sessionId, body.request_id, body.tool, line);
        }
      },
      onSpawnError: (message) => {
        spawnFailed = true;
        this.emit(sessionId, { type: 'error', message: `${definition.name} could not start: ${message}` });
      },
      onExit: (exit) => this.exited(sessionId, exit, spawnFailed),
    };
    try {
      // The gateway's variables come last: a definition's own `env` cannot point the agent elsewhere.
      const env = agentEnv(this.env, { ...definition.env, ...this.gatewayEnv(record, definition) });
      proc = new AgentProcess({ command: definition.command, args, cwd: record.cwd, env, protocol: definition.protocol }, callbacks);
    } catch (error) {
      // spawn itself threw (an argument it refuses): nothing runs, the session ends here.
      this.emit(sessionId, { type: 'error', message: `${definition.name} could not start: ${describeSpawnError(error as NodeJS.ErrnoException)}` });
      this.exited(sessionId, { code: null, signal: null, stderrTail: [] }, true);
      return;
    }
    this.processes.set(sessionId, proc);
  }

  /** A gateway agent's model variables, with a token for this run of the session (revoked when it exits). */
  private gatewayEnv(record: SessionRecord, definition: AgentDefinition): Readonly<Record<string, string>> {
    if (!definition.modelGateway) return {};
    if (!this.options.modelAccess) throw new Error('it uses the model gateway, which is not running');
    return this.options.modelAccess.open({ sessionId: record.id, userId: record.userId, agentId: record.agentId, worktree: record.worktree });
  }

  private send(sessionId: string, proc: AgentProcess, text: string): boolean {
    const protocol = this.record(sessionId).protocol;
    if (!proc.write(protocol === 'stream-json' ? userTurn(text) : `${text}\n`)) return false;
    this.emit(sessionId, { type: 'input', text });
    return true;
  }

  private exited(sessionId: string, exit: ProcessExit, spawnFailed: boolean): void {
    this.processes.delete(sessionId);
    this.permissionInputs.forget(sessionId);
    this.options.modelAccess?.close(sessionId); // the session's gateway token dies with its process
    const record = this.record(sessionId);
    const serverStopped = this.shuttingDown.delete(sessionId);
    const reason: ExitReason = serverStopped
      ? 'server_stopped'
      : record.status === 'terminating'
        ? 'stopped'
        : !spawnFailed && exit.code === 0 && exit.signal === null
          ? 'exited'
          : 'crashed';
    // Which step of a stop ended it: only when the process ended because it was asked to.
    const stoppedBy = reason === 'stopped' ? exit.stoppedBy : undefined;
    this.emit(sessionId, {
      type: 'exit',
      code: exit.code,
      signal: exit.signal,
      reason,
      ...(stoppedBy ? { stopped_by: stoppedBy } : {}),
      stderr_tail: exit.stderrTail,
    });
    this.replace(sessionId, {
      pid: null,
      osProcess: null,
      busy: false,
      exit: { code: exit.code, signal: exit.signal, reason, ...(stoppedBy ? { stoppedBy } : {}), stderrTail: exit.stderrTail, at: new Date().toISOString() },
    });
    // A suspended or terminated session (the server is stopping) keeps its status.
    if (isLive(this.record(sessionId).status)) this.setStatus(sessionId, 'terminated', reason);
    this.log.release(sessionId);
  }

  // -------------------------------------------------------------------------------------------
  // Records and events
  // -------------------------------------------------------------------------------------------

  private record(sessionId: string): SessionRecord {
    return this.records.get(sessionId)!;
  }

  /**
   * Answers `answer` (the record as the start or resume left it) once the records as they are now are
   * on disk, so a session the client was told about (and its process's stamp, for the reaping after a
   * crash) survives `kill -9`. A failed write was logged by `save`; the session runs all the same.
   */
  private async persisted(answer: SessionRecord): Promise<SessionRecord> {
    await this.options.store.write().catch(() => undefined);
    return answer;
  }

  private save(record: SessionRecord): void {
    this.records.put(record);
    // Writes are coalesced by the store: a burst of events costs one file write, not one each.
    this.options.store.write().catch((error: unknown) => console.error('[agents] could not write the session records:', error));
  }

  private replace(sessionId: string, patch: Partial<SessionRecord>): SessionRecord {
    const next = { ...this.record(sessionId), ...patch, updatedAt: new Date().toISOString() };
    this.save(next);
    return next;
  }

  private setStatus(sessionId: string, to: SessionStatus, reason?: string): void {
    const record = this.record(sessionId);
    transition(record.status, to);
    // A resume starts the session's life again: it has not ended, and no stop's reason holds.
    const times: Partial<SessionRecord> = to === 'terminated' ? { endedAt: new Date().toISOString() } : to === 'starting' ? { endedAt: null, terminationReason: null } : {};
    this.replace(sessionId, { status: to, statusReason: reason ?? null, ...times });
    this.emit(sessionId, { type: 'status', status: to, previous: record.status, ...(reason ? { reason } : {}) });
  }

  /** Numbers an event, appends it to the log, folds it into the record, then tells the listeners. */
  private emit(sessionId: string, body: AgentEventBody): void {
    const record = this.record(sessionId);
    const key = agentKey(record.userId, record.agentId);
    // With several processes the count is kept current by what is heard, and raised from the log
    // before this process acts on a session another ran (syncSeq): no lookup of the records per event.
    const seq = (this.lastSeqs.get(key) ?? 0) + 1;
    this.lastSeqs.set(key, seq);
    const event = { ...body, seq, session_id: sessionId, agent_id: record.agentId, at: new Date().toISOString() } as AgentEvent;
    const next = this.replace(sessionId, { lastSeq: seq, lastActivityAt: event.at, ...foldEvent(record, body) });
    this.log.append(event, next);
    this.heardEvents.sent(key, seq);
    this.listeners.get(record.userId)?.emit(event, next);
  }

  /** Raises this process's count of a user's agent to `seq` (an event another process numbered); it never falls. */
  private raise(key: string, seq: number): void {
    this.lastSeqs.set(key, Math.max(this.lastSeqs.get(key) ?? 0, seq));
  }

  /** This process's count of the user's agent, raised to what the log holds (another process may have numbered past it). */
  private async syncSeq(userId: string, agentId: string): Promise<void> {
    if (!this.shared) return; // one process: it numbered every event itself
    // Read first, then raise: the count may have risen meanwhile (events heard).
    this.raise(agentKey(userId, agentId), await this.log.lastSeq(userId, agentId, this.oldestFirst(userId, agentId)));
  }

  /** Start-up: each user's count of each agent from the log (a crash can leave the records a write behind). */
  private async loadSeqs(): Promise<void> {
    // The records grouped by user and agent once, oldest first (one sort, not one per agent).
    const byKey = new Map<string, SessionRecord[]>();
    for (const record of this.records.all().sort((a, b) => a.firstSeq - b.firstSeq)) {
      const key = agentKey(record.userId, record.agentId);
      const sessions = byKey.get(key);
      if (sessions) sessions.push(record);
      else byKey.set(key, [record]);
    }
    for (const [key, sessions] of byKey) this.raise(key, await this.log.lastSeq(sessions[0]!.userId, sessions[0]!.agentId, sessions));
  }

  /**
   * Runs `here` on this process, unless the user's latest session of the agent is live on another
   * (agent-nodes.ts): then it goes there. On one process `here` runs at once, before this returns,
   * as it always did; the answer is a promise either way.
   */
  private routed<T>(userId: string, agentId: string, method: string, args: unknown, here: () => T): Promise<T> {
    const latest = this.nodes.node ? this.latest(userId, agentId) : undefined;
    if (latest && this.nodes.mayBeElsewhere(latest)) {
      return this.nodes.elsewhere(latest, (orphan) => this.orphaned(orphan)).then(async (node) => {
        if (node) return this.nodes.forward<T>(node, method, args);
        await this.syncSeq(userId, agentId);
        return here();
      });
    }
    // A session that runs elsewhere or no more (a suspended one, stopped here) continues another count.
    const current = this.latest(userId, agentId);
    if (this.shared && current && !this.processes.has(current.id)) return this.syncSeq(userId, agentId).then(here);
    try {
      return Promise.resolve(here());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The record field naming this process as the one that runs a session (none for one process alone). */
  private here(): { node?: string } {
    return this.nodes.node ? { node: this.nodes.node } : {};
  }

  private assertOpen(): void {
    if (this.closing) throw new PluginError('CONFLICT', 'The server is shutting down.');
  }

  /** Start-up: rebuild the indexes, and suspend what a stop or crash of the server interrupted. */
  private recover(): void {
    const records = this.records.all().sort((a, b) => a.firstSeq - b.firstSeq || a.createdAt.localeCompare(b.createdAt));
    for (const record of records) {
      const key = agentKey(record.userId, record.agentId);
      this.latestIds.set(key, record.id);
      this.lastSeqs.set(key, Math.max(this.lastSeqs.get(key) ?? 0, record.lastSeq));
    }
    for (const record of records) {
      // Another process's sessions are its own (a dead one's are suspended by agent-nodes.ts's watch).
      if (!this.nodes.isMine(record)) continue;
      // Any record may hold a stamp, even a suspended one: a server killed during its own shutdown.
      if (record.osProcess) this.stopOrphan(record);
      if (!isLive(record.status)) continue;
      const canResume = record.status !== 'terminating' && hasConversation(record);
      this.replace(record.id, { pid: null, osProcess: null, busy: false });
      this.setStatus(record.id, canResume ? 'suspended' : 'terminated', 'server_restarted');
      this.log.release(record.id);
    }
  }

  /**
   * A live session of a server process that died (agent-nodes.ts): suspended when it can be resumed,
   * else terminated, as after a restart; its agent is stopped when it runs on this machine.
   */
  private async orphaned(record: SessionRecord): Promise<void> {
    await this.syncSeq(record.userId, record.agentId);
    const current = this.record(record.id);
    if (!isLive(current.status) || this.nodes.isMine(current)) return;
    if (current.osProcess) this.stopOrphan(current);
    const canResume = current.status !== 'terminating' && hasConversation(current);
    this.replace(current.id, { pid: null, osProcess: null, busy: false, pendingApprovals: [] });
    this.setStatus(current.id, canResume ? 'suspended' : 'terminated', 'node_lost');
    this.log.release(current.id);
  }

  /**
   * A process the previous server started and never saw end: when it verifiably still runs (same pid,
   * start time and boot), its group is stopped with the ladder in the background; starts and resumes
   * of that user's agent wait for it.
   */
  private stopOrphan(record: SessionRecord): void {
    const stamp = record.osProcess!;
    this.replace(record.id, { pid: null, osProcess: null });
    if (!isStillRunning(stamp)) return;
    console.warn(`[agents] stopping ${record.agentId} (pid ${stamp.pid}) of ${record.userId}, left running by the previous server`);
    const key = agentKey(record.userId, record.agentId);
    const stop = stopGroup(stamp.pgid, this.options.stopGraceMs).then(
      (signal) => console.warn(`[agents] ${record.agentId} (pid ${stamp.pid}) of ${record.userId} is stopped${signal ? ` (${signal})` : ''}`),
      (error: unknown) => console.error(`[agents] could not stop ${record.agentId} (pid ${stamp.pid}):`, error),
    );
    // One user's agent may have several (older sessions): a start waits for all of them.
    const all: Promise<void> = Promise.all([this.orphanStops.get(key), stop])
      .then(() => undefined)
      .finally(() => {
        if (this.orphanStops.get(key) === all) this.orphanStops.delete(key);
      });
    this.orphanStops.set(key, all);
  }
}

/** What an event changes in its session's record. */
function foldEvent(record: SessionRecord, body: AgentEventBody): Partial<SessionRecord> {
  switch (body.type) {
    case 'system':
      return body.provider_session_id ? { providerSessionId: body.provider_session_id } : {};
    case 'input':
      return record.protocol === 'stream-json' ? { busy: true } : {};
    case 'result':
      return { busy: false, ...(body.cost_usd !== undefined ? { costUsd: body.cost_usd } : {}), ...(body.text !== undefined ? { lastResult: truncate(body.text, 2000) } : {}) };
    default:
      return foldPermission(record, body) ?? {};
  }
}
