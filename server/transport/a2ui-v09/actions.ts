/**
 * A v0.9 client message, the same over HTTP (`POST /api/a2ui/v0.9/action`) and socket.io
 * (`a2ui_action`): an action runs like a native one, on the view its `surfaceId` names, and is
 * answered with the v0.9 messages of its change; an error report is logged and answered `{status: "ok"}`.
 */
import type { Caller } from '../../../agents/endpoint';
import type { SessionDirectory } from '../../session/session-handle';
import { toActionCall } from '../protocol';
import { attachView, namedView } from '../views';
import { encodeFrame, inV09Terms, logClientError, parseClientMessage, type A2uiV09Answer } from './protocol';

/** Throws PluginError(INVALID_INPUT) for a malformed message or payload (nothing ran). */
export async function answerClientMessage(raw: unknown, caller: Caller, users: SessionDirectory): Promise<A2uiV09Answer> {
  const message = parseClientMessage(raw);
  if (message.kind === 'error') {
    logClientError(caller.userId, message.error);
    return { status: 'ok' };
  }
  const named = namedView(caller, message.request.surface_id);
  const { session, view } = await attachView(users, caller, named.id, named.kind);
  let result;
  try {
    // No origin is excluded: a v0.9 client's stream (SSE or socket) carries every change in order,
    // its own included, and the answer repeats this change's messages for a client without one.
    result = await session.dispatch(view.id, toActionCall(message.request));
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
