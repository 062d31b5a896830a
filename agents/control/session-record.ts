/**
 * A session's record: what is persisted (with lowdb, `<data>/agent-sessions.json`) and what the API
 * and the screens show. Records are replaced, never mutated, so a changed session is a new object
 * (views memoise on that) and the store always holds a consistent copy.
 */
import { z } from 'zod';
import { PROTOCOLS, type AgentProtocol } from './definitions';
import { EXIT_REASONS, type ExitReason } from './events';
import { ROLES, SESSION_ID, type AgentRole } from './ids';
import type { ProcessStamp } from './os-process';
import { SESSION_STATUSES, type SessionStatus } from './status';

export interface SessionExit {
  code: number | null;
  signal: string | null;
  reason: ExitReason;
  stoppedBy?: string;
  stderrTail: string[];
  at: string;
}

export interface SessionRecord {
  id: string;
  agentId: string;
  /** The owner: only they see or act on it. */
  userId: string;
  role: AgentRole;
  protocol: AgentProtocol;
  status: SessionStatus;
  /** Why it has its status, when that says something (`server_restarted`, `stopped`). */
  statusReason: string | null;
  /** The working directory: the chosen worktree or the repository. A resume uses the same one. */
  cwd: string;
  /** The worktree path when one was chosen, else null (the repository). */
  worktree: string | null;
  /** The provider's conversation id (Claude Code's `session_id`), what `--resume` needs. */
  providerSessionId: string | null;
  pid: number | null;
  /** The running process's identity, kept so a server that restarts after a crash can find and stop it. */
  osProcess: ProcessStamp | null;
  /** True between a turn sent and its `result`. */
  busy: boolean;
  costUsd: number | null;
  lastResult: string | null;
  exit: SessionExit | null;
  /** Tool uses the agent asked permission for, waiting for the user (see permissions.ts); absent = none. */
  pendingApprovals?: readonly PendingApproval[];
  /** Tools the user allowed for the rest of this session ("Always allow"); absent = none. */
  alwaysAllow?: readonly string[];
  /** The seq of this session's first event and of its latest. */
  firstSeq: number;
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
  /** When its process last started (a resume starts it again); absent before the first spawn. */
  startedAt?: string | null;
  /** When its latest event happened. */
  lastActivityAt?: string | null;
  /** When it became terminated; null again once resumed. */
  endedAt?: string | null;
  /** Why it was stopped, in the words of whoever stopped it (`reason` of a stop); else derived, see sessionJson. */
  terminationReason?: string | null;
}

export interface PendingApproval {
  requestId: string;
  tool: string;
  /** The tool's input in one line (`Write: notes.txt`). */
  summary: string;
  at: string;
}

/** The session waits for the user to approve a tool use. */
export function waitsForApproval(record: SessionRecord): boolean {
  return (record.pendingApprovals?.length ?? 0) > 0;
}

export interface AgentSessionsFile {
  sessions: Record<string, SessionRecord>;
}

const nullableString = z.string().nullable();
const seq = z.number().int().nonnegative();

const sessionRecordSchema = z.object({
  // Session ids name log files: only what our generator makes.
  id: z.string().regex(SESSION_ID),
  agentId: z.string(),
  userId: z.string(),
  role: z.enum(ROLES),
  protocol: z.enum(PROTOCOLS),
  status: z.enum(SESSION_STATUSES),
  statusReason: nullableString,
  cwd: z.string(),
  worktree: nullableString,
  providerSessionId: nullableString,
  pid: z.number().int().positive().nullable(),
  // Records from before stamps existed have none.
  osProcess: z
    .object({ pid: z.number().int().positive(), pgid: z.number().int().positive(), startTicks: z.number().int().nonnegative(), bootId: z.string().nullable() })
    .nullable()
    .default(null),
  busy: z.boolean(),
  costUsd: z.number().nullable(),
  lastResult: nullableString,
  exit: z
    .object({
      code: z.number().int().nullable(),
      signal: nullableString,
      reason: z.enum(EXIT_REASONS),
      stoppedBy: z.string().optional(),
      stderrTail: z.array(z.string()),
      at: z.string(),
    })
    .nullable(),
  firstSeq: seq,
  lastSeq: seq,
  createdAt: z.string(),
  updatedAt: z.string(),
  // Records from before these times were kept have none.
  startedAt: nullableString.optional(),
  lastActivityAt: nullableString.optional(),
  endedAt: nullableString.optional(),
  terminationReason: nullableString.optional(),
});

/** What `agent-sessions.json` must hold (checked when it is read): records keyed by their own id. */
export const agentSessionsFileSchema: z.ZodType<AgentSessionsFile, unknown> = z.object({
  sessions: z
    .record(z.string(), sessionRecordSchema)
    .refine((sessions) => Object.entries(sessions).every(([key, record]) => key === record.id), 'every record must be filed under its own id'),
});

/** The provider gave a conversation id that `--resume` can take up (stream-json agents only). */
export function hasConversation(record: SessionRecord): boolean {
  return record.protocol === 'stream-json' && record.providerSessionId !== null;
}

/** A session can be resumed when its process is gone and the provider gave a conversation id. */
export function isResumable(record: SessionRecord): boolean {
  return (record.status === 'suspended' || record.status === 'terminated') && hasConversation(record);
}

/**
 * Why a terminated session ended: the stop's own `reason` when one was given, else how its process
 * ended (`stopped`, `exited`, `crashed`, `server_stopped`) or why it was ended without one
 * (`server_restarted`); null while it is not terminated.
 */
function terminationReasonOf(record: SessionRecord): string | null {
  if (record.status !== 'terminated') return null;
  return record.terminationReason ?? record.exit?.reason ?? record.statusReason;
}

/**
 * The API's form of a session: our snake_case fields (as the rest of the REST API), and the agent
 * server document's session record fields beside them in its own names (`claudeSessionId`,
 * `agentId`, `agentRole`, `workingDirectory`, `createdAt`, `startedAt`, `lastActivityAt`, `endedAt`,
 * `terminationReason`), so a client of either reads what it knows.
 */
export function sessionJson(record: SessionRecord) {
  return {
    // `id`, `status`, `pid` and `worktree` are the same in both.
    ...documentedSessionFields(record),
    agent_id: record.agentId,
    role: record.role,
    protocol: record.protocol,
    status_reason: record.statusReason,
    resumable: isResumable(record),
    cwd: record.cwd,
    provider_session_id: record.providerSessionId,
    busy: record.busy,
    waiting_approval: waitsForApproval(record),
    pending_approvals: (record.pendingApprovals ?? []).map((p) => ({ request_id: p.requestId, tool: p.tool, summary: p.summary, at: p.at })),
    always_allow: record.alwaysAllow ?? [],
    cost_usd: record.costUsd,
    last_result: record.lastResult,
    exit: record.exit && {
      code: record.exit.code,
      signal: record.exit.signal,
      reason: record.exit.reason,
      stopped_by: record.exit.stoppedBy ?? null,
      stderr_tail: record.exit.stderrTail,
      at: record.exit.at,
    },
    first_seq: record.firstSeq,
    last_seq: record.lastSeq,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

/** The document's SessionRecord: `id, claudeSessionId, agentId, agentRole, pid, status, workingDirectory, worktree` and the times. */
function documentedSessionFields(record: SessionRecord) {
  return {
    id: record.id,
    claudeSessionId: record.providerSessionId,
    agentId: record.agentId,
    agentRole: record.role,
    pid: record.pid,
    status: record.status,
    workingDirectory: record.cwd,
    worktree: record.worktree,
    createdAt: record.createdAt,
    startedAt: record.startedAt ?? null,
    lastActivityAt: record.lastActivityAt ?? null,
    endedAt: record.endedAt ?? null,
    terminationReason: terminationReasonOf(record),
  };
}

export type SessionJson = ReturnType<typeof sessionJson>;
