/**
 * The plugins of the product, in header order. Adding a plugin is adding its folder and one line here.
 * The services (git, processes, mailboxes) are opened by `server/main.ts` and shared by every user's
 * session; a plugin gets the ones it needs.
 */
import { createDashboardPlugin } from './dashboard/plugin';
import { createPlaceholderPlugin } from './placeholder';
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
}

/** A section not built yet: its routes and a card saying what will be there. */
function placeholder(id: string): Plugin {
  const s = SECTIONS.find((section) => section.id === id)!;
  return createPlaceholderPlugin({
    id: s.id,
    title: s.title,
    nav: { label: s.title, path: s.path },
    routes: s.routes,
    description: `${s.description} (This plugin is not built yet.)`,
  }) as Plugin;
}

export function createPlugins(services: PluginServices): Plugin[] {
  return [
    createDashboardPlugin(SECTIONS) as Plugin,
    placeholder('email'),
    placeholder('control'),
    createWorktreePlugin(services.worktrees) as Plugin,
  ];
}
