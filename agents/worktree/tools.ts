/** The assistant's worktree tools: list, create, remove (removal asks the user first). */
import { z } from 'zod';
import type { AssistantTool } from '../module';
import type { WorktreeService } from './service';

export function worktreeTools(worktrees: WorktreeService): AssistantTool[] {
  return [
    {
      name: 'worktree_list',
      description: 'List the git worktrees of the repository (branch, agent, task, modified or not).',
      input: z.object({}),
      needsApproval: false,
      async run() {
        const list = await worktrees.list();
        return { worktrees: list.map((w) => ({ path: w.path, branch: w.branch, is_main: w.isMain, agent: w.agentName, task: w.taskId, title: w.taskTitle, dirty: w.dirty })) };
      },
    },
    {
      name: 'worktree_create',
      description: 'Create a git worktree (and branch agent/<agent>/<task>-<title>) for an agent and a task.',
      input: z.object({ agent_name: z.string().max(64), task_id: z.string().max(64), task_title: z.string().max(200).optional(), base_branch: z.string().max(200).optional() }),
      needsApproval: false,
      async run(_userId, input: { agent_name: string; task_id: string; task_title?: string; base_branch?: string }) {
        const created = await worktrees.create({ agentName: input.agent_name, taskId: input.task_id, taskTitle: input.task_title, baseBranch: input.base_branch });
        return { path: created.path, branch: created.branch, branch_created: created.branchCreated };
      },
    },
    {
      name: 'worktree_remove',
      description: 'Remove a worktree; `force` discards uncommitted changes, `delete_branch` deletes its branch too.',
      input: z.object({ path: z.string().min(1).max(4096), force: z.boolean().optional(), delete_branch: z.boolean().optional() }),
      needsApproval: true,
      async run(_userId, input: { path: string; force?: boolean; delete_branch?: boolean }) {
        return await worktrees.remove(input.path, { force: input.force, deleteBranch: input.delete_branch });
      },
    },
  ];
}
