/**
 * `npm run bench:review`: the cost of the review screen with a 5,000-line diff on screen, and of a
 * one-line change in it (the agent edits one line, the screen re-reads the file: a fresh FileDiff whose
 * every object is new, as from git).
 *
 * Measured on the review plugin's own view (createReviewView) inside a root column, built with
 * `buildSurface` and diffed with the project's `diff()`:
 *   first_render   a new view renders the screen, the surface is built (what a tab that opens it costs)
 *   one_line       the same view renders the changed state, the surface is built, diff(prev, next)
 * Output: one JSON line per case (median and p90 in ms, ops, bytes); stderr checks the goal (a
 * one-line change ships as at most 3 ops).
 */
import { diff, type Operation } from '../diff';
import { buildSurface, column, type Surface } from '../renderer';
import { createReviewView } from '../agents/worktree/review/view';
import type { ReviewState } from '../agents/worktree/review/state';
import type { Context, RouteMatch, ViewInput } from '../agents/types';
import { bigDiff, reviewStateWith } from './review-fixture';

const LINES = 5000;
const ROUNDS = 30;

const context: Context = { route: '/worktrees/review/0123456789abcdef', selection: null, user_id: 'bench', timezone: 'UTC', screen_size: 'desktop', user_prefs: {}, capabilities: {} };
const route: RouteMatch = { state: 'WORKTREE_REVIEW', path: '/worktrees/review/:key', params: { key: '0123456789abcdef' } };
const input: ViewInput = { context, route, nav: [] };

/** Renders the state into a surface as the session does: the plugin's subtree under a root, its data under `/review`. */
export function renderer(): (state: ReviewState) => Surface {
  const view = createReviewView();
  return (state) => {
    const rendered = view(state, { formEpoch: 0 }, input);
    return buildSurface({ surfaceId: 'main', root: column('root', { children: [rendered.root] }), dataModel: { review: rendered.data ?? {} } });
  };
}

function stats(samples: number[]): { median_ms: number; p90_ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1000) / 1000;
  return { median_ms: at(0.5), p90_ms: at(0.9) };
}

function timed<T>(run: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** The ops of a one-line change of a 5,000-line screen (also used by the test of the goal). */
export function oneLineChange(lines = LINES, changed = Math.floor(lines / 2)): Operation[] {
  const render = renderer();
  const previous = reviewStateWith(bigDiff(lines));
  const before = render(previous);
  return diff(before, render(reviewStateWith(bigDiff(lines, changed), previous)));
}

function main(): void {
  const state = reviewStateWith(bigDiff(LINES));
  const firsts: number[] = [];
  let surface: Surface | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    const render = renderer();
    const run = timed(() => render(state));
    firsts.push(run.ms);
    surface = run.value;
  }
  const components = Object.keys(surface!.components).length;
  const bytes = JSON.stringify({ components: surface!.components, dataModel: surface!.dataModel }).length;
  console.log(JSON.stringify({ case: 'first_render', lines: LINES, ...stats(firsts), components, bytes }));

  const changes: number[] = [];
  let ops: Operation[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const render = renderer();
    const previous = reviewStateWith(bigDiff(LINES));
    const prev = render(previous);
    const next = reviewStateWith(bigDiff(LINES, 2500 + (i % 3)), previous);
    const run = timed(() => diff(prev, render(next)));
    changes.push(run.ms);
    ops = run.value;
  }
  console.log(JSON.stringify({ case: 'one_line', lines: LINES, ...stats(changes), ops: ops.length, bytes: JSON.stringify(ops).length, first_op: ops[0] }));
  const ok = ops.length <= 3;
  console.error(`goal: a one-line change of a ${LINES}-line diff ships as <= 3 ops: ${ok ? 'met' : 'NOT met'} (${ops.length} ops)`);
  if (!ok) process.exitCode = 1;
}

if (require.main === module) main();
