/**
 * Tool approvals on the live socket, for clients without the panel:
 *   server → client  tool_approval_request  {call_id, tool_name, arguments, expires_at}
 *   server → client  tool_approval_resolved {call_id, outcome: approved|denied|timeout|cancelled}
 *   client → server  tool_approval_response {call_id, approved}  → ack {call_id, approved} or {error}
 * A socket hears only its own user's requests and can answer only those.
 */
import type { Socket } from 'socket.io';
import type { ApprovalBroker } from '../../agents/assistant/approvals';
import type { Identity } from '../transport/auth';
import { errorBody } from '../transport/errors';
import type { SocketHandler } from '../transport/live';
import { answerApproval } from './chat';

export const ApprovalSocketEvents = {
  request: 'tool_approval_request',
  resolved: 'tool_approval_resolved',
  response: 'tool_approval_response',
} as const;

export function approvalSocketHandler(approvals: ApprovalBroker): SocketHandler {
  return (socket: Socket, identity: Identity) => {
    const unsubscribe = approvals.subscribe((event) => {
      if (event.userId !== identity.userId) return;
      const { call_id, tool_name, arguments: args, expires_at } = event.request;
      if (event.type === 'tool_approval_request') socket.emit(ApprovalSocketEvents.request, { call_id, tool_name, arguments: args, expires_at });
      else socket.emit(ApprovalSocketEvents.resolved, { call_id, outcome: event.outcome });
    });
    socket.on('disconnect', unsubscribe);

    socket.on(ApprovalSocketEvents.response, (raw: unknown, ack?: (answer: unknown) => void) => {
      let answer: unknown;
      try {
        answer = answerApproval(approvals, identity.userId, raw);
      } catch (error) {
        answer = { error: errorBody(error, 'approvals socket') };
      }
      if (typeof ack === 'function') ack(answer);
    });
  };
}
