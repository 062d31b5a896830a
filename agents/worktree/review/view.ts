/**
 * The review screens.
 *
 * - `/worktrees/review/:key`: the worktree's changed files (status, +/−, Discard with a confirmation
 *   dialog), the open file's diff page by page, a comment on picked lines sent to the agent, the commit
 *   form, the merge form (fast-forward, merge commit or squash) and the pull-request button.
 * - `/worktrees/compare/:left/:right`: two worktrees' changed files side by side.
 *
 * The diff lines are data: a List templated over `/review/lines` (see diff-lines.ts), so a page of
 * 5,000 lines is one data array and a changed line is one op; the List component never changes.
 * Every other piece is memoised on the values it shows.
 */
import { bind, card, choicePicker, column, event, icon, keyedMemo, labelButton, list, memo, modal, row, text, textField, type UiNode } from '../../../renderer';
import type { PluginView } from '../../types';
import { lineItems } from './diff-lines';
import type { ChangedFile, ChangeList, DiffAgainst, FileDiff } from './model';
import type { ComparedWorktree, LineSelection, ReviewedWorktree, ReviewState, ReviewTab } from './state';

const FORMS = '/review/forms';

function statusWord(file: ChangedFile): string {
  const what = file.untracked ? 'new, untracked' : file.status;
  return file.oldPath ? `${what} from ${file.oldPath}` : what;
}

function counts(file: { additions: number; deletions: number; binary?: boolean }): string {
  return file.binary ? 'binary' : `+${file.additions} −${file.deletions}`;
}

function againstLabel(against: DiffAgainst, base: string | null): string {
  return against === 'head' ? 'Uncommitted changes (against the last commit)' : `The branch's commits (against ${base ?? 'the base branch'})`;
}

/** A file key for component ids: index-free and id-safe (a path holds `/`, spaces, anything). */
function fileKey(path: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}

export function createReviewView(): PluginView<ReviewState, ReviewTab> {
  const discardDialog = (id: string, file: ChangedFile): UiNode =>
    modal(`${id}-discard`, {
      trigger: labelButton(`${id}-discard-open`, 'Discard', event('review_confirm_discard', { file: file.path }), { variant: 'borderless' }),
      content: column(`${id}-discard-body`, {
        children: [
          text(`${id}-discard-title`, { text: `Discard your changes to ${file.path}?`, variant: 'h4' }),
          text(`${id}-discard-text`, { text: file.untracked || file.status === 'added' ? 'The new file is deleted. This cannot be undone.' : 'The file goes back to the last commit. This cannot be undone.' }),
          labelButton(`${id}-discard-confirm`, 'Discard changes', event('review_discard', { file: file.path }), { variant: 'primary' }),
        ],
      }),
    });

  const fileRow = keyedMemo((key: string, file: ChangedFile, open: boolean, discardable: boolean) => {
    const id = `review-file-${key}`;
    return row(id, {
      align: 'center',
      children: [
        labelButton(`${id}-open`, open ? `▸ ${file.path}` : file.path, event('review_open_file', { file: file.path }), { variant: open ? 'primary' : 'borderless' }),
        text(`${id}-status`, { text: statusWord(file), variant: 'caption' }),
        text(`${id}-counts`, { text: counts(file), variant: 'caption' }),
        ...(discardable ? [discardDialog(id, file)] : []),
      ],
    });
  });

  const fileList = memo((changes: ChangeList, openFile: string | null) => {
    const rows = changes.files.map((file) => fileRow(fileKey(file.path), file, file.path === openFile, changes.against === 'head'));
    fileRow.sweep();
    return column('review-files', {
      weight: 1,
      children: [
        text('review-files-summary', {
          text: changes.files.length === 0 ? 'No changes.' : `${changes.files.length} file${changes.files.length === 1 ? '' : 's'} changed, +${changes.additions} −${changes.deletions}${changes.truncated ? ' (more not listed)' : ''}`,
        }),
        list('review-file-list', { children: rows }),
      ],
    });
  });

  const header = memo((branch: string | null, against: DiffAgainst, base: string | null) =>
    column('review-header', {
      children: [
        row('review-title-row', {
          align: 'center',
          children: [
            labelButton('review-back', 'Worktrees', event('navigate', { to: '/worktrees' }), { variant: 'borderless' }),
            text('review-title', { text: `Review ${branch ?? '(detached)'}`, variant: 'h2' }),
          ],
        }),
        row('review-against', {
          children: [
            labelButton('review-against-head', 'Uncommitted', event('review_against', { against: 'head' }), { variant: against === 'head' ? 'primary' : 'default' }),
            labelButton('review-against-base', 'Branch commits', event('review_against', { against: 'base' }), { variant: against === 'base' ? 'primary' : 'default' }),
            labelButton('review-refresh', 'Refresh', event('review_refresh'), { variant: 'borderless' }),
          ],
        }),
        text('review-against-text', { text: againstLabel(against, base), variant: 'caption' }),
      ],
    }),
  );

  // The line list: constant, its rows come from the data model through the template.
  const lines = list('review-lines', {
    children: {
      template: row('review-line', {
        align: 'center',
        children: [
          labelButton('review-line-pick', bind('mark'), event('review_pick_line', { line: bind('line') }), { variant: 'borderless', accessibility: { label: bind('pick') } }),
          text('review-line-old', { text: bind('old'), variant: 'caption' }),
          text('review-line-new', { text: bind('new'), variant: 'caption' }),
          icon('review-line-icon', { name: bind('icon') }),
          text('review-line-text', { text: bind('text') }),
        ],
      }),
      path: '/review/lines',
    },
  });

  const diffHead = memo((diff: FileDiff | null) => {
    if (!diff) return column('review-diff-head', { children: [text('review-diff-title', { text: 'Pick a file.' })] });
    const note = diff.omitted === 'binary' ? 'Binary file: named, not shown.' : diff.omitted === 'too_large' ? 'This diff is too large to show.' : `Page ${diff.page} of ${diff.pages} · ${diff.totalLines} lines`;
    return column('review-diff-head', {
      children: [
        text('review-diff-title', { text: `${diff.file.path} (${statusWord(diff.file)}, ${counts(diff.file)})`, variant: 'h4' }),
        row('review-diff-paging', {
          align: 'center',
          children: [
            labelButton('review-page-prev', 'Previous page', event('review_page', { page: Math.max(1, diff.page - 1) }), {
              checks: [{ condition: bind('/review/has_prev'), message: 'This is the first page.' }],
            }),
            text('review-diff-note', { text: note, variant: 'caption' }),
            labelButton('review-page-next', 'Next page', event('review_page', { page: diff.page + 1 }), {
              checks: [{ condition: bind('/review/has_next'), message: 'This is the last page.' }],
            }),
          ],
        }),
        text('review-diff-hint', { text: 'Pick a line (●), then another, to comment on the lines between.', variant: 'caption' }),
      ],
    });
  });

  const commentCard = memo((selection: LineSelection | null, epoch: number) =>
    card('review-comment', {
      child: column('review-comment-body', {
        children: selection
          ? [
              text('review-comment-title', { text: `Comment on ${selection.file}, ${selection.from === selection.to ? `line ${selection.from}` : `lines ${selection.from}–${selection.to}`}`, variant: 'h4' }),
              textField('review-comment-text', { label: 'Comment for the agent', value: bind(`${FORMS}/k${epoch}/comment`), variant: 'longText' }),
              row('review-comment-actions', {
                children: [
                  labelButton('review-comment-send', 'Send to the agent', event('review_comment', { comment: bind(`${FORMS}/k${epoch}/comment`) }), {
                    variant: 'primary',
                    checks: [{ condition: { call: 'required', args: { value: bind(`${FORMS}/k${epoch}/comment`) }, returnType: 'boolean' }, message: 'Write a comment first.' }],
                  }),
                  labelButton('review-comment-clear', 'Clear selection', event('review_clear_selection'), { variant: 'borderless' }),
                ],
              }),
            ]
          : [text('review-comment-title', { text: 'Pick lines of the diff to comment on them; the comment goes to the agent working in this worktree.', variant: 'caption' })],
      }),
    }),
  );

  const commitCard = memo((epoch: number) =>
    card('review-commit', {
      child: column('review-commit-body', {
        children: [
          text('review-commit-title', { text: 'Commit', variant: 'h4' }),
          textField('review-commit-message', { label: 'Message (empty: the agent\'s last result)', value: bind(`${FORMS}/c${epoch}/message`), variant: 'longText' }),
          labelButton('review-commit-all', 'Commit all changes', event('review_commit', { message: bind(`${FORMS}/c${epoch}/message`) }), {
            variant: 'primary',
            checks: [{ condition: bind('/review/can_commit'), message: 'Nothing to commit.' }],
          }),
        ],
      }),
    }),
  );

  const mergeCard = memo((epoch: number, base: string) =>
    card('review-merge', {
      child: column('review-merge-body', {
        children: [
          text('review-merge-title', { text: `Merge into ${base}`, variant: 'h4' }),
          choicePicker('review-merge-strategy', {
            label: 'How',
            variant: 'mutuallyExclusive',
            options: [
              { label: 'Squash into one commit', value: 'squash' },
              { label: 'Merge commit', value: 'merge' },
              { label: 'Fast-forward only', value: 'ff' },
            ],
            value: bind(`${FORMS}/m${epoch}/strategy`),
          }),
          textField('review-merge-message', { label: 'Message (empty: the agent\'s last result)', value: bind(`${FORMS}/m${epoch}/message`) }),
          labelButton('review-merge-button', `Merge into ${base}`, event('review_merge', { strategy: bind(`${FORMS}/m${epoch}/strategy`), message: bind(`${FORMS}/m${epoch}/message`) }), { variant: 'primary' }),
        ],
      }),
    }),
  );

  const prCard = memo((pr: ReviewedWorktree['pr']) =>
    card('review-pr', {
      child: column('review-pr-body', {
        children: [
          text('review-pr-title', { text: 'Pull request', variant: 'h4' }),
          text('review-pr-status', {
            text: !pr.gh.available ? pr.gh.reason : pr.pullRequest ? `${pr.pullRequest.state}: ${pr.pullRequest.url}` : 'No pull request yet.',
          }),
          labelButton('review-pr-open', pr.pullRequest ? 'Push again' : 'Push and open a pull request', event('review_open_pr'), {
            checks: [{ condition: bind('/review/pr_ready'), message: pr.gh.available ? '' : pr.gh.reason }],
          }),
        ],
      }),
    }),
  );

  const reviewPage = memo((...children: UiNode[]) => column('review-page', { children }));
  const bodyRow = memo((files: UiNode, diff: UiNode) => row('review-body', { align: 'start', children: [files, diff] }));
  const diffColumn = memo((head: UiNode) => column('review-diff', { weight: 3, children: [head, lines] }));

  const message = memo((id: string, title: string, detail: string) =>
    column(id, {
      children: [
        text(`${id}-title`, { text: title, variant: 'h2' }),
        text(`${id}-text`, { text: detail }),
        labelButton(`${id}-back`, 'Worktrees', event('navigate', { to: '/worktrees' })),
      ],
    }),
  );

  const data = memo((current: ReviewedWorktree | null, selection: LineSelection | null, epoch: number) => ({
    lines: lineItems(current?.diff ?? null, selection),
    has_prev: (current?.diff?.page ?? 1) > 1,
    has_next: (current?.diff?.page ?? 1) < (current?.diff?.pages ?? 1),
    can_commit: current?.changes.against === 'head' && current.changes.files.length > 0,
    pr_ready: current?.pr.gh.available === true,
    forms: { [`k${epoch}`]: { comment: '' }, [`c${epoch}`]: { message: '' }, [`m${epoch}`]: { strategy: ['squash'], message: '' } },
  }));

  // ------------------------------------------------------------------ compare
  const compareColumn = keyedMemo((side: string, compared: ComparedWorktree, shared: ReadonlySet<string>) =>
    column(`review-compare-${side}`, {
      weight: 1,
      children: [
        text(`review-compare-${side}-title`, { text: `${compared.worktree.branch ?? '(detached)'}: ${compared.changes.files.length} files, +${compared.changes.additions} −${compared.changes.deletions}`, variant: 'h4' }),
        ...compared.changes.files.map((file) =>
          text(`review-compare-${side}-${fileKey(file.path)}`, { text: `${shared.has(file.path) ? '◆ ' : ''}${file.path} (${statusWord(file)}, ${counts(file)})` }),
        ),
      ],
    }),
  );
  const comparePage = memo((left: ComparedWorktree, right: ComparedWorktree) => {
    const rightPaths = new Set(right.changes.files.map((f) => f.path));
    const shared = new Set(left.changes.files.map((f) => f.path).filter((p) => rightPaths.has(p)));
    return column('review-compare', {
      children: [
        text('review-compare-title', { text: 'Compare worktrees', variant: 'h2' }),
        text('review-compare-hint', { text: `Each branch against its base. ◆ marks the ${shared.size} file${shared.size === 1 ? '' : 's'} both change.`, variant: 'caption' }),
        row('review-compare-columns', {
          align: 'start',
          children: [
            compareColumn('left', left, shared),
            compareColumn('right', right, shared),
            labelButton('review-compare-open-left', `Review ${left.worktree.branch ?? 'left'}`, event('navigate', { to: `/worktrees/review/${left.key}` }), { variant: 'borderless' }),
            labelButton('review-compare-open-right', `Review ${right.worktree.branch ?? 'right'}`, event('navigate', { to: `/worktrees/review/${right.key}` }), { variant: 'borderless' }),
          ],
        }),
      ],
    });
  });

  return (state, tab, { route }) => {
    if (route.state === 'WORKTREE_COMPARE') {
      const keys = `${route.params.left ?? ''}:${route.params.right ?? ''}`;
      const compared = Object.hasOwn(state.compares, keys) ? state.compares[keys] : undefined;
      if (!compared) {
        const failed = Object.hasOwn(state.failed, keys) ? state.failed[keys] : undefined;
        return { root: failed ? message('review-missing', 'Cannot compare', failed) : message('review-loading', 'Loading…', 'Reading both worktrees.') };
      }
      return { root: comparePage(compared.left, compared.right) };
    }
    const key = route.params.key ?? '';
    const current = Object.hasOwn(state.reviews, key) ? state.reviews[key]! : null;
    if (!current) {
      const failed = Object.hasOwn(state.failed, key) ? state.failed[key] : undefined;
      return { root: failed ? message('review-missing', 'Cannot review this worktree', failed) : message('review-loading', 'Loading…', "Reading the worktree's changes.") };
    }
    const selection = Object.hasOwn(state.selections, key) ? state.selections[key]! : null;
    return {
      root: reviewPage(
        header(current.worktree.branch, current.against, current.changes.base),
        bodyRow(fileList(current.changes, current.diff?.file.path ?? null), diffColumn(diffHead(current.diff))),
        commentCard(selection, tab.formEpoch),
        commitCard(tab.formEpoch),
        mergeCard(tab.formEpoch, current.base ?? 'the base branch'),
        prCard(current.pr),
      ),
      data: data(current, selection, tab.formEpoch),
    };
  };
}
