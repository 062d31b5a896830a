/**
 * The review screens' plugin: routes `/worktrees/review/:key` and `/worktrees/compare/:left/:right`,
 * and the actions that read and act on a worktree's changes through the ReviewService.
 *
 * What a screen shows is read when it is asked for: by an action (open_review, a file, a page), or,
 * for a route reached by a link, a reload or Back, by the view noticing the gap (the loader; see
 * email/loader.ts for why the view is what notices). Background refreshes: when the worktrees change
 * (a commit, a merge, another tab) and when an agent working in the reviewed worktree ends a turn.
 */
import { z } from 'zod';
import { updateInBackground } from '../../background';
import type { WorktreeSessions } from '../../control/worktree-sessions';
import type { AgentSupervisor } from '../../control/supervisor';
import { PluginError } from '../../errors';
import { reuseUnchanged } from '../../reuse';
import type { HandleResult, Plugin, PluginHost, SideEffect } from '../../types';
import { WorktreeService, type Worktree } from '../service';
import { quotedLines } from './diff-lines';
import { MERGE_STRATEGIES, type MergeStrategy } from './merge';
import { DIFF_AGAINST, type ChangeList, type DiffAgainst } from './model';
import type { ReviewService } from './service';
import { INITIAL_REVIEW_STATE, type ComparedWorktree, type ReviewedWorktree, type ReviewState } from './state';
import { createReviewView } from './view';

const keySchema = z.string().regex(/^[0-9a-f]{16}$/);
/** A picker's selection arrives as a one-item list. */
const strategySchema = z.union([z.enum(MERGE_STRATEGIES), z.array(z.enum(MERGE_STRATEGIES)).length(1)]).transform((v) => (Array.isArray(v) ? v[0]! : v));
const optionalText = z.string().max(10_000).optional();

const ACTIONS = {
  open_review: z.object({ path: z.string().min(1).max(4096) }),
  compare_worktrees: z.object({ left: z.string().min(1).max(4096), right: z.string().min(1).max(4096) }),
  review_against: z.object({ against: z.enum(DIFF_AGAINST) }),
  review_open_file: z.object({ file: z.string().min(1).max(4096) }),
  review_page: z.object({ page: z.number().int().min(1).max(1_000_000) }),
  review_refresh: z.object({}),
  review_pick_line: z.object({ line: z.number().int().min(0).max(100_000_000) }),
  review_clear_selection: z.object({}),
  review_comment: z.object({ comment: z.string().max(20_000) }),
  review_commit: z.object({ message: optionalText }),
  review_merge: z.object({ strategy: strategySchema, message: optionalText }),
  /** Sent by renderers whose Modal trigger is an ordinary button; the dialog opens on the client. */
  review_confirm_discard: z.object({ file: z.string().max(4096) }),
  review_discard: z.object({ file: z.string().min(1).max(4096) }),
  review_open_pr: z.object({}),
};

export interface ReviewPluginDeps {
  review: ReviewService;
  worktrees: WorktreeService;
  sessions: WorktreeSessions;
  supervisor: AgentSupervisor;
}

function given(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}

function toast(variant: 'success' | 'info' | 'error', message: string): SideEffect {
  return { type: 'toast', variant, message };
}

export function createReviewPlugin(deps: ReviewPluginDeps): Plugin<ReviewState> {
  const { review, worktrees, sessions, supervisor } = deps;
  const hosts = new Map<string, Set<PluginHost<ReviewState>>>();
  const inFlight = new Set<string>();
  const again = new Map<string, () => void>();

  const byKey = async (key: string): Promise<Worktree> => {
    const found = (await worktrees.list()).find((w) => WorktreeService.keyOf(w.path) === key);
    if (!found) throw new PluginError('NOT_FOUND', 'No such worktree.');
    return found;
  };
  const byPath = async (worktreePath: string): Promise<Worktree> => byKey(WorktreeService.keyOf(worktreePath));
  const mainBranch = async (): Promise<string | null> => (await worktrees.known()).find((w) => w.isMain)?.branch ?? null;

  /** Reads a worktree for the screen: its changes, a page of one file (the one asked, else the first), its pull request. */
  async function read(worktree: Worktree, options: { against?: DiffAgainst; file?: string | null; page?: number; previous?: ReviewedWorktree | null; pr?: boolean } = {}): Promise<ReviewedWorktree> {
    const key = WorktreeService.keyOf(worktree.path);
    const previous = options.previous?.key === key ? options.previous : null;
    const against = options.against ?? previous?.against ?? (worktree.dirty ? 'head' : 'base');
    const changes = keepFiles(previous?.changes, await review.changes(worktree.path, { against }));
    const wanted = options.file ?? previous?.diff?.file.path;
    const file = changes.files.find((f) => f.path === wanted) ?? changes.files[0];
    const diff = file ? await review.fileDiff(worktree.path, { against, file: file.path, page: options.page ?? 1 }) : null;
    const pr = options.pr === false && previous ? previous.pr : await review.pullRequest(worktree.path);
    return { key, worktree: changes.worktree, base: await mainBranch(), against, changes, diff, pr };
  }

  /** The new list with unchanged files identical to last time's (their rows are skipped by the view). */
  function keepFiles<T extends ChangeList>(previous: ChangeList | undefined, next: T): T {
    if (!previous) return next;
    const files = reuseUnchanged(previous.files, next.files, (f) => f.path) as T['files'];
    return files === next.files ? next : { ...next, files };
  }

  const compared = async (worktree: Worktree): Promise<ComparedWorktree> => {
    const changes = await review.changes(worktree.path, { against: 'base' });
    return { key: WorktreeService.keyOf(worktree.path), worktree: changes.worktree, changes };
  };

  /**
   * A background read for one user: at most one per user and target at a time. A refresh asked for
   * while one runs runs once more after it (the worktree may have changed after that read began).
   */
  function load(host: PluginHost<ReviewState>, target: string, run: () => Promise<(s: ReviewState) => ReviewState>): void {
    const id = `${host.userId}\u0000${target}`;
    if (inFlight.has(id)) {
      if (target.startsWith('refresh:')) again.set(id, () => load(host, target, run));
      return;
    }
    inFlight.add(id);
    queueMicrotask(() => {
      run()
        .then(
          (recipe) => host.update(recipe),
          (error: unknown) => {
            const message = error instanceof PluginError ? error.message : 'The worktree could not be read.';
            if (!(error instanceof PluginError)) console.error('[review] load failed:', error);
            return host.update((s) => ({ ...s, failed: { key: target, message } }), [toast('error', message)]);
          },
        )
        .catch((error: unknown) => console.error('[review] background update failed:', error))
        .finally(() => {
          inFlight.delete(id);
          const next = again.get(id);
          again.delete(id);
          next?.();
        });
    });
  }

  const anyHost = (userId: string) => hosts.get(userId)?.values().next().value;

  function requestReview(userId: string, key: string): void {
    const host = anyHost(userId);
    if (!host || !keySchema.safeParse(key).success) {
      if (host) void host.update((s) => ({ ...s, failed: { key, message: 'No such worktree.' } }));
      return;
    }
    load(host, key, async () => {
      const current = await read(await byKey(key));
      return (s) => ({ ...s, current, failed: null, selection: null });
    });
  }

  function requestCompare(userId: string, left: string, right: string): void {
    const host = anyHost(userId);
    const keys = `${left}:${right}`;
    if (!host) return;
    load(host, keys, async () => {
      if (!keySchema.safeParse(left).success || !keySchema.safeParse(right).success) throw new PluginError('NOT_FOUND', 'No such worktree.');
      const [l, r] = await Promise.all([byKey(left).then(compared), byKey(right).then(compared)]);
      return (s) => ({ ...s, compare: { keys, left: l, right: r }, failed: null });
    });
  }

  /** Re-reads the worktree on screen, keeping the file and page, in the background. */
  function refreshCurrent(host: PluginHost<ReviewState>, state: ReviewState): void {
    const current = state.current;
    if (!current) return;
    load(host, `refresh:${current.key}`, async () => {
      const next = await read(await byKey(current.key), { previous: current, page: current.diff?.page, pr: false });
      // Only over the state it read from: an action that replaced it meanwhile (another file, the other
      // comparison, a commit) read the worktree after this one started.
      return (s) => (s.current === current ? { ...s, current: next } : s);
    });
  }

  return {
    id: 'review',
    title: 'Review',
    routes: [
      { state: 'WORKTREE_REVIEW', path: '/worktrees/review/:key' },
      { state: 'WORKTREE_COMPARE', path: '/worktrees/compare/:left/:right' },
    ],
    actions: ACTIONS,

    init(host) {
      let mine = hosts.get(host.userId);
      if (!mine) hosts.set(host.userId, (mine = new Set()));
      mine.add(host);
      host.onClose(() => {
        mine!.delete(host);
        if (mine!.size === 0 && hosts.get(host.userId) === mine) hosts.delete(host.userId);
      });
      // The recipes below only look at the state (which worktree is on screen) and start a background
      // read; they return it unchanged.
      // A commit, a merge, a discard (here, in another tab, over REST) or a new worktree: read again.
      host.onClose(worktrees.onChange(() => updateInBackground(host, 'review', (s) => (refreshCurrent(host, s), s))));
      // An agent in the reviewed worktree ended a turn: its changes are on disk now.
      host.onClose(
        supervisor.subscribe(host.userId, (event, record) => {
          if (event.type !== 'result' && event.type !== 'exit') return;
          updateInBackground(host, 'review', (s) => (s.current && record.worktree === s.current.worktree.path ? (refreshCurrent(host, s), s) : s));
        }),
      );
      return INITIAL_REVIEW_STATE;
    },

    async handle({ state, action, host }): Promise<HandleResult<ReviewState>> {
      const p = action.payload as Record<string, any>;
      const current = state.current;
      const need = (): ReviewedWorktree => {
        if (!current) throw new PluginError('CONFLICT', 'Open a worktree\'s review first.');
        return current;
      };
      switch (action.name) {
        case 'open_review': {
          const next = await read(await byPath(p.path as string));
          return { state: { ...state, current: next, failed: null, selection: null }, sideEffects: [{ type: 'navigate', to: `/worktrees/review/${next.key}` }] };
        }
        case 'compare_worktrees': {
          const [l, r] = await Promise.all([byPath(p.left as string).then(compared), byPath(p.right as string).then(compared)]);
          const keys = `${l.key}:${r.key}`;
          return { state: { ...state, compare: { keys, left: l, right: r } }, sideEffects: [{ type: 'navigate', to: `/worktrees/compare/${l.key}/${r.key}` }] };
        }
        case 'review_against': {
          const c = need();
          return { state: { ...state, current: await read(await byKey(c.key), { against: p.against as DiffAgainst, previous: c, pr: false }), selection: null } };
        }
        case 'review_open_file': {
          const c = need();
          if (!c.changes.files.some((f) => f.path === p.file)) throw new PluginError('NOT_FOUND', 'That file has no changes any more.');
          return { state: { ...state, current: await read(await byKey(c.key), { file: p.file as string, previous: c, pr: false }) } };
        }
        case 'review_page': {
          const c = need();
          return { state: { ...state, current: await read(await byKey(c.key), { page: p.page as number, previous: c, pr: false }) } };
        }
        case 'review_refresh': {
          const c = need();
          return { state: { ...state, current: await read(await byKey(c.key), { previous: c, page: c.diff?.page }) } };
        }
        case 'review_pick_line': {
          const c = need();
          const line = p.line as number;
          const file = c.diff?.file.path;
          if (!file || line === 0) return {};
          const s = state.selection;
          // First pick: one line. Second pick in the same file: the range between. Third: start over.
          const selection = s && s.file === file && s.from === s.to && line !== s.from ? { file, from: Math.min(s.from, line), to: Math.max(s.from, line) } : { file, from: line, to: line };
          return { state: { ...state, selection } };
        }
        case 'review_clear_selection':
          return { state: { ...state, selection: null } };
        case 'review_comment': {
          const c = need();
          const s = state.selection;
          const comment = (p.comment as string).trim();
          if (!s) throw new PluginError('INVALID_INPUT', 'Pick the lines to comment on first.');
          if (!comment) throw new PluginError('INVALID_INPUT', 'Write a comment first.');
          const range = s.from === s.to ? `line ${s.from}` : `lines ${s.from}-${s.to}`;
          const text = [`Review comment on ${s.file}, ${range}:`, ...quotedLines(c.diff, s), '', comment].join('\n');
          const sent = sessions.send(host.userId, c.worktree.path, text);
          const name = supervisor.definition(sent.agentId).name;
          return {
            state: { ...state, selection: null, formEpoch: state.formEpoch + 1 },
            sideEffects: [toast('success', sent.resumed ? `Resumed ${name} with your comment.` : `Sent your comment to ${name}.`)],
          };
        }
        case 'review_commit': {
          const c = need();
          const result = await review.commit(host.userId, c.worktree.path, { message: given(p.message as string | undefined) });
          return {
            state: { ...state, current: await read(await byKey(c.key), { previous: c, pr: false }), selection: null, formEpoch: state.formEpoch + 1 },
            sideEffects: [toast('success', `Committed ${result.files.length} file${result.files.length === 1 ? '' : 's'} (${result.commit.slice(0, 7)}).`)],
          };
        }
        case 'review_merge': {
          const c = need();
          const strategy = p.strategy as MergeStrategy;
          const result = await review.merge(host.userId, c.worktree.path, { strategy, message: given(p.message as string | undefined) });
          const how = strategy === 'ff' ? 'Fast-forwarded' : strategy === 'squash' ? 'Squash-merged' : 'Merged';
          return {
            state: { ...state, current: await read(await byKey(c.key), { previous: c, pr: false }), formEpoch: state.formEpoch + 1 },
            sideEffects: [toast('success', `${how} ${result.branch} into ${result.base} (${result.commit.slice(0, 7)}).`)],
          };
        }
        case 'review_confirm_discard':
          return {};
        case 'review_discard': {
          const c = need();
          await review.discard(c.worktree.path, { files: [p.file as string] });
          return {
            state: { ...state, current: await read(await byKey(c.key), { previous: c, pr: false }), selection: null },
            sideEffects: [toast('info', `Discarded the changes to ${p.file as string}.`)],
          };
        }
        case 'review_open_pr': {
          const c = need();
          const opened = await review.openPullRequest(host.userId, c.worktree.path, {});
          return {
            state: { ...state, current: await read(await byKey(c.key), { previous: c }) },
            sideEffects: [toast('success', opened.created ? `Opened ${opened.url}` : `Pushed; the pull request is ${opened.url}`)],
          };
        }
        default:
          return {};
      }
    },

    createView: () => {
      const view = createReviewView(); // one per session: its memo caches are this user's
      // The view notices a route it has nothing for, and asks for it (see the header comment).
      return (state, input) => {
        const { route, context } = input;
        if (route.state === 'WORKTREE_REVIEW') {
          const key = route.params.key ?? '';
          if (state.current?.key !== key && state.failed?.key !== key) requestReview(context.user_id, key);
        } else if (route.state === 'WORKTREE_COMPARE') {
          const keys = `${route.params.left ?? ''}:${route.params.right ?? ''}`;
          if (state.compare?.keys !== keys && state.failed?.key !== keys) requestCompare(context.user_id, route.params.left ?? '', route.params.right ?? '');
        }
        return view(state, input);
      };
    },
  };
}
