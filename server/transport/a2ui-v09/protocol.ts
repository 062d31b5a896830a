/**
 * The A2UI v0.9 form of the wire protocol, next to the native one (protocol.ts): what a standard A2UI
 * client sends (an `action`, the older `userAction`, or an `error` report) and what it gets back.
 * Server → client messages are the encoder's (diff/a2ui-v09.ts); `encodeFrame` encodes each change
 * once for every transport that sends it.
 */
import { z } from 'zod';
import { encodeChange, unescapeEventContext, type A2uiV09Message, type EncodableSurface } from '.';
import { PluginError, parseInput } from '../errors';
import { VIEW_ID, actionRequestSchema, type ActionRequest, type Frame, type SideEffect } from '../protocol';

export type { A2uiV09Message };

/** `join {format}` value that switches a socket from native frames to v0.9 messages. */
export const A2UI_V09_FORMAT = 'a2ui-v0.9';

/** socket.io events of the v0.9 form. */
export const A2uiV09SocketEvents = {
  /** server → client `{messages: A2uiV09Message[]}` (the spec's list wrapper): one change, in order. */
  messages: 'a2ui',
  /** client → server: a v0.9 client message (action, userAction or error); ack: `A2uiV09Answer`. */
  action: 'a2ui_action',
} as const;

/** The answer to an action: its status, the v0.9 messages of its change, its side effects. */
export interface A2uiV09ActionAnswer {
  status: 'success' | 'error';
  messages: A2uiV09Message[];
  side_effects: SideEffect[];
  error?: { code: string; message: string };
}

/** The answer to an error report: it was logged. */
export interface A2uiV09ReportAnswer {
  status: 'ok';
}

export type A2uiV09Answer = A2uiV09ActionAnswer | A2uiV09ReportAnswer;

/** Each change's messages, by the session's frame (every listener of a change gets the same frame object). */
const encodedChanges = new WeakMap<Frame, A2uiV09Message[]>();

/**
 * A change of the session as v0.9 messages (`surface`: the one the frame leads to). Encoded once
 * however many v0.9 clients take it (streams, sockets, the action's answer); the result is shared,
 * never to be changed.
 */
export function encodeFrame(frame: Frame, surface: EncodableSurface): A2uiV09Message[] {
  let messages = encodedChanges.get(frame);
  if (!messages) {
    messages = encodeChange(surface, frame.ops);
    encodedChanges.set(frame, messages);
  }
  return messages;
}

/** The versions a client may name: the spec's schema accepts both. */
const versionSchema = z.enum(['v0.9', 'v0.9.1']);

/** An action's fields (spec `client_to_server.json`), checked with the native request's own rules. */
const actionFields = {
  name: actionRequestSchema.shape.action,
  // The view the surface belongs to (its createSurface's id); "main" is the caller's own REST view.
  surfaceId: z.string().regex(VIEW_ID, 'must be a surface id from createSurface'),
  sourceComponentId: z.string().max(256),
  timestamp: z.string().max(64),
  context: z.record(z.string(), z.unknown()),
};

const actionMessageSchema = z.object({ version: versionSchema, action: z.object(actionFields).strip() }).strip();

/** The v0.8 name of the same message; its senders vary, so only `name` and `surfaceId` are required. */
const userActionMessageSchema = z
  .object({
    version: z.string().max(16).optional(),
    userAction: z
      .object({
        ...actionFields,
        sourceComponentId: actionFields.sourceComponentId.optional(),
        timestamp: actionFields.timestamp.optional(),
        context: actionFields.context.optional(),
      })
      .strip(),
  })
  .strip();

/** A client-side error report: logged, never acted on. Free-form beyond a code and a message. */
const errorMessageSchema = z
  .object({
    version: z.string().max(16).optional(),
    error: z
      .object({
        code: z.string().max(64),
        message: z.string().max(2000),
        surfaceId: z.string().max(256).optional(),
        path: z.string().max(2048).optional(),
      })
      .strip(),
  })
  .strip();

export type A2uiV09ClientError = z.infer<typeof errorMessageSchema>['error'];

export type A2uiV09ClientMessage = { kind: 'action'; request: ActionRequest } | { kind: 'error'; error: A2uiV09ClientError };

/** Validates a client message; throws PluginError(INVALID_INPUT) naming the field. */
export function parseClientMessage(raw: unknown): A2uiV09ClientMessage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PluginError('INVALID_INPUT', 'body: expected a v0.9 client message object');
  }
  if (Object.hasOwn(raw, 'action')) {
    const { action } = parseInput(actionMessageSchema, raw);
    return { kind: 'action', request: toActionRequest(action) };
  }
  if (Object.hasOwn(raw, 'userAction')) {
    const { userAction } = parseInput(userActionMessageSchema, raw);
    return { kind: 'action', request: toActionRequest(userAction) };
  }
  if (Object.hasOwn(raw, 'error')) return { kind: 'error', error: parseInput(errorMessageSchema, raw).error };
  throw new PluginError('INVALID_INPUT', 'body: expected {"version": "v0.9", "action": {...}}, {"userAction": {...}} or {"version": "v0.9", "error": {...}}');
}

/**
 * The native request: the action's name, its resolved context as the payload (with the keys the
 * encoder escaped restored, see diff/a2ui-v09-context.ts), its source component.
 */
function toActionRequest(action: { name: string; surfaceId: string; sourceComponentId?: string | undefined; context?: Record<string, unknown> | undefined }): ActionRequest {
  return {
    action: action.name,
    payload: unescapeEventContext(action.context ?? {}),
    surface_id: action.surfaceId,
    ...(action.sourceComponentId !== undefined ? { component_id: action.sourceComponentId } : {}),
  };
}

/**
 * The session names a bad payload field `payload.<field>`; a v0.9 client sent it as
 * `action.context.<field>`, so the message says that instead.
 */
export function inV09Terms(error: unknown): unknown {
  if (error instanceof PluginError && error.code === 'INVALID_INPUT' && error.message.startsWith('payload.')) {
    return new PluginError('INVALID_INPUT', `action.context.${error.message.slice('payload.'.length)}`);
  }
  return error;
}

/** Line breaks and other control characters, which would let a report write lines of its own into the log. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Client text as it may appear in the log: every control character written as an escape. */
function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * One line in the server log per client error report; bounded, never more than the report says, and
 * one line however the report is written (a forged "[http] …" line stays inside the report's line).
 */
export function logClientError(userId: string, error: A2uiV09ClientError): void {
  const where = [error.surfaceId && `surface ${printable(error.surfaceId)}`, error.path && `at ${printable(error.path)}`].filter(Boolean).join(' ');
  console.warn(`[a2ui v0.9] client error reported by ${userId}: ${printable(error.code)}${where ? ` (${where})` : ''}: ${printable(error.message)}`);
}
