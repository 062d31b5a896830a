/**
 * The native wire protocol: the shapes that cross the network, as zod schemas (validation) and types
 * (client-demo imports the types only). Ops are RFC 6902 against `{components, dataModel}`.
 */
import type { Operation } from 'fast-json-patch';
import { z } from 'zod';
import type { SideEffect } from '../../agents/types';
import type { ActionCall, Frame } from '../session/frame';
import { boundedRecord } from './bounded-json';

export type { Operation, SideEffect };

/**
 * The surface id a client names when it has no view of its own: a REST caller's own view (one per
 * token), never a tab's. The seed protocol's examples use it.
 */
export { API_SURFACE_ID as MAIN_SURFACE_ID } from '../session/view';

/** A view's id (the surface id of its frames): made by the server, or kept by a tab in sessionStorage. */
export const VIEW_ID = /^[A-Za-z0-9_-]{1,64}$/;
const surfaceIdSchema = z.string().regex(VIEW_ID, 'must be a view id (1-64 of A-Z a-z 0-9 _ -)');

/** socket.io event names, client → server and server → client. */
export const SocketEvents = {
  /** client → server `{surface_id?, version?, format?, context?}`; ack: the catch-up `Frame` (its `surfaceId` is the view's id; v0.9: `{messages}`). */
  join: 'join',
  /** client → server `ActionRequest`; ack: `ActionAck`, whose frame the other tabs get as `frame`. */
  action: 'action',
  /** client → server `{version}` after a gap; ack: the catch-up `Frame`. */
  resync: 'resync',
  /** server → client: a `Frame`. */
  frame: 'frame',
} as const;

const ACTION_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Preferences and capabilities are kept per user and view: a few KB, a few levels. */
const smallRecord = boundedRecord({ maxKeys: 50, maxDepth: 4, maxBytes: 4096 });

export const clientContextSchema = z
  .object({
    route: z.string().max(2048).optional(),
    selection: z.array(z.string().max(256)).max(1000).nullable().optional(),
    timezone: z.string().max(64).optional(),
    screen_size: z.enum(['mobile', 'tablet', 'desktop']).optional(),
    user_prefs: smallRecord.optional(),
    capabilities: smallRecord.optional(),
    // Accepted for compatibility with the seed protocol, never used: identity comes from the token.
    user_id: z.unknown().optional(),
  })
  .strip();

export const actionRequestSchema = z
  .object({
    action: z.string().regex(ACTION_NAME, 'must be a lower_snake_case action name'),
    context: clientContextSchema.optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
    // The seed protocol sends `null` when no component sent the action (a navigation from the URL bar).
    component_id: z.string().max(256).nullable().optional(),
    surface_id: surfaceIdSchema.optional(),
    base_version: z.number().int().nonnegative().optional(),
    /** The client's id for this action (unique per user): sent again after a lost answer, it is applied once. */
    action_id: z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be 1-80 characters of A-Z a-z 0-9 _ . : -').optional(),
    user_id: z.unknown().optional(),
  })
  .strip();

export type ClientContext = z.infer<typeof clientContextSchema>;
export type ActionRequest = z.infer<typeof actionRequestSchema>;

export const joinRequestSchema = z
  .object({
    surface_id: surfaceIdSchema.optional(),
    version: z.number().int().nonnegative().optional(),
    /** What the tab says of itself (its route when the view is new, time zone, screen size, preferences). */
    context: clientContextSchema.optional(),
    /** `a2ui-v0.9`: this socket gets standard A2UI v0.9 messages instead of frames (a2ui-v09-protocol.ts). */
    format: z.enum(['native', 'a2ui-v0.9']).optional(),
  })
  .strip();

/** `GET /api/a2ui/surface?version=N`: the query string's version is text. */
export const surfaceQuerySchema = z
  .object({ version: z.string().regex(/^\d{1,16}$/, 'must be a version number').transform(Number).optional(), surface_id: surfaceIdSchema.optional() })
  .strip();

export const resyncRequestSchema = z.object({ version: z.number().int().nonnegative() }).strip();

export type { Frame };

/**
 * The answer to a socket `action`: the change itself as a frame (the acting tab does not get it again
 * as a `frame` event), or, for an action refused before it ran, an error and no frame.
 */
export interface ActionAck {
  status: 'success' | 'error';
  error?: { code: string; message: string };
  frame?: Frame;
  /** The action's id was applied before (a resend): it did not run again. */
  duplicate?: true;
}

/** The answer to `POST /api/a2ui/action` (the seed protocol's shape, plus the versions and the view). */
export interface ActionResponse {
  status: 'success' | 'error';
  /** The view that ran the action (the caller's own REST view unless it named one). */
  surface_id: string;
  /** The ops as a JSON string (the seed protocol's field). */
  a2ui_json: string;
  from: number | null;
  to: number;
  side_effects: SideEffect[];
  error?: { code: string; message: string };
  /** The request's `action_id` was applied before: this is its answer again, nothing ran. */
  duplicate?: true;
}

export type { ErrorBody } from './errors';
export type { ErrorCode } from '../../agents/errors';

/** The REST form of an action's result: the frame's ops as the seed protocol's `a2ui_json` string. */
export function toActionResponse(result: { status: 'success' | 'error'; error?: { code: string; message: string }; duplicate?: true; frame: Frame }): ActionResponse {
  return {
    status: result.status,
    surface_id: result.frame.surfaceId,
    a2ui_json: JSON.stringify(result.frame.ops),
    from: result.frame.from,
    to: result.frame.to,
    side_effects: result.frame.side_effects,
    ...(result.error ? { error: result.error } : {}),
    ...(result.duplicate ? { duplicate: true as const } : {}),
  };
}

/** A wire request as the session layer takes it. */
export function toActionCall(request: ActionRequest): ActionCall {
  return {
    action: request.action,
    ...(request.payload ? { payload: request.payload } : {}),
    ...(request.context ? { context: request.context } : {}),
    ...(typeof request.component_id === 'string' ? { componentId: request.component_id } : {}),
    ...(request.base_version !== undefined ? { baseVersion: request.base_version } : {}),
    ...(request.action_id !== undefined ? { actionId: request.action_id } : {}),
  };
}
