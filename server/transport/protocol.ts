/**
 * The native wire protocol: the shapes that cross the network, as zod schemas (validation) and types
 * (client-demo imports the types only). Ops are RFC 6902 against `{components, dataModel}`.
 */
import type { Operation } from 'fast-json-patch';
import { z } from 'zod';
import type { SideEffect } from '../../agents/types';

export type { Operation, SideEffect };

/** The one surface every session renders. */
export const MAIN_SURFACE_ID = 'main';

/** socket.io event names, client → server and server → client. */
export const SocketEvents = {
  /** client → server `{surface_id?, version?, format?}`; ack: the catch-up `Frame` (v0.9: `{messages}`). */
  join: 'join',
  /** client → server `ActionRequest`; ack: `ActionAck`, whose frame the other tabs get as `frame`. */
  action: 'action',
  /** client → server `{version}` after a gap; ack: the catch-up `Frame`. */
  resync: 'resync',
  /** server → client: a `Frame`. */
  frame: 'frame',
} as const;

const ACTION_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** A small free-form object of the client's (preferences, capabilities): at most 100 keys. */
const boundedRecord = z
  .record(z.string().max(128), z.unknown())
  .refine((record) => Object.keys(record).length <= 100, 'at most 100 keys');

export const clientContextSchema = z
  .object({
    route: z.string().max(2048).optional(),
    selection: z.array(z.string().max(256)).max(1000).nullable().optional(),
    timezone: z.string().max(64).optional(),
    screen_size: z.enum(['mobile', 'tablet', 'desktop']).optional(),
    user_prefs: boundedRecord.optional(),
    capabilities: boundedRecord.optional(),
    // Accepted for compatibility with the seed protocol, never used: identity comes from the token.
    user_id: z.unknown().optional(),
  })
  .strip();

export const actionRequestSchema = z
  .object({
    action: z.string().regex(ACTION_NAME, 'must be a lower_snake_case action name'),
    context: clientContextSchema.optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
    component_id: z.string().max(256).optional(),
    surface_id: z.literal(MAIN_SURFACE_ID).optional(),
    base_version: z.number().int().nonnegative().optional(),
    user_id: z.unknown().optional(),
  })
  .strip();

export type ClientContext = z.infer<typeof clientContextSchema>;
export type ActionRequest = z.infer<typeof actionRequestSchema>;

export const joinRequestSchema = z
  .object({
    surface_id: z.literal(MAIN_SURFACE_ID).optional(),
    version: z.number().int().nonnegative().optional(),
    /** `a2ui-v0.9`: this socket gets standard A2UI v0.9 messages instead of frames (a2ui-v09-protocol.ts). */
    format: z.enum(['native', 'a2ui-v0.9']).optional(),
  })
  .strip();

/** `GET /api/a2ui/surface?version=N`: the query string's version is text. */
export const surfaceQuerySchema = z
  .object({ version: z.string().regex(/^\d{1,15}$/, 'must be a version number').transform(Number).optional() })
  .strip();

export const resyncRequestSchema = z.object({ version: z.number().int().nonnegative() }).strip();

/**
 * One change of a surface. A client applies it only when `from` equals its version, then holds `to`.
 * `from: null` marks a snapshot (ops = one `replace` of the whole document): it applies at any version.
 * `from === to` carries side effects only.
 */
export interface Frame {
  surfaceId: string;
  from: number | null;
  to: number;
  ops: Operation[];
  side_effects: SideEffect[];
}

/**
 * The answer to a socket `action`: the change itself as a frame (the acting tab does not get it again
 * as a `frame` event), or, for an action refused before it ran, an error and no frame.
 */
export interface ActionAck {
  status: 'success' | 'error';
  error?: { code: string; message: string };
  frame?: Frame;
}

/** The answer to `POST /api/a2ui/action` (the seed protocol's shape). */
export interface ActionResponse {
  status: 'success' | 'error';
  /** The ops as a JSON string (the seed protocol's field). */
  a2ui_json: string;
  from: number | null;
  to: number;
  side_effects: SideEffect[];
  error?: { code: string; message: string };
}

export type { ErrorBody } from './errors';
export type { ErrorCode } from '../../agents/errors';

/** The REST form of an action's result: the frame's ops as the seed protocol's `a2ui_json` string. */
export function toActionResponse(result: { status: 'success' | 'error'; error?: { code: string; message: string }; frame: Frame }): ActionResponse {
  return {
    status: result.status,
    a2ui_json: JSON.stringify(result.frame.ops),
    from: result.frame.from,
    to: result.frame.to,
    side_effects: result.frame.side_effects,
    ...(result.error ? { error: result.error } : {}),
  };
}
