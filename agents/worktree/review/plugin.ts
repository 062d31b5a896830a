/**
 * The review screens' plugin: routes `/worktrees/review/:key` and `/worktrees/compare/:left/:right`,
 * and the actions that read and act on a worktree's changes through the ReviewService. The user state
 * holds what was read, by worktree key (shared by the user's tabs); each tab keeps only its form epoch.
 *
 * `enter` reads the worktree a route shows; actions act on the route's worktree and read it again.
 * Background refreshes: when the worktrees change (a commit, a merge, another tab, the REST API) and
 * when an agent working in a reviewed worktree ends a turn (its changes are on disk then).
 */
import { z } from 'zod';
import { updateInBackground } from '../../background';
import type { WorktreeSessions } from '../../control/worktree-sessions';
import type { AgentSupervisor } from '../../control/supervisor';
import { PluginError } from '../../errors';
import { reuseUnchanged } from '../../reuse';
import { actionsOf, type ActionResult, type Plugin, type PluginHost, type RouteMatch, type SideEffect } from '../../types';
import type { UserRoles } from '../../roles';
import { WorktreeService, type Worktree } from '../service';
import { quotedLines } from './diff-lines';
import { MERGE_STRATEGIES } from './merge';
import { DIFF_AGAINST, type ChangeList, type DiffAgainst } from './model';
import type { ReviewService } from './service';
import { INITIAL_REVIEW_STATE, NEW_REVIEW_TAB, withEntry, withoutEntry, type ComparedWorktree, type ReviewedWorktree, type ReviewState, type ReviewTab } from './state';
import { createReviewView } from './view';

const KEY = /^[0-9a-f]{16}$/;
/** A picker's selection arrives as a one-item list. */
const strategySchema = z.union([z.enum(MERGE_STRATEGIES), z.array(z.enum(MERGE_STRATEGIES)).length(1)]).transform((v) => (Array.isArray(v) ? v[0]! : v));
const optionalText = z.string().max(10_000).optional();
const fileSchema = z.object({ file: z.string().min(1).max(4096) });

export interface ReviewPluginDeps {
  review: ReviewService;
  worktrees: WorktreeService;
  sessions: WorktreeSessions;
  supervisor: AgentSupervisor;
  /** Whose worktrees a user may review (theirs; an administrator's: all). */
  roles: UserRoles;
}

function given(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}

function toast(variant: 'success' | 'info' | 'error', message: string): SideEffect {
  return { type: 'toast', variant, message };
}

/** The list with unchanged files identical to last time's (their rows are skipped by the view). */
function keepFiles<T extends ChangeList>(previous: ChangeList | undefined, next: T): T {
  if (!previous) return next;
  const files = reuseUnchanged(previous.files, next.files, (f) => f.path) as T['files'];
  return files === next.files ? next : { ...next, files };
}

export function createReviewPlugin(deps: ReviewPluginDeps): Plugin<ReviewState, ReviewTab> {
  const { review, worktrees, sessions, supervisor, roles } = deps;
  const refreshing = new Set<string>();
  const again = new Set<string>();

  /** The worktree a screen's key names, if the user may see it. */
  const byKey = async (userId: string, key: string): Promise<Worktree> => {
    const found = KEY.test(key) ? (await worktrees.list(roles.actor(userId))).find((w) => WorktreeService.keyOf(w.path) === key) : undefined;
    if (!found) throw new PluginError('NOT_FOUND', 'No such worktree.');
    return found;
  };

  /** Reads a worktree for the screen: its changes, a page of one file (the one asked, else the first), its pull request. */
  async function read(userId: string, worktree: Worktree, options: { against?: DiffAgainst; file?: string | null; page?: number; previous?: ReviewedWorktree; pr?: boolean } = {}): Promise<ReviewedWorktree> {
    const previous = options.previous;
    const against = options.against ?? previous?.against ?? (worktree.dirty ? 'head' : 'base');
    const changes = keepFiles(previous?.changes, await review.changes(userId, worktree.path, { against }));
    const wanted = options.file ?? previous?.diff?.file.path;
    const file = changes.files.find((f) => f.path === wanted) ?? changes.files[0];
    const diff = file ? await review.fileDiff(userId, worktree.path, { against, file: file.path, page: options.page ?? 1 }) : null;
    const pr = options.pr === false && previous ? previous.pr : await review.pullRequest(userId, worktree.path);
    const base = (await worktrees.known(roles.actor(userId))).find((w) => w.isMain)?.branch ?? null;
    return { key: WorktreeService.keyOf(worktree.path), worktree: changes.worktree, base, against, changes, diff, pr };
  }

  const compared = async (userId: string, worktree: Worktree): Promise<ComparedWorktree> => {
    const changes = await review.changes(userId, worktree.path, { against: 'base' });
    return { key: WorktreeService.keyOf(worktree.path), worktree: changes.worktree, changes };
  };

  /** The review the route shows (an action acts on it). */
  const reviewed = (state: ReviewState, route: RouteMatch): ReviewedWorktree => {
    const key = route.params.key ?? '';
    if (!Object.hasOwn(state.reviews, key)) throw new PluginError('CONFLICT', "Open a worktree's review first.");
    return state.reviews[key]!;
  };

  /** The state with `next` read for its key (and its failure, if any, forgotten). */
  const withReview = (state: ReviewState, next: ReviewedWorktree): ReviewState => ({ ...state, reviews: withEntry(state.reviews, next.key, next), failed: withoutEntry(state.failed, next.key) });

  /** Re-reads a shown review in the background, keeping its file and page; one at a time per key, once more when asked meanwhile. */
  function refresh(host: PluginHost<ReviewState>, shown: ReviewedWorktree): void {
    const id = `${host.userId}\u0000${shown.key}`;
    if (refreshing.has(id)) {
      again.add(id);
      return;
    }
    refreshing.add(id);
    byKey(host.userId, shown.key)
      .then((worktree) => read(host.userId, worktree, { previous: shown, page: shown.diff?.page, pr: false }))
      .then(
        // Only over the review it read from: an action that replaced it meanwhile read the worktree later.
        (next) => host.update((s) => (s.reviews[shown.key] === shown ? withReview(s, next) : s)),
        (error: unknown) => {
          if (!(error instanceof PluginError)) console.error('[review] refresh failed:', error);
          // A worktree removed meanwhile: the screen says so.
          return host.update((s) => (s.reviews[shown.key] === shown ? { ...s, reviews: withoutEntry(s.reviews, shown.key), failed: withEntry(s.failed, shown.key, error instanceof PluginError ? error.message : 'The worktree could not be read.') } : s));
        },
      )
      .catch((error: unknown) => console.error('[review] background update failed:', error))
      .finally(() => {
        refreshing.delete(id);
        if (again.delete(id)) updateInBackground(host, 'review', (s) => (Object.hasOwn(s.reviews, shown.key) && refresh(host, s.reviews[shown.key]!), s));
      });
  }

  /** Refreshes the shown reviews `which` picks. The recipe only looks (it returns the state as it is). */
  const refreshWhere = (host: PluginHost<ReviewState>, which: (shown: ReviewedWorktree) => boolean) =>
    updateInBackground(host, 'review', (s) => {
      for (const shown of Object.values(s.reviews)) if (which(shown)) refresh(host, shown);
      return s;
    });

  const action = actionsOf<ReviewState, ReviewTab>();

  /** An action that re-reads the route's review after doing `act` (which answers its toast). */
  const acting = <P>(schema: z.ZodType<P, unknown>, act: (input: { shown: ReviewedWorktree; payload: P; userId: string }) => Promise<{ toast: SideEffect; options?: Parameters<typeof read>[2]; bumpForm?: boolean }>) =>
    action(schema, async ({ state, view, payload, host, route }): Promise<ActionResult<ReviewState, ReviewTab>> => {
      const shown = reviewed(state, route);
      const done = await act({ shown, payload, userId: host.userId });
      const next = await read(host.userId, await byKey(host.userId, shown.key), { previous: shown, pr: false, ...done.options });
      return {
        state: { ...withReview(state, next), selections: withoutEntry(state.selections, shown.key) },
        ...(done.bumpForm ? { view: { formEpoch: view.formEpoch + 1 } } : {}),
        sideEffects: [done.toast],
      };
    });

  /** An action that reads the route's review again with other options (another comparison, file, page). */
  const rereading = <P>(schema: z.ZodType<P, unknown>, options: (payload: P, shown: ReviewedWorktree) => Parameters<typeof read>[2]) =>
    action(schema, async ({ state, payload, route, host }) => {
      const shown = reviewed(state, route);
      return { state: withReview(state, await read(host.userId, await byKey(host.userId, shown.key), { previous: shown, pr: false, ...options(payload, shown) })) };
    });

  return {
    id: 'review',
    title: 'Review',
    routes: [
      { state: 'WORKTREE_REVIEW', path: '/worktrees/review/:key' },
      { state: 'WORKTREE_COMPARE', path: '/worktrees/compare/:left/:right' },
    ],
    actions: {
      review_against: rereading(z.object({ against: z.enum(DIFF_AGAINST) }), (p) => ({ against: p.against, file: null })),
      review_open_file: rereading(fileSchema, (p, shown) => {
        if (!shown.changes.files.some((f) => f.path === p.file)) throw new PluginError('NOT_FOUND', 'That file has no changes any more.');
        return { file: p.file };
      }),
      review_page: rereading(z.object({ page: z.number().int().min(1).max(1_000_000) }), (p, shown) => ({ page: p.page, file: shown.diff?.file.path ?? null })),
      review_refresh: rereading(z.object({}), (_p, shown) => ({ page: shown.diff?.page, pr: true })),
      review_pick_line: action(z.object({ line: z.number().int().min(0).max(100_000_000) }), ({ state, payload, route }) => {
        const shown = reviewed(state, route);
        const file = shown.diff?.file.path;
        if (!file || payload.line === 0) return {};
        const s = Object.hasOwn(state.selections, shown.key) ? state.selections[shown.key] : undefined;
        const line = payload.line;
        // First pick: one line. A second pick in the same file: the lines between. A third: start over.
        const selection = s && s.file === file && s.from === s.to && line !== s.from ? { file, from: Math.min(s.from, line), to: Math.max(s.from, line) } : { file, from: line, to: line };
        return { state: { ...state, selections: withEntry(state.selections, shown.key, selection) } };
      }),
      review_clear_selection: action(z.object({}), ({ state, route }) => ({ state: { ...state, selections: withoutEntry(state.selections, reviewed(state, route).key) } })),
      review_comment: action(z.object({ comment: z.string().max(20_000) }), async ({ state, view, payload, host, route }) => {
        const shown = reviewed(state, route);
        const s = Object.hasOwn(state.selections, shown.key) ? state.selections[shown.key] : undefined;
        const comment = payload.comment.trim();
        if (!s) throw new PluginError('INVALID_INPUT', 'Pick the lines to comment on first.');
        if (!comment) throw new PluginError('INVALID_INPUT', 'Write a comment first.');
        const range = s.from === s.to ? `line ${s.from}` : `lines ${s.from}-${s.to}`;
        const text = [`Review comment on ${s.file}, ${range}:`, ...quotedLines(shown.diff, s), '', comment].join('\n');
        const sent = await sessions.send(host.userId, shown.worktree.path, text);
        const name = supervisor.definition(sent.agentId).name;
        return {
          state: { ...state, selections: withoutEntry(state.selections, shown.key) },
          view: { formEpoch: view.formEpoch + 1 },
          sideEffects: [toast('success', sent.resumed ? `Resumed ${name} with your comment.` : `Sent your comment to ${name}.`)],
        };
      }),
      review_commit: acting(z.object({ message: optionalText }), async ({ shown, payload, userId }) => {
        const result = await review.commit(userId, shown.worktree.path, { message: given(payload.message) });
        return { toast: toast('success', `Committed ${result.files.length} file${result.files.length === 1 ? '' : 's'} (${result.commit.slice(0, 7)}).`), bumpForm: true };
      }),
      review_merge: acting(z.object({ strategy: strategySchema, message: optionalText }), async ({ shown, payload, userId }) => {
        const result = await review.merge(userId, shown.worktree.path, { strategy: payload.strategy, message: given(payload.message) });
        const how = payload.strategy === 'ff' ? 'Fast-forwarded' : payload.strategy === 'squash' ? 'Squash-merged' : 'Merged';
        return { toast: toast('success', `${how} ${result.branch} into ${result.base} (${result.commit.slice(0, 7)}).`), bumpForm: true };
      }),
      /** Sent by renderers whose Modal trigger is an ordinary button; the dialog opens on the client. */
      review_confirm_discard: action(z.object({ file: z.string().max(4096) }), () => ({})),
      review_discard: acting(fileSchema, async ({ shown, payload, userId }) => {
        await review.discard(userId, shown.worktree.path, { files: [payload.file] });
        return { toast: toast('info', `Discarded the changes to ${payload.file}.`) };
      }),
      review_open_pr: acting(z.object({}), async ({ shown, userId }) => {
        const opened = await review.openPullRequest(userId, shown.worktree.path, {});
        return { toast: toast('success', opened.created ? `Opened ${opened.url}` : `Pushed; the pull request is ${opened.url}`), options: { pr: true } };
      }),
    },

    init(host) {
      // A commit, a merge, a discard (here, in another tab, over REST) or a new worktree: read again.
      host.onClose(worktrees.onChange(roles.actor(host.userId), () => refreshWhere(host, () => true)));
      // An agent in a reviewed worktree ended a turn: its changes are on disk now.
      host.onClose(
        supervisor.subscribe(host.userId, (event, record) => {
          if (event.type === 'result' || event.type === 'exit') refreshWhere(host, (shown) => shown.worktree.path === record.worktree);
        }),
      );
      return INITIAL_REVIEW_STATE;
    },
    initView: () => NEW_REVIEW_TAB,

    /** Reads what the route shows: the worktree (again, each time a tab enters), or the two compared. */
    async enter({ state, route, host }) {
      if (route.state === 'WORKTREE_COMPARE') {
        const left = route.params.left ?? '';
        const right = route.params.right ?? '';
        const keys = `${left}:${right}`;
        try {
          const [l, r] = await Promise.all([byKey(host.userId, left).then((w) => compared(host.userId, w)), byKey(host.userId, right).then((w) => compared(host.userId, w))]);
          return { state: { ...state, compares: withEntry(state.compares, keys, { left: l, right: r }), failed: withoutEntry(state.failed, keys) } };
        } catch (error) {
          if (!(error instanceof PluginError)) throw error;
          return { state: { ...state, failed: withEntry(state.failed, keys, error.message) } };
        }
      }
      const key = route.params.key ?? '';
      try {
        const previous = Object.hasOwn(state.reviews, key) ? state.reviews[key] : undefined;
        return { state: withReview(state, await read(host.userId, await byKey(host.userId, key), { previous, page: previous?.diff?.page })) };
      } catch (error) {
        if (!(error instanceof PluginError)) throw error;
        return { state: { ...state, reviews: withoutEntry(state.reviews, key), failed: withEntry(state.failed, key, error.message) } };
      }
    },
    createView: createReviewView,
  };
}
