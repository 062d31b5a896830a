/**
 * The plugins of the product, in header order. Adding a plugin is adding its folder and one line here
 * (two, with a dashboard card: its line in DESCRIPTIONS).
 * The services (git, processes, mailboxes) are opened by `server/main.ts` and shared by every user's
 * session; a plugin gets the ones it needs.
 */
import type { ProviderPool } from './ai/providers';
import type { ApprovalBroker } from './assistant/approvals';
import type { Assistant } from './assistant/chat';
import type { ConversationStore } from './assistant/history';
import { createAssistantPlugin } from './assistant/plugin';
import { createControlPlugin } from './control/plugin';
import type { AgentSupervisor } from './control/supervisor';
import { createDashboardPlugin } from './dashboard/plugin';
import { createEmailPlugin } from './email/plugin';
import type { MailService } from './email/service';
import type { Plugin } from './types';
import { createWorktreePlugin } from './worktree/plugin';
import type { WorktreeService } from './worktree/service';
import type { ReviewService } from './worktree/review/service';
import type { WorktreeSessions } from './control/worktree-sessions';

/** The dashboard's words for each section; the cards take their title and path from the plugin's `nav`. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  email: 'Your mailbox: read, search, reply, and draft replies with Claude.',
  control: 'Coding agents: start, watch, steer, stop and resume them.',
  worktree: 'Git worktrees per agent and task.',
};

/** The long-lived services the plugins share; `server/main.ts` opens and closes them. */
export interface PluginServices {
  worktrees: WorktreeService;
  /** A worktree's diff, commit, merge, discard and pull request (worktree/review/). */
  review: ReviewService;
  /** Agent sessions seen from a worktree (the review's default texts, comments sent to the agent). */
  worktreeSessions: WorktreeSessions;
  /** The agent sessions supervisor (processes, logs, records). */
  agents: AgentSupervisor;
  /** Mailboxes (local or Gmail), Google sign-in and Claude drafts. */
  mail: MailService;
  /** Claude providers, the assistant, its conversations and its approvals. */
  ai: AssistantServices;
}

export interface AssistantServices {
  pool: ProviderPool;
  history: ConversationStore;
  approvals: ApprovalBroker;
  assistant: Assistant;
}

export function createPlugins(services: PluginServices): Plugin[] {
  const plugins = [
    createEmailPlugin(services.mail) as Plugin,
    createControlPlugin(services.agents) as Plugin,
    createWorktreePlugin(services.worktrees) as Plugin,
    createAssistantPlugin(services.ai) as Plugin,
  ];
  const sections = plugins.flatMap((plugin) => {
    const description = DESCRIPTIONS[plugin.id];
    return plugin.nav && description ? [{ id: plugin.id, title: plugin.nav.label, path: plugin.nav.path, description }] : [];
  });
  return [createDashboardPlugin(sections) as Plugin, ...plugins];
}
