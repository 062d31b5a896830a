/**
 * The Email plugin's actions and their payload schemas (the contract with its views; docs/architecture.md lists every action):
 * `open_thread`, `reply`, `send`, `archive`, `mark_read`, `search`, `next_page`, `draft_with_ai`,
 * `sign_in`, `sign_out`, plus `refresh` (reload the page on screen) and `compose` (a new message).
 *
 * A payload that fails here is refused with 400 INVALID_INPUT naming the field, before the plugin
 * runs, so nothing changes. Header fields (To, Subject) must be one line: a CR or LF there would let
 * a user write their own headers into the message.
 */
import { z } from 'zod';
import { emailIdSchema } from './ids';
import { hasControlCharacters, MAX_RECIPIENTS, parseAddressList } from './mime';

/** Longest message body accepted (characters); a reply, not an attachment. */
export const MAX_BODY_CHARS = 100_000;
const MAX_SUBJECT_CHARS = 900;
const MAX_TO_CHARS = 4000;
const MAX_QUERY_CHARS = 500;

const oneLine = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !hasControlCharacters(value), 'must be one line without control characters (no CR or LF)');

const recipients = oneLine(MAX_TO_CHARS).refine(
  (value) => parseAddressList(value) !== null,
  `must be 1 to ${MAX_RECIPIENTS} email addresses separated by commas, e.g. "Ada <ada@example.com>, bob@example.com"`,
);

// Unknown payload keys are dropped, not refused: clients may send the seed protocol's extras.
const byId = z.object({ email_id: emailIdSchema });
const none = z.object({});

export const EMAIL_ACTIONS = {
  open_thread: byId,
  reply: byId,
  archive: byId,
  mark_read: byId,
  send: z.object({
    to: recipients,
    subject: oneLine(MAX_SUBJECT_CHARS),
    body: z.string().max(MAX_BODY_CHARS),
    in_reply_to: emailIdSchema.nullable().optional(),
  }),
  search: z.object({ query: oneLine(MAX_QUERY_CHARS) }),
  next_page: none,
  refresh: none,
  compose: none,
  // What the user has typed so far travels along (bound values), so a failed draft can keep it.
  draft_with_ai: z.object({
    email_id: emailIdSchema,
    to: z.string().max(MAX_TO_CHARS).optional(),
    subject: z.string().max(MAX_SUBJECT_CHARS).optional(),
    body: z.string().max(MAX_BODY_CHARS).optional(),
  }),
  sign_in: none,
  sign_out: none,
} as const;

export type EmailActionName = keyof typeof EMAIL_ACTIONS;
export type EmailPayload<N extends EmailActionName> = z.infer<(typeof EMAIL_ACTIONS)[N]>;
