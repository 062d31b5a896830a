/**
 * The shapes of what a client may ask of the agent-control plugin, shared by the screen actions, the
 * REST routes and the socket events, so the three refuse the same things the same way.
 */
import { z } from 'zod';
import { agentIdSchema } from './ids';

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
};

/** REST bodies: exactly these fields. */
export const startBodySchema = z.object({ prompt: promptSchema.optional(), worktree: worktreeSchema.optional() }).strict();
export const resumeBodySchema = z.object({ prompt: promptSchema.optional() }).strict();
export const stopBodySchema = z.object({}).strict();
export const inputBodySchema = z.object({ input: inputSchema }).strict();
