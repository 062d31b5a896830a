/**
 * The Worktree plugin: the screens over the WorktreeService (the REST API in api.ts uses the same
 * service). A user sees the worktrees they created (an administrator sees all): the list is the
 * user's (every tab shows the same worktrees); which row is open, a removal dialog's error and the
 * create form are each tab's own. A change made anywhere (a screen, the REST API, the assistant)
 * reaches the views of the users who may see it, through the service's change listener. Git work
 * stops when the action's time limit passes.
 */
import { worktreeCard } from './card';
import { z } from 'zod';
import { updateInBackground } from '../background';
import { reuseUnchanged } from '../reuse';
import type { UserRoles } from '../roles';
import { actionsOf, type Plugin } from '../types';
import { WorktreeService, type Worktree } from './service';
import { createWorktreeView, NEW_TAB, type WorktreeState, type WorktreeTab } from './view';

export type { WorktreeState, WorktreeTab };

/** An empty string from a form field means "not given". */
function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The new list, keeping unchanged worktrees identical: the view's row memo rebuilds only changed rows. */
function withList(state: WorktreeState, list: readonly Worktree[]): WorktreeState {
  const worktrees = reuseUnchanged(state.worktrees, list, (worktree) => worktree.path);
  return worktrees === state.worktrees ? state : { ...state, worktrees };
}

/** Payload limits are generous; names.ts applies the real rules with a message naming the rule. */
const optionalText = z.string().max(300).optional();

export function createWorktreePlugin(service: WorktreeService, roles: UserRoles): Plugin<WorktreeState, WorktreeTab> {
  const action = actionsOf<WorktreeState, WorktreeTab>();
  const enabled = () => service.assertEnabled();

  return {
    id: 'worktree',
    title: 'Worktree',
    nav: { id: 'worktree', label: 'Worktrees', path: '/worktrees', description: 'Git worktrees per agent and task.', icon: 'folder' },
    routes: [
      { state: 'WORKTREES', path: '/worktrees' },
      { state: 'WORKTREE_NEW', path: '/worktrees/new' },
    ],
    actions: {
      open_worktree: action(z.object({ path: z.string().max(4096) }), ({ view, payload }) => {
        enabled();
        return { view: { ...view, openKey: payload.path ? WorktreeService.keyOf(payload.path) : null } };
      }),
      refresh_worktrees: action(z.object({}), async ({ state, host, signal }) => {
        enabled();
        return { state: withList(state, await service.list(roles.actor(host.userId), { signal })) };
      }),
      create_worktree: action(
        z.object({ agent_name: z.string().max(300), task_id: z.string().max(300), task_title: optionalText, base_branch: optionalText }),
        async ({ state, view, payload, host, signal }) => {
          enabled();
          const actor = roles.actor(host.userId);
          const created = await service.create(
            actor,
            { agentName: payload.agent_name.trim(), taskId: payload.task_id.trim(), taskTitle: given(payload.task_title), baseBranch: given(payload.base_branch) },
            { signal },
          );
          return {
            // `known()` is the list the create just read: no second `git worktree list` and `git status` per worktree.
            state: withList(state, await service.known(actor)),
            view: { ...view, formEpoch: view.formEpoch + 1 },
            sideEffects: [
              { type: 'toast', variant: 'success', message: `Created worktree ${created.branch}.` },
              { type: 'navigate', to: '/worktrees' },
            ],
          };
        },
      ),
      remove_worktree: action(
        z.object({ path: z.string().min(1).max(4096), force: z.boolean().optional(), delete_branch: z.boolean().optional() }),
        async ({ state, view, payload, host, tab, signal }) => {
          enabled();
          const actor = roles.actor(host.userId);
          const key = WorktreeService.keyOf(payload.path);
          try {
            const removed = await service.remove(actor, payload.path, { force: payload.force, deleteBranch: payload.delete_branch, signal });
            const { [key]: _cleared, ...removeErrors } = view.removeErrors;
            const what = removed.branchDeleted ? ` and deleted branch ${removed.branch ?? ''}` : '';
            return {
              state: withList(state, await service.known(actor)),
              view: { ...view, removeErrors },
              sideEffects: [{ type: 'toast', variant: 'success', message: `Removed worktree ${removed.branch ?? removed.path}${what}.` }],
            };
          } catch (error) {
            // The dialog stays open over the page (and its toasts): say it inside the dialog too.
            const message = error instanceof Error ? error.message : String(error);
            updateInBackground(tab, 'worktree', (current) => ({ ...current, removeErrors: { ...current.removeErrors, [key]: message } }));
            throw error;
          }
        },
      ),
    },

    async init(host) {
      const actor = roles.actor(host.userId);
      const state: WorktreeState = {
        enabled: service.enabled,
        disabledReason: service.disabledReason,
        worktrees: service.enabled ? await service.known(actor) : [],
      };
      host.onClose(service.onChange(actor, (list) => updateInBackground(host, 'worktree', (current) => withList(current, list))));
      return state;
    },
    initView: () => NEW_TAB,
    card: worktreeCard,
    createView: createWorktreeView,
  };
}
