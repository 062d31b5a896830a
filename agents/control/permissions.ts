/**
 * Permissions as approvals. An agent started with `--permission-prompt-tool stdio` (Claude Code, or
 * the demo agent) asks before using a tool: a `can_use_tool` control request on its stdout. The
 * supervisor turns it into a `permission_request` event and a pending approval on the session
 * (`waiting_approval` everywhere the session shows); the user answers Approve, Deny or Always allow
 * (this tool, for the rest of the session), and the answer goes back on the agent's stdin as a
 * `control_response`: allow with the tool's input as `updatedInput`, or deny with a message. A tool
 * always allowed is answered at once, without asking.
 *
 * The tool input of a waiting request is kept in memory only: it can be large (a file's content),
 * and a request cannot outlive the process that asked it.
 */
import type { AgentEventBody } from './events';
import type { PendingApproval, SessionRecord } from './session-record';
import { permissionResponse } from './stream-json';

export const PERMISSION_DECISIONS = ['allow', 'deny', 'always'] as const;
export type PermissionDecision = (typeof PERMISSION_DECISIONS)[number];

/** The tool inputs of waiting requests, per session. */
export class PendingInputs {
  private readonly bySession = new Map<string, Map<string, Record<string, unknown>>>();

  keep(sessionId: string, requestId: string, input: Record<string, unknown>): void {
    let inputs = this.bySession.get(sessionId);
    if (!inputs) this.bySession.set(sessionId, (inputs = new Map()));
    inputs.set(requestId, input);
  }

  take(sessionId: string, requestId: string): Record<string, unknown> {
    const inputs = this.bySession.get(sessionId);
    const input = inputs?.get(requestId) ?? {};
    inputs?.delete(requestId);
    return input;
  }

  /** The process ended: nothing of it waits any more. */
  forget(sessionId: string): void {
    this.bySession.delete(sessionId);
  }
}

function without(pending: readonly PendingApproval[] | undefined, requestId: string): PendingApproval[] {
  return (pending ?? []).filter((p) => p.requestId !== requestId);
}

/** What a permission event (or the end of the process) changes in the session's record. */
export function foldPermission(record: SessionRecord, body: AgentEventBody): Partial<SessionRecord> | undefined {
  switch (body.type) {
    case 'permission_request':
      return { pendingApprovals: [...without(record.pendingApprovals, body.request_id), { requestId: body.request_id, tool: body.tool, summary: body.summary, at: new Date().toISOString() }] };
    case 'permission_answer':
      return { pendingApprovals: without(record.pendingApprovals, body.request_id) };
    case 'exit':
      return record.pendingApprovals?.length ? { pendingApprovals: [] } : undefined;
    default:
      return undefined;
  }
}

export function isAlwaysAllowed(record: SessionRecord, tool: string): boolean {
  return record.alwaysAllow?.includes(tool) ?? false;
}

/** The control_response line for a decision. */
export function answerLine(requestId: string, tool: string, decision: PermissionDecision, input: Record<string, unknown>): string {
  return decision === 'deny'
    ? permissionResponse(requestId, { behavior: 'deny', message: `The user denied ${tool}.` })
    : permissionResponse(requestId, { behavior: 'allow', updatedInput: input });
}
