/**
 * Approvals of tool calls: a tool that sends mail, stops an agent or removes a worktree waits here
 * until the user answers. Nothing runs before Approve; Deny and silence (the time limit) both answer
 * "not approved". Requests are per user: a user can answer only their own (anyone else's call id is
 * unknown to them). Listeners (the panel's modal, socket.io clients) hear every request and answer.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Listeners } from '../listeners';

/** A call id as an answer carries it (the panel's buttons, `POST /api/approvals`, the socket event). */
export const callIdSchema = z.string().min(1).max(200);

export interface ApprovalRequest {
  call_id: string;
  tool_name: string;
  arguments: Record<string, unknown>;
  requested_at: string;
  expires_at: string;
}

export type ApprovalOutcome = 'approved' | 'denied' | 'timeout' | 'cancelled';

export type ApprovalEvent =
  | { type: 'tool_approval_request'; userId: string; request: ApprovalRequest }
  | { type: 'tool_approval_resolved'; userId: string; request: ApprovalRequest; outcome: ApprovalOutcome };

interface Pending {
  userId: string;
  request: ApprovalRequest;
  settle(outcome: ApprovalOutcome): void;
}

export class ApprovalBroker {
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Listeners<[ApprovalEvent]>('assistant');

  constructor(private readonly timeoutMs: number) {}

  /**
   * Asks the user; resolves with their answer, `timeout` after the limit, `cancelled` on abort.
   * `asked` hears the request once it waits (the one connection whose chat asked, besides every listener).
   */
  request(userId: string, toolName: string, args: Record<string, unknown>, signal?: AbortSignal, asked?: (request: ApprovalRequest) => void): Promise<ApprovalOutcome> {
    const now = Date.now();
    const request: ApprovalRequest = {
      call_id: `approval_${randomUUID()}`,
      tool_name: toolName,
      arguments: args,
      requested_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.timeoutMs).toISOString(),
    };
    return new Promise<ApprovalOutcome>((resolve) => {
      const timer = setTimeout(() => settle('timeout'), this.timeoutMs);
      const onAbort = () => settle('cancelled');
      const settle = (outcome: ApprovalOutcome) => {
        if (!this.pending.delete(request.call_id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.listeners.emit({ type: 'tool_approval_resolved', userId, request, outcome });
        resolve(outcome);
      };
      this.pending.set(request.call_id, { userId, request, settle });
      signal?.addEventListener('abort', onAbort, { once: true });
      asked?.(request);
      this.listeners.emit({ type: 'tool_approval_request', userId, request });
      if (signal?.aborted) settle('cancelled');
    });
  }

  /** The user's answer; false when there is no such pending call for this user. */
  respond(userId: string, callId: string, approved: boolean): boolean {
    const pending = this.pending.get(callId);
    if (!pending || pending.userId !== userId) return false;
    pending.settle(approved ? 'approved' : 'denied');
    return true;
  }

  /** The user's unanswered requests, oldest first. */
  pendingFor(userId: string): ApprovalRequest[] {
    return [...this.pending.values()].filter((p) => p.userId === userId).map((p) => p.request);
  }

  subscribe(listener: (event: ApprovalEvent) => void): () => void {
    return this.listeners.subscribe(listener);
  }

  /** Denies everything still waiting (server shutdown). */
  close(): void {
    for (const pending of [...this.pending.values()]) pending.settle('cancelled');
  }
}
