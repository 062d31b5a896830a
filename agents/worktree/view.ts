/**
 * The worktree screens: the list (`/worktrees`) and the create form (`/worktrees/new`).
 *
 * Rows are keyed by a hash of the worktree path (ids cannot hold `/`) and memoised on the worktree
 * record, which the plugin keeps identical while it is unchanged: adding one worktree adds one row's
 * components and one children entry, nothing else. Each removable row carries its own confirmation
 * Modal (in A2UI the trigger of a Modal opens it on the client) whose force / delete-branch boxes are
 * bound to `/worktree/removal/<key>`.
 */
import {
  bind,
  card,
  checkBox,
  column,
  event,
  icon,
  keyedMemo,
  labelButton,
  memo,
  modal,
  row,
  text,
  textField,
  type UiNode,
} from '../../renderer';
import type { PluginView } from '../types';
import type { Worktree } from './service';
import { WorktreeService } from './service';

/** The user's state: the repository's worktrees (shared by every tab). */
export interface WorktreeState {
  enabled: boolean;
  disabledReason: string | null;
  worktrees: readonly Worktree[];
}

/** One tab's state: which row is open, its dialogs' errors, its form. */
export interface WorktreeTab {
  /** The key of the row showing its details, from `open_worktree`. */
  openKey: string | null;
  /** A failed removal's message, shown inside that row's confirmation dialog. */
  removeErrors: Readonly<Record<string, string>>;
  /** Bumped after a successful create: the form binds to a fresh data path, so it starts empty. */
  formEpoch: number;
}

export const NEW_TAB: WorktreeTab = { openKey: null, removeErrors: {}, formEpoch: 0 };

/** The names rule of names.ts, for the client-side checks (the server checks again). */
const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

const FORM_FIELDS = ['agent_name', 'task_id', 'task_title', 'base_branch'] as const;

function formPath(epoch: number, field: (typeof FORM_FIELDS)[number]): string {
  return `/worktree/forms/f${epoch}/${field}`;
}

function describeTask(worktree: Worktree): string {
  if (worktree.isMain) return 'Main worktree';
  if (!worktree.agentName) return 'Not created here';
  const title = worktree.taskTitle ? ` — ${worktree.taskTitle}` : '';
  return `Agent ${worktree.agentName} · task ${worktree.taskId ?? '?'}${title}`;
}

function removeDialog(key: string, worktree: Worktree, error: string | undefined): UiNode {
  const id = `worktree-remove-${key}`;
  const options = `/worktree/removal/${key}`;
  return modal(id, {
    // Our client opens the dialog without sending this; a renderer that sends it just shows the details.
    trigger: labelButton(`${id}-open`, 'Remove', event('open_worktree', { path: worktree.path }), { variant: 'borderless' }),
    content: column(`${id}-body`, {
      children: [
        text(`${id}-title`, { text: `Remove worktree ${worktree.branch ?? worktree.path}?`, variant: 'h4' }),
        text(`${id}-path`, { text: worktree.path, variant: 'caption' }),
        checkBox(`${id}-force`, { label: 'Force: discard uncommitted changes (and an unmerged branch)', value: bind(`${options}/force`) }),
        checkBox(`${id}-delete-branch`, { label: 'Delete the branch too', value: bind(`${options}/delete_branch`) }),
        ...(error ? [text(`${id}-error`, { text: error })] : []),
        labelButton(
          `${id}-confirm`,
          'Remove worktree',
          event('remove_worktree', { path: worktree.path, force: bind(`${options}/force`), delete_branch: bind(`${options}/delete_branch`) }),
          { variant: 'primary' },
        ),
      ],
    }),
  });
}

function worktreeRow(key: string, worktree: Worktree, open: boolean, error: string | undefined): UiNode {
  const id = `worktree-row-${key}`;
  const badges: UiNode[] = [];
  if (worktree.dirty) badges.push(text(`${id}-dirty`, { text: '● modified' }));
  if (worktree.state !== 'active') badges.push(text(`${id}-state`, { text: worktree.state }));
  const details = open
    ? [
        text(`${id}-path`, { text: `Path: ${worktree.path}`, variant: 'caption' }),
        text(`${id}-created`, { text: `Created: ${worktree.createdAt ?? 'unknown'}`, variant: 'caption' }),
      ]
    : [];
  return card(id, {
    child: column(`${id}-body`, {
      children: [
        row(`${id}-head`, {
          align: 'center',
          children: [
            icon(`${id}-icon`, { name: 'folder' }),
            text(`${id}-branch`, { text: worktree.branch ?? '(detached)', variant: 'h4' }),
            ...badges,
          ],
        }),
        text(`${id}-task`, { text: describeTask(worktree) }),
        text(`${id}-head-sha`, { text: `HEAD ${worktree.head.slice(0, 7)}`, variant: 'caption' }),
        ...details,
        row(`${id}-actions`, {
          children: [
            labelButton(`${id}-details`, open ? 'Hide details' : 'Details', event('open_worktree', { path: open ? '' : worktree.path }), { variant: 'borderless' }),
            ...(worktree.isMain ? [] : [removeDialog(key, worktree, error)]),
          ],
        }),
      ],
    }),
  });
}

export function createWorktreeView(): PluginView<WorktreeState, WorktreeTab> {
  const rowView = keyedMemo(worktreeRow);

  const toolbar = memo(() =>
    row('worktree-toolbar', {
      justify: 'spaceBetween',
      align: 'center',
      children: [
        text('worktree-title', { text: 'Worktrees', variant: 'h2' }),
        row('worktree-toolbar-actions', {
          children: [
            labelButton('worktree-refresh', 'Refresh', event('refresh_worktrees')),
            labelButton('worktree-new', 'New worktree', event('navigate', { to: '/worktrees/new' }), { variant: 'primary' }),
          ],
        }),
      ],
    }),
  );

  const listPage = memo((worktrees: readonly Worktree[], openKey: string | null, removeErrors: Readonly<Record<string, string>>) => {
    const rows = worktrees.map((worktree) => {
      const key = WorktreeService.keyOf(worktree.path);
      return rowView(key, worktree, key === openKey, removeErrors[key]);
    });
    rowView.sweep();
    return column('worktree-page', {
      children: [toolbar(), ...(worktrees.length <= 1 ? [text('worktree-empty', { text: 'No worktrees besides the main one yet.' })] : []), column('worktree-list', { children: rows })],
    });
  });

  const formPage = memo((epoch: number) =>
    column('worktree-new-page', {
      children: [
        text('worktree-new-title', { text: 'New worktree', variant: 'h2' }),
        text('worktree-new-hint', { text: 'Creates branch agent/<agent>/<task>-<title> in .worktrees/ of the repository.', variant: 'caption' }),
        textField('worktree-new-agent', {
          label: 'Agent name',
          value: bind(formPath(epoch, 'agent_name')),
          checks: [{ condition: { call: 'regex', args: { value: bind(formPath(epoch, 'agent_name')), pattern: NAME_PATTERN }, returnType: 'boolean' }, message: 'Letters, digits, ".", "_" or "-" (up to 64), starting with a letter or digit.' }],
        }),
        textField('worktree-new-task', {
          label: 'Task id',
          value: bind(formPath(epoch, 'task_id')),
          checks: [{ condition: { call: 'regex', args: { value: bind(formPath(epoch, 'task_id')), pattern: NAME_PATTERN }, returnType: 'boolean' }, message: 'Letters, digits, ".", "_" or "-" (up to 64), starting with a letter or digit.' }],
        }),
        textField('worktree-new-title-field', {
          label: 'Task title (optional)',
          value: bind(formPath(epoch, 'task_title')),
          checks: [{ condition: { call: 'length', args: { value: bind(formPath(epoch, 'task_title')), max: 200 }, returnType: 'boolean' }, message: 'At most 200 characters.' }],
        }),
        textField('worktree-new-base', { label: 'Base branch (optional, default HEAD)', value: bind(formPath(epoch, 'base_branch')) }),
        row('worktree-new-actions', {
          children: [
            labelButton(
              'worktree-new-create',
              'Create worktree',
              event('create_worktree', Object.fromEntries(FORM_FIELDS.map((field) => [field, bind(formPath(epoch, field))]))),
              {
                variant: 'primary',
                checks: [
                  { condition: { call: 'required', args: { value: bind(formPath(epoch, 'agent_name')) }, returnType: 'boolean' }, message: 'Enter an agent name.' },
                  { condition: { call: 'required', args: { value: bind(formPath(epoch, 'task_id')) }, returnType: 'boolean' }, message: 'Enter a task id.' },
                ],
              },
            ),
            labelButton('worktree-new-cancel', 'Cancel', event('navigate', { to: '/worktrees' }), { variant: 'borderless' }),
          ],
        }),
      ],
    }),
  );

  const disabledPage = memo((reason: string | null) =>
    column('worktree-disabled', {
      children: [
        text('worktree-disabled-title', { text: 'Worktrees are disabled', variant: 'h2' }),
        text('worktree-disabled-text', { text: `${reason ?? 'No git repository.'} Set A2UI_REPO to a git repository and restart.` }),
      ],
    }),
  );

  const formData = memo((epoch: number) => ({ [`f${epoch}`]: Object.fromEntries(FORM_FIELDS.map((field) => [field, ''])) }));
  const removalData = memo((worktrees: readonly Worktree[]) =>
    Object.fromEntries(worktrees.filter((w) => !w.isMain).map((w) => [WorktreeService.keyOf(w.path), { force: false, delete_branch: false }])),
  );

  return (state, tab, { route }) => {
    if (!state.enabled) return { root: disabledPage(state.disabledReason) };
    if (route.state === 'WORKTREE_NEW') return { root: formPage(tab.formEpoch), data: { forms: formData(tab.formEpoch) } };
    return { root: listPage(state.worktrees, tab.openKey, tab.removeErrors), data: { removal: removalData(state.worktrees) } };
  };
}
