/**
 * The plugins of the product, in header order. Adding a plugin is adding its folder and one line here.
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

const SECTIONS = [
  {
    id: 'email',
    title: 'Email',
    description: 'Your mailbox: read, search, reply, and draft replies with Claude.',
    path: '/email/inbox',
    routes: [
      { state: 'EMAIL_INBOX', path: '/email/inbox' },
      { state: 'EMAIL_THREAD', path: '/email/thread/:id' },
      { state: 'EMAIL_COMPOSE', path: '/email/compose' },
    ],
  },
  {
    id: 'control',
    title: 'Agents',
    description: 'Coding agents: start, watch, steer, stop and resume them.',
    path: '/agents',
    routes: [
      { state: 'AGENTS', path: '/agents' },
      { state: 'AGENT_DETAIL', path: '/agents/:id' },
    ],
  },
  {
    id: 'worktree',
    title: 'Worktrees',
    description: 'Git worktrees per agent and task.',
    path: '/worktrees',
    routes: [
      { state: 'WORKTREES', path: '/worktrees' },
      { state: 'WORKTREE_NEW', path: '/worktrees/new' },
    ],
  },
];

/** The long-lived services the plugins share; `server/main.ts` opens and closes them. */
export interface PluginServices {
  worktrees: WorktreeService;
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
  return [
    createDashboardPlugin(SECTIONS) as Plugin,
    createEmailPlugin(services.mail) as Plugin,
    createControlPlugin(services.agents) as Plugin,
    createWorktreePlugin(services.worktrees) as Plugin,
    createAssistantPlugin(services.ai) as Plugin,
  ];
}
