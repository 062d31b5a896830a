/**
 * The Worktrees card on the dashboard, from the plugin's state (git's list, refreshed after every
 * change): how many worktrees, how many have uncommitted changes, and per worktree its branch with
 * its changed files and its commits ahead of and behind the main branch.
 */
import { column, keyedMemo, memo, row, text, type UiNode } from '../../renderer';
import type { PluginCard } from '../types';
import { WorktreeService, type Worktree } from './service';
import type { WorktreeState, WorktreeTab } from './view';

const SHOWN = 5;

/** `3 files changed · 2 ahead · 1 behind`, or `clean`. */
export function worktreeFacts(w: Worktree): string {
  const facts = [
    w.changedFiles ? `${w.changedFiles} file${w.changedFiles === 1 ? '' : 's'} changed` : null,
    w.ahead ? `${w.ahead} ahead` : null,
    w.behind ? `${w.behind} behind` : null,
  ].filter(Boolean);
  return facts.length ? facts.join(' · ') : 'clean';
}

export const worktreeCard: PluginCard<WorktreeState, WorktreeTab> = {
  createView() {
    const line = keyedMemo((key: string, branch: string, facts: string, dirty: boolean) =>
      row(`dashboard-card-worktree-${key}`, {
        align: 'center',
        children: [
          text(`dashboard-card-worktree-${key}-branch`, { text: branch, ...(dirty ? { variant: 'h5' as const } : {}) }),
          text(`dashboard-card-worktree-${key}-facts`, { text: facts, variant: 'caption' }),
        ],
      }),
    );
    const body = memo((enabled: boolean, reason: string | null, worktrees: readonly Worktree[]): UiNode => {
      if (!enabled) return text('dashboard-card-worktree-count', { text: reason ?? 'Worktrees are disabled.' });
      const others = worktrees.filter((w) => !w.isMain);
      const dirty = others.filter((w) => w.dirty).length;
      const rows = others.slice(0, SHOWN).map((w) => line(WorktreeService.keyOf(w.path), w.branch ?? w.head.slice(0, 7), worktreeFacts(w), w.dirty));
      line.sweep();
      const count = others.length === 0 ? 'No worktrees yet' : `${others.length} worktree${others.length === 1 ? '' : 's'}${dirty ? ` · ${dirty} with changes` : ''}`;
      return column('dashboard-card-worktree-summary', {
        children: [text('dashboard-card-worktree-count', { text: count, variant: 'h3' }), column('dashboard-card-worktree-list', { children: rows })],
      });
    });
    return (state) => body(state.enabled, state.disabledReason, state.worktrees);
  },
};
