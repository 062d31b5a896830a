/**
 * Tool approvals on the live socket, for clients without the panel:
 *   server → client  tool_approval_request  {call_id, tool_name, arguments, expires_at}
 *   server → client  tool_approval_resolved {call_id, outcome: approved|denied|timeout|cancelled}
 *   client → server  tool_approval_response {call_id, approved}  → ack {call_id, approved} or {error}
 * A socket hears only its own user's requests and can answer only those.
 */
import { socketEvent, type SocketChannel, type SocketEvent } from '../endpoint';
import { answerApproval, approvalBody } from './api';
import type { ApprovalBroker } from './approvals';

export const ApprovalSocketEvents = {
  request: 'tool_approval_request',
  resolved: 'tool_approval_resolved',
  response: 'tool_approval_response',
} as const;

export function approvalSocketEvents(approvals: ApprovalBroker): SocketEvent[] {
  return [
    socketEvent({
      name: ApprovalSocketEvents.response,
      schema: approvalBody,
      handle: (answer, channel) => answerApproval(approvals, channel.caller.userId, answer),
    }),
  ];
}

/** Pushes the user's approval requests and their outcomes to a socket. */
export function pushApprovals(approvals: ApprovalBroker, channel: SocketChannel): void {
  channel.onClose(
    approvals.subscribe((event) => {
      if (event.userId !== channel.caller.userId) return;
      const { call_id, tool_name, arguments: args, expires_at } = event.request;
      if (event.type === 'tool_approval_request') channel.emit(ApprovalSocketEvents.request, { call_id, tool_name, arguments: args, expires_at });
      else channel.emit(ApprovalSocketEvents.resolved, { call_id, outcome: event.outcome });
    }),
  );
}
