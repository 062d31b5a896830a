/** The assistant's agent tools: list, start and stop (both asking the user first), and send input. */
import { z } from 'zod';
import type { AssistantTool } from '../module';
import { agentIdSchema } from './ids';
import { sessionJson } from './session-record';
import type { AgentSupervisor } from './supervisor';

const agentId = agentIdSchema.describe('An agent id, from agent_list');

export function agentTools(agents: AgentSupervisor): AssistantTool[] {
  return [
    {
      name: 'agent_list',
      description: "List the configured coding agents with the status of the user's latest session of each.",
      input: z.object({}),
      needsApproval: false,
      async run(userId) {
        return {
          agents: agents.definitions.map((d) => {
            const latest = agents.latest(userId, d.id);
            return { id: d.id, name: d.name, role: d.role, description: d.description ?? null, status: latest?.status ?? 'idle' };
          }),
        };
      },
    },
    {
      name: 'agent_start',
      description: 'Start a coding agent with a prompt, optionally in a worktree (a path from worktree_list or worktree_create).',
      input: z.object({ agent_id: agentId, prompt: z.string().max(20_000).optional(), worktree: z.string().max(4096).optional() }),
      // A started agent runs tools of its own in the repository: the user says yes first.
      needsApproval: true,
      async run(userId, input: { agent_id: string; prompt?: string; worktree?: string }, signal) {
        const session = await agents.start(userId, input.agent_id, { prompt: input.prompt, worktree: input.worktree ?? null, signal });
        return { session: sessionJson(session) };
      },
    },
    {
      name: 'agent_stop',
      description: "Stop the user's running session of an agent.",
      input: z.object({ agent_id: agentId }),
      needsApproval: true,
      async run(userId, input: { agent_id: string }) {
        return { session: sessionJson(await agents.stop(userId, input.agent_id)) };
      },
    },
    {
      name: 'agent_input',
      description: 'Send the next instruction to a running agent.',
      input: z.object({ agent_id: agentId, input: z.string().min(1).max(20_000) }),
      needsApproval: false,
      async run(userId, input: { agent_id: string; input: string }) {
        const accepted = await agents.input(userId, input.agent_id, input.input);
        return { accepted: true, seq: accepted.seq };
      },
    },
  ];
}
