/**
 * The assistant's tools: the plugins' own actions. Reading tools ask the services directly (mail
 * list and get, agent and worktree lists); acting tools that the Email plugin owns (reply, archive,
 * mark read) run as that plugin's actions for the user, so the Email screens change exactly as if the
 * user had clicked; agents and worktrees act through their services, whose change events already
 * reach the Agents and Worktrees screens. Sending mail, starting or stopping an agent and removing a
 * worktree ask for the user's approval first.
 */
import { z } from 'zod';
import { agentIdSchema } from '../control/ids';
import type { AgentSupervisor } from '../control/supervisor';
import { sessionJson } from '../control/session-record';
import { MAX_BODY_CHARS as MAX_REPLY_CHARS } from '../email/actions';
import { emailIdSchema } from '../email/ids';
import { replyForm } from '../email/reply';
import type { MailService } from '../email/service';
import { PluginError } from '../errors';
import type { UserRoles } from '../roles';
import type { WorktreeService } from '../worktree/service';
import type { AssistantTool } from './chat';

/** Runs a plugin's action for a user, as the session does for a click (see Session.runPluginAction). */
export type ActionRunner = (
  userId: string,
  pluginId: string,
  action: string,
  payload: Record<string, unknown>,
) => Promise<{ status: 'success' | 'error'; error?: { code: string; message: string } }>;

export interface ToolDeps {
  mail: MailService;
  agents: AgentSupervisor;
  worktrees: WorktreeService;
  runAction: ActionRunner;
  /** Whose worktrees a user may see and manage (theirs; an administrator's: all). */
  roles: UserRoles;
}

/** How much of each message's text `mail_get` hands to Claude. */
const MAX_BODY_CHARS = 4_000;
// The ids the Email and Agents plugins accept themselves: a tool refuses what their actions would.
const emailId = emailIdSchema.describe('The id of a message, from mail_list');
const agentId = agentIdSchema.describe('An agent id, from agent_list');

function tool<I>(definition: AssistantTool<I>): AssistantTool<I> {
  return definition;
}

/** An action's failure becomes the tool's failure, in the action's own words. */
async function act(deps: ToolDeps, userId: string, pluginId: string, action: string, payload: Record<string, unknown>): Promise<void> {
  const result = await deps.runAction(userId, pluginId, action, payload);
  if (result.status === 'error') throw new PluginError('CONFLICT', result.error?.message ?? `${action} failed`);
}

/** A tool that is one Email action on one message. */
function emailAction(deps: ToolDeps, name: string, action: string, description: string, resultKey: string): AssistantTool<{ email_id: string }> {
  return tool({
    name,
    description,
    input: z.object({ email_id: emailId }),
    needsApproval: false,
    async run(userId, input) {
      await act(deps, userId, 'email', action, { email_id: input.email_id });
      return { [resultKey]: input.email_id };
    },
  });
}

export function createAssistantTools(deps: ToolDeps): AssistantTool[] {
  const threadOf = async (userId: string, emailId: string) => (await deps.mail.providerFor(userId)).thread(emailId);
  return [
    tool({
      name: 'mail_list',
      description: "List messages in the user's inbox, newest first. `query` filters (words, from:, to:, subject:, is:unread). The Email inbox shows the same search.",
      input: z.object({ query: z.string().max(500).optional(), page_size: z.number().int().min(1).max(25).optional() }),
      needsApproval: false,
      async run(userId, input) {
        const provider = await deps.mail.providerFor(userId);
        const page = await provider.list({ query: input.query ?? '', pageToken: null, pageSize: input.page_size ?? 10 });
        // The inbox screen follows the search; its failure does not fail the listing.
        await deps.runAction(userId, 'email', 'search', { query: input.query ?? '' }).catch(() => undefined);
        return { messages: page.messages.map(({ id, from, subject, snippet, date, unread }) => ({ id, from, subject, snippet, date, unread })), more: page.nextPageToken !== null };
      },
    }),
    tool({
      name: 'mail_get',
      description: 'Read the thread that holds a message: every message with sender, date, subject and text.',
      input: z.object({ email_id: emailId }),
      needsApproval: false,
      async run(userId, input) {
        const thread = await threadOf(userId, input.email_id);
        return {
          subject: thread.subject,
          messages: thread.messages.map((m) => ({ id: m.id, from: m.from, to: m.to, date: m.date, subject: m.subject, unread: m.unread, body: m.body.slice(0, MAX_BODY_CHARS) })),
        };
      },
    }),
    tool({
      name: 'mail_reply',
      description: 'Send a reply to a message (to its sender, same subject, in its thread).',
      input: z.object({ email_id: emailId, body: z.string().min(1).max(MAX_REPLY_CHARS).describe('The text of the reply') }),
      needsApproval: true,
      async run(userId, input) {
        const thread = await threadOf(userId, input.email_id);
        const message = thread.messages.find((m) => m.id === input.email_id);
        if (!message) throw new PluginError('NOT_FOUND', `No message ${input.email_id}.`);
        const form = replyForm(message, deps.mail.account(userId).email);
        await act(deps, userId, 'email', 'send', { to: form.to, subject: form.subject, body: input.body, in_reply_to: input.email_id });
        return { sent: true, to: form.to, subject: form.subject };
      },
    }),
    emailAction(deps, 'mail_archive', 'archive', 'Archive a message (take it out of the inbox).', 'archived'),
    emailAction(deps, 'mail_mark_read', 'mark_read', 'Mark a message as read.', 'marked_read'),
    tool({
      name: 'agent_list',
      description: 'List the configured coding agents with the status of the user\'s latest session of each.',
      input: z.object({}),
      needsApproval: false,
      async run(userId) {
        return {
          agents: deps.agents.definitions.map((d) => {
            const latest = deps.agents.latest(userId, d.id);
            return { id: d.id, name: d.name, role: d.role, description: d.description ?? null, status: latest?.status ?? 'idle' };
          }),
        };
      },
    }),
    tool({
      name: 'agent_start',
      description: 'Start a coding agent with a prompt, optionally in a worktree (a path from worktree_list or worktree_create).',
      input: z.object({ agent_id: agentId, prompt: z.string().max(20_000).optional(), worktree: z.string().max(4096).optional() }),
      // A started agent runs tools of its own in the repository: the user says yes first.
      needsApproval: true,
      async run(userId, input, signal) {
        const session = await deps.agents.start(userId, input.agent_id, { prompt: input.prompt, worktree: input.worktree ?? null, signal });
        return { session: sessionJson(session) };
      },
    }),
    tool({
      name: 'agent_stop',
      description: "Stop the user's running session of an agent.",
      input: z.object({ agent_id: agentId }),
      needsApproval: true,
      async run(userId, input) {
        return { session: sessionJson(deps.agents.stop(userId, input.agent_id)) };
      },
    }),
    tool({
      name: 'agent_input',
      description: 'Send the next instruction to a running agent.',
      input: z.object({ agent_id: agentId, input: z.string().min(1).max(20_000) }),
      needsApproval: false,
      async run(userId, input) {
        const accepted = deps.agents.input(userId, input.agent_id, input.input);
        return { accepted: true, seq: accepted.seq };
      },
    }),
    tool({
      name: 'worktree_list',
      description: 'List the git worktrees of the repository that the user may use (branch, agent, task, modified or not).',
      input: z.object({}),
      needsApproval: false,
      async run(userId, _input, signal) {
        const list = await deps.worktrees.list(deps.roles.actor(userId), { signal });
        return { worktrees: list.map((w) => ({ path: w.path, branch: w.branch, is_main: w.isMain, agent: w.agentName, task: w.taskId, title: w.taskTitle, dirty: w.dirty })) };
      },
    }),
    tool({
      name: 'worktree_create',
      description: 'Create a git worktree (and branch agent/<agent>/<task>-<title>) for an agent and a task.',
      input: z.object({ agent_name: z.string().max(64), task_id: z.string().max(64), task_title: z.string().max(200).optional(), base_branch: z.string().max(200).optional() }),
      needsApproval: false,
      async run(userId, input, signal) {
        const created = await deps.worktrees.create(
          deps.roles.actor(userId),
          { agentName: input.agent_name, taskId: input.task_id, taskTitle: input.task_title, baseBranch: input.base_branch },
          { signal },
        );
        return { path: created.path, branch: created.branch, branch_created: created.branchCreated };
      },
    }),
    tool({
      name: 'worktree_remove',
      description: 'Remove a worktree; `force` discards uncommitted changes, `delete_branch` deletes its branch too.',
      input: z.object({ path: z.string().min(1).max(4096), force: z.boolean().optional(), delete_branch: z.boolean().optional() }),
      needsApproval: true,
      async run(userId, input, signal) {
        return await deps.worktrees.remove(deps.roles.actor(userId), input.path, { force: input.force, deleteBranch: input.delete_branch, signal });
      },
    }),
  ];
}
