/**
 * A v0.9 client message, the same over HTTP (`POST /api/a2ui/v0.9/action`) and socket.io
 * (`a2ui_action`): an action runs like a native one and is answered with the v0.9 messages of its
 * change; an error report is logged and answered `{status: "ok"}`.
 */
import { encodeFrame, inV09Terms, logClientError, parseClientMessage, type A2uiV09ActionAnswer, type A2uiV09Answer } from './protocol';
import type { ActionRequest } from '../protocol';
import type { Session } from '../../session/session';

/** Throws ApiError(INVALID_INPUT) for a malformed message or payload (nothing ran). */
export async function answerClientMessage(raw: unknown, userId: string, openSession: () => Promise<Session>): Promise<A2uiV09Answer> {
  const message = parseClientMessage(raw);
  if (message.kind === 'error') {
    logClientError(userId, message.error);
    return { status: 'ok' };
  }
  return dispatchV09(await openSession(), message.request);
}

/**
 * Runs the action. No origin is excluded: a v0.9 client's stream (SSE or socket) carries every change
 * in order, its own included, and the answer repeats this change's messages for a client without one.
 */
async function dispatchV09(session: Session, request: ActionRequest): Promise<A2uiV09ActionAnswer> {
  let result;
  try {
    result = await session.dispatch(request);
  } catch (error) {
    throw inV09Terms(error);
  }
  // Without a base_version the frame is exactly this action's change, the one its listeners got.
  return {
    status: result.status,
    messages: encodeFrame(result.frame, result.surface),
    side_effects: result.frame.side_effects,
    ...(result.error ? { error: result.error } : {}),
  };
}
