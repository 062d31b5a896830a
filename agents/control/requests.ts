/**
 * The shapes of what a client may ask of the agent-control plugin, shared by the screen actions, the
 * REST routes and the socket events, so the three refuse the same things the same way.
 */
import { z } from 'zod';
import { PluginError } from '../errors';
import { agentIdSchema } from './ids';
import { PERMISSION_DECISIONS } from './permissions';

/** A permission request's id, as the agent gave it (stream-json.ts keeps only plain tokens). */
export const requestIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be a permission request id');

/** A prompt or an input turn: generous, but bounded (a body is at most 1 MB anyway). */
const TEXT_MAX = 100_000;

const promptSchema = z.string().max(TEXT_MAX);
export const inputSchema = z
  .string()
  .max(TEXT_MAX)
  .refine((text) => text.trim() !== '', 'must not be empty');

/**
 * A worktree as the picker gives it: its path from the worktree list, or '' / null / absent for none
 * (the repository). The picker's selection is a one-item list, accepted as such.
 */
const worktreeSchema = z
  .union([z.string().max(4096), z.array(z.string().max(4096)).max(1)])
  .nullable()
  .transform((value) => (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')));

/** The screen actions' payloads (open_agent, start_agent, stop_agent, resume_agent, send_input; docs/architecture.md lists every action). */
export const actionSchemas = {
  open_agent: z.object({ agent_id: agentIdSchema }),
  start_agent: z.object({ agent_id: agentIdSchema, prompt: promptSchema.optional(), worktree: worktreeSchema.optional() }),
  // The agent defaults to the one of the page (`/agents/:id`).
  stop_agent: z.object({ agent_id: agentIdSchema.optional() }),
  resume_agent: z.object({ agent_id: agentIdSchema.optional() }),
  send_input: z.object({ agent_id: agentIdSchema.optional(), input: inputSchema }),
  /** The same prompt to several agents, each in a new worktree (the picker's selection is a list). */
  start_parallel: z.object({ prompt: inputSchema, agent_ids: z.array(agentIdSchema).min(1).max(20), title: z.string().max(200).optional() }),
  answer_permission: z.object({ agent_id: agentIdSchema.optional(), request_id: requestIdSchema, decision: z.enum(PERMISSION_DECISIONS) }),
};

/** The REST body answering a permission request. */
export const permissionBodySchema = z.object({ decision: z.enum(PERMISSION_DECISIONS) }).strict();

/** A folder as a client names it (checked against the repository and the user's worktrees, never used as it is). */
const folderSchema = z.string().max(4096);
/** A provider's conversation id (Claude Code's `session_id`); only the user's own are ever resumed. */
const conversationIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'must be a conversation id (letters, digits, _ . : -)');
/** Why a stop was asked, kept as the session's termination reason. */
const reasonSchema = z
  .string()
  .max(500)
  .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), 'must be one line of text');

/**
 * REST bodies: exactly these fields (anything else is refused). Each takes our names and the agent
 * server document's beside them: `initialPrompt` and `resumePrompt` are `prompt`, and the document's
 * other fields keep their documented meaning, or are accepted and answered with why they do not apply
 * (`ignored`, see `Ignored`).
 */
export const startBodySchema = z
  .object({
    prompt: promptSchema.optional(),
    initialPrompt: promptSchema.optional(),
    worktree: worktreeSchema.optional(),
    workingDirectory: folderSchema.nullable().optional(),
    interactive: z.boolean().optional(),
  })
  .strict();
export const resumeBodySchema = z
  .object({
    prompt: promptSchema.optional(),
    resumePrompt: promptSchema.optional(),
    claudeSessionId: conversationIdSchema.optional(),
    workingDirectory: folderSchema.nullable().optional(),
    worktree: folderSchema.nullable().optional(),
    checkReadyQueue: z.boolean().optional(),
  })
  .strict();
export const stopBodySchema = z.object({ graceful: z.boolean().optional(), reason: reasonSchema.optional() }).strict();
export const inputBodySchema = z.object({ input: inputSchema, isUserMessage: z.boolean().optional() }).strict();

/** Documented fields that were accepted but could not apply, each with why (answered as `ignored`). */
export type Ignored = Record<string, string>;

/** One prompt from our name and the document's; both at once must agree. */
export function oneOf(field: string, ours: string | undefined, documented: string | undefined, documentedName: string): string | undefined {
  if (ours !== undefined && documented !== undefined && ours !== documented) {
    throw new PluginError('INVALID_INPUT', `${field} and ${documentedName} are the same field; give one of them.`);
  }
  return ours ?? documented;
}

/** Why `interactive: true` does not apply. */
export const NOT_INTERACTIVE =
  'agents run headless (stream-json or plain lines), never in a terminal: send each turn with POST /api/agents/:id/input or the /ws input message';
/** Why `checkReadyQueue` does not apply. */
export const NO_TASK_QUEUE = 'there is no task queue: nothing is assigned to agents but what you send them';
/** Why `isUserMessage: false` does not apply. */
export const INPUT_IS_USER_TURN = 'every input reaches the agent as the user\'s turn';
