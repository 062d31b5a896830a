/**
 * The Worktree plugin: the screens over the WorktreeService (the REST API in server/routes uses the
 * same service). Every user sees the repository's worktrees; a change made by anyone (a screen, the
 * REST API, an agent) reaches every session through the service's change listener.
 */
import { z } from 'zod';
import { updateInBackground } from '../background';
import { reuseUnchanged } from '../reuse';
import type { Plugin, PluginHost } from '../types';
import { WorktreeService, type Worktree } from './service';
import { createWorktreeView, type WorktreeViewState } from './view';

export type WorktreeState = WorktreeViewState;

/** Payload limits are generous; names.ts applies the real rules with a message naming the rule. */
const optionalText = z.string().max(300).optional();
const ACTIONS = {
  open_worktree: z.object({ path: z.string().max(4096) }),
  create_worktree: z.object({
    agent_name: z.string().max(300),
    task_id: z.string().max(300),
    task_title: optionalText,
    base_branch: optionalText,
  }),
  remove_worktree: z.object({ path: z.string().min(1).max(4096), force: z.boolean().optional(), delete_branch: z.boolean().optional() }),
  refresh_worktrees: z.object({}),
};

type Payload<K extends keyof typeof ACTIONS> = z.infer<(typeof ACTIONS)[K]>;

/** An empty string from a form field means "not given". */
function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function createWorktreePlugin(service: WorktreeService): Plugin<WorktreeState> {
  /** The new list, keeping unchanged worktrees identical: the view's row memo rebuilds only changed rows. */
  const withList = (state: WorktreeState, list: readonly Worktree[]): WorktreeState => {
    const worktrees = reuseUnchanged(state.worktrees, list, (worktree) => worktree.path);
    return worktrees === state.worktrees ? state : { ...state, worktrees };
  };

  return {
    id: 'worktree',
    title: 'Worktree',
    nav: { id: 'worktree', label: 'Worktrees', path: '/worktrees', description: 'Git worktrees per agent and task.' },
    routes: [
      { state: 'WORKTREES', path: '/worktrees' },
      { state: 'WORKTREE_NEW', path: '/worktrees/new' },
    ],
    actions: ACTIONS,

    async init(host: PluginHost<WorktreeState>) {
      const state: WorktreeState = {
        enabled: service.enabled,
        disabledReason: service.disabledReason,
        worktrees: service.enabled ? await service.known() : [],
        openKey: null,
        removeErrors: {},
        formEpoch: 0,
      };
      host.onClose(service.onChange((list) => updateInBackground(host, 'worktree', (current) => withList(current, list))));
      return state;
    },

    async handle({ state, action, host }) {
      service.assertEnabled();
      switch (action.name) {
        case 'open_worktree': {
          const { path } = action.payload as Payload<'open_worktree'>;
          return { state: { ...state, openKey: path ? WorktreeService.keyOf(path) : null } };
        }
        case 'refresh_worktrees':
          return { state: withList(state, await service.list()) };
        case 'create_worktree': {
          const p = action.payload as Payload<'create_worktree'>;
          const created = await service.create({
            agentName: p.agent_name.trim(),
            taskId: p.task_id.trim(),
            taskTitle: given(p.task_title),
            baseBranch: given(p.base_branch),
          });
          return {
            // `known()` is the list the create just read: no second `git worktree list` and `git status` per worktree.
            state: { ...withList(state, await service.known()), formEpoch: state.formEpoch + 1 },
            sideEffects: [
              { type: 'toast', variant: 'success', message: `Created worktree ${created.branch}.` },
              { type: 'navigate', to: '/worktrees' },
            ],
          };
        }
        case 'remove_worktree': {
          const p = action.payload as Payload<'remove_worktree'>;
          const key = WorktreeService.keyOf(p.path);
          try {
            const removed = await service.remove(p.path, { force: p.force, deleteBranch: p.delete_branch });
            const { [key]: _cleared, ...removeErrors } = state.removeErrors;
            const what = removed.branchDeleted ? ` and deleted branch ${removed.branch ?? ''}` : '';
            return {
              state: { ...withList(state, await service.known()), removeErrors },
              sideEffects: [{ type: 'toast', variant: 'success', message: `Removed worktree ${removed.branch ?? removed.path}${what}.` }],
            };
          } catch (error) {
            // The dialog stays open over the page (and its toasts): say it inside the dialog too.
            const message = error instanceof Error ? error.message : String(error);
            updateInBackground(host, 'worktree', (current) => ({ ...current, removeErrors: { ...current.removeErrors, [key]: message } }));
            throw error;
          }
        }
        default:
          return {};
      }
    },

    createView: createWorktreeView,

    status: () => (service.enabled ? { status: 'ok' } : { status: 'disabled', detail: service.disabledReason ?? 'no repository' }),
  };
}
