/**
 * The Agent-control screens.
 *
 * - `/agents`: one row per configured agent with a live status badge (`agent-<id>-status`).
 * - `/agents/:id`: the agent's status and facts, a start form (prompt, worktree picker), stop and
 *   resume buttons, the last result and cost, how the process ended (exit code or signal, stderr
 *   tail), the output panel and an input box.
 *
 * The output panel is a List whose children are a template over `/control/detail/lines`: a new line is
 * one `add` into that data-model array, and the List component itself never changes, so it is never
 * sent again. Buttons are enabled by checks bound to booleans in the data model, so a status change
 * flips a boolean instead of re-sending buttons. Every piece is memoised on the values it shows (not
 * on the session record, which is replaced with every event), so a line of output re-renders nothing
 * but the data model.
 */
import {
  bind,
  button,
  card,
  choicePicker,
  column,
  event,
  icon,
  keyedMemo,
  labelButton,
  list,
  memo,
  modal,
  row,
  text,
  textField,
  type IconName,
  type UiNode,
} from '../../renderer';
import { fieldChecks, fieldError } from '../forms';
import type { PluginView } from '../types';
import { WorktreeService } from '../worktree/service';
import type { AgentDefinition } from './definitions';
import { usageText } from './model-access';
import { EMPTY_PANEL, exitText, money, type AgentPanel, type ControlState, type ControlTab } from './panel';
import { isResumable, waitsForApproval, type PendingApproval, type SessionRecord } from './session-record';
import type { WorkdirChoice } from './workdirs';

/** Where the detail page's data lives in the data model (the plugin's slice is `/control`). */
const DETAIL = '/control/detail';
const WORKTREE_PATH = '/control/worktree';
const NO_WORKTREE = '';

/** The status badge's text: the status and what matters about it. */
export function statusLabel(session: SessionRecord | undefined): string {
  if (!session) return 'idle';
  switch (session.status) {
    case 'running':
      if (waitsForApproval(session)) return 'running · waiting for approval';
      return session.busy ? 'running · working' : 'running · waiting for input';
    case 'terminated':
      return session.exit ? `terminated · ${howItEnded(session.exit)}` : 'terminated';
    case 'suspended':
      return isResumable(session) ? 'suspended · resumable' : 'suspended';
    default:
      return session.status;
  }
}

/** The badge's icon (its colour in the thin client): running, waiting, approval, stopped, crashed. */
export function statusIcon(session: SessionRecord | undefined): IconName {
  if (!session) return 'moreHoriz';
  switch (session.status) {
    case 'running':
      return waitsForApproval(session) ? 'lock' : session.busy ? 'play' : 'pause';
    case 'starting':
    case 'terminating':
      return 'refresh';
    case 'suspended':
      return 'pause';
    case 'terminated':
      return session.exit && session.exit.reason !== 'stopped' && session.exit.reason !== 'exited' ? 'error' : 'stop';
    default:
      return 'info';
  }
}

/** A status badge: an icon and the status words, as a Row whose id ends in `-badge`. */
function statusBadge(agentId: string, name: string, status: string, iconName: IconName): UiNode {
  return row(`agent-${agentId}-status-badge`, {
    align: 'center',
    accessibility: { label: `${name} status` },
    children: [icon(`agent-${agentId}-status-icon`, { name: iconName }), text(`agent-${agentId}-status`, { text: status, variant: 'caption' })],
  });
}

/** `stopped` when asked to, else the signal or the exit code. */
function howItEnded(exit: NonNullable<SessionRecord['exit']>): string {
  if (exit.reason === 'stopped') return 'stopped';
  return exit.signal ?? `exit ${exit.code ?? '?'}`;
}

/** What the buttons may do now (their checks are bound to these). */
function canStart(session: SessionRecord | undefined): boolean {
  return !session || session.status === 'terminated';
}
function canStop(session: SessionRecord | undefined): boolean {
  return !!session && (session.status === 'starting' || session.status === 'running' || session.status === 'suspended');
}
function canResume(session: SessionRecord | undefined): boolean {
  return !!session && isResumable(session);
}
function canSend(session: SessionRecord | undefined): boolean {
  return session?.status === 'running';
}

export function createControlView(definitions: readonly AgentDefinition[]): PluginView<ControlState, ControlTab> {
  const byId = new Map(definitions.map((d) => [d.id, d]));

  // ------------------------------------------------------------------ /agents
  // Memoised on primitives, not on the records: a record (and the sessions map) is replaced on every
  // event (its last seq), and a line of output must not rebuild a list whose badges say the same.
  const agentRow = keyedMemo((id: string, definition: AgentDefinition, status: string, glance: string, lastLine: string, reviewKey: string | null, usage: string, statusIconName: IconName) =>
    row(`agent-${id}`, {
      align: 'center',
      justify: 'spaceBetween',
      children: [
        column(`agent-${id}-info`, {
          weight: 1,
          children: [
            text(`agent-${id}-name`, { text: `${definition.name} (${definition.role})`, variant: 'h4' }),
            text(`agent-${id}-description`, { text: definition.description || definition.id }),
            text(`agent-${id}-glance`, { text: glance, variant: 'caption' }),
            text(`agent-${id}-last`, { text: lastLine, variant: 'caption' }),
            ...(usage ? [text(`agent-${id}-usage`, { text: usage, variant: 'caption' })] : []),
          ],
        }),
        statusBadge(id, definition.name, status, statusIconName),
        ...(reviewKey ? [labelButton(`agent-${id}-review`, 'Review', event('navigate', { to: `/worktrees/review/${reviewKey}` }), { variant: 'borderless' })] : []),
        labelButton(`agent-${id}-open`, 'Open', event('open_agent', { agent_id: id })),
      ],
    }),
  );

  /** Start one prompt on several agents, each in a new worktree. */
  const parallelCard = memo((nonce: number) =>
    card('control-parallel', {
      child: column('control-parallel-body', {
        children: [
          text('control-parallel-title', { text: 'Run in parallel', variant: 'h4' }),
          text('control-parallel-hint', { text: 'The same prompt to each agent picked, each in a new worktree of its own; compare and review the results.', variant: 'caption' }),
          textField('control-parallel-prompt', { label: 'Prompt', value: bind(`/control/parallel_${nonce}/prompt`), variant: 'longText' }),
          choicePicker('control-parallel-agents', {
            label: 'Agents',
            variant: 'multipleSelection',
            options: definitions.map((d) => ({ label: d.name, value: d.id })),
            value: bind(`/control/parallel_${nonce}/agents`),
          }),
          labelButton(
            'control-parallel-start',
            'Start in new worktrees',
            event('start_parallel', { prompt: bind(`/control/parallel_${nonce}/prompt`), agent_ids: bind(`/control/parallel_${nonce}/agents`) }),
            {
              variant: 'primary',
              checks: [{ condition: { call: 'required', args: { value: bind(`/control/parallel_${nonce}/prompt`) }, returnType: 'boolean' }, message: 'Write the prompt first.' }],
            },
          ),
        ],
      }),
    }),
  );
  const parallelData = memo((nonce: number) => ({ [`parallel_${nonce}`]: { prompt: '', agents: [] } }));

  /** One row per definition, in order, from six primitives each (flat, so an unchanged list is a memo hit). */
  const agentList = memo((nonce: number, ...facts: Array<string | null>) => {
    const children = definitions.map((d, i) => agentRow(d.id, d, facts[i * 6]!, facts[i * 6 + 1]!, facts[i * 6 + 2]!, facts[i * 6 + 3] ?? null, facts[i * 6 + 4] ?? '', (facts[i * 6 + 5] ?? 'info') as IconName));
    agentRow.sweep();
    return column('control-agents', {
      children: [
        text('control-agents-title', { text: 'Agents', variant: 'h2' }),
        text('control-agents-intro', { text: 'Coding agents: start, watch, steer, stop and resume them.' }),
        list('control-agent-list', { children }),
        parallelCard(nonce),
      ],
    });
  });

  /** What the list shows of an agent at a glance: where it works, what it changed, what it cost, its last line. */
  const glanceOf = (state: ControlState, definition: AgentDefinition): [string, string, string, string | null] => {
    const session = state.sessions.get(definition.id);
    const worktree = session?.worktree ? state.worktrees.find((w) => w.value === session.worktree) : undefined;
    const where = session?.worktree ? (worktree?.branch ?? 'a removed worktree') : session ? 'the repository' : 'no session';
    const facts = [where, worktree ? `${worktree.changedFiles} file${worktree.changedFiles === 1 ? '' : 's'} changed` : null, session?.costUsd != null ? money(session.costUsd) : null];
    const last = state.panels.get(definition.id)?.lines.at(-1)?.text ?? '';
    return [statusLabel(session), facts.filter(Boolean).join(' · '), last, worktree ? WorktreeService.keyOf(worktree.value) : null];
  };

  // ------------------------------------------------------------------ /agents/:id
  const header = memo((definition: AgentDefinition, status: string, statusIconName: IconName, cwd: string | null, providerSessionId: string | null, pid: number | null) => {
    const facts = [
      `Role: ${definition.role}`,
      `Protocol: ${definition.protocol}`,
      cwd ? `Folder: ${cwd}` : null,
      providerSessionId ? `Provider session: ${providerSessionId}` : null,
      pid ? `PID: ${pid}` : null,
    ].filter((f): f is string => f !== null);
    return column('control-detail-header', {
      children: [
        row('control-detail-title-row', {
          align: 'center',
          children: [
            labelButton('control-back', 'All agents', event('navigate', { to: '/agents' }), { variant: 'borderless' }),
            text('control-detail-title', { text: definition.name, variant: 'h2' }),
            statusBadge(definition.id, definition.name, status, statusIconName),
          ],
        }),
        text('control-detail-description', { text: definition.description || definition.id }),
        text('control-detail-facts', { text: facts.join(' · '), variant: 'caption' }),
      ],
    });
  });

  const startForm = memo((definition: AgentDefinition, worktrees: readonly WorkdirChoice[], promptNonce: number) =>
    card('control-start', {
      child: column('control-start-body', {
        children: [
          text('control-start-title', { text: 'Start a session', variant: 'h4' }),
          textField('control-prompt', { label: 'Prompt', value: bind(`/control/prompt_${promptNonce}`), variant: 'longText' }),
          choicePicker('control-worktree', {
            label: 'Worktree',
            variant: 'mutuallyExclusive',
            options: [{ label: 'None (the repository)', value: NO_WORKTREE }, ...worktrees.map((w) => ({ label: w.label, value: w.value }))],
            value: bind(WORKTREE_PATH),
          }),
          labelButton(
            'control-start-button',
            'Start',
            event('start_agent', { agent_id: definition.id, prompt: bind(`/control/prompt_${promptNonce}`), worktree: bind(WORKTREE_PATH) }),
            { variant: 'primary', checks: [{ condition: bind(`${DETAIL}/can_start`), message: 'The agent has a session: stop it (or resume it) first.' }] },
          ),
        ],
      }),
    }),
  );

  const controls = memo((agentId: string) =>
    row('control-actions', {
      children: [
        labelButton('control-stop', 'Stop', event('stop_agent', { agent_id: agentId }), {
          checks: [{ condition: bind(`${DETAIL}/can_stop`), message: 'Nothing to stop.' }],
        }),
        labelButton('control-resume', 'Resume', event('resume_agent', { agent_id: agentId }), {
          checks: [{ condition: bind(`${DETAIL}/can_resume`), message: 'No session to resume.' }],
        }),
      ],
    }),
  );

  /** One card per waiting permission request, with the three answers. */
  const approvalCard = keyedMemo((requestId: string, agentId: string, approval: PendingApproval) => {
    const id = `control-approval-${requestId}`;
    const answer = (decision: string) => event('answer_permission', { agent_id: agentId, request_id: requestId, decision });
    return card(id, {
      child: column(`${id}-body`, {
        children: [
          row(`${id}-head`, { align: 'center', children: [icon(`${id}-icon`, { name: 'lock' }), text(`${id}-title`, { text: `Approve ${approval.tool}?`, variant: 'h4' })] }),
          text(`${id}-summary`, { text: approval.summary || '(no details)' }),
          row(`${id}-actions`, {
            children: [
              labelButton(`${id}-allow`, 'Approve', answer('allow'), { variant: 'primary' }),
              labelButton(`${id}-deny`, 'Deny', answer('deny')),
              labelButton(`${id}-always`, `Always allow ${approval.tool} in this session`, answer('always'), { variant: 'borderless' }),
            ],
          }),
        ],
      }),
    });
  });
  const approvals = memo((agentId: string, pending: readonly PendingApproval[] | undefined) => {
    const cards = (pending ?? []).map((approval) => approvalCard(approval.requestId, agentId, approval));
    approvalCard.sweep();
    return column('control-approvals', { children: cards });
  });

  const summary = memo((lastResult: string | null, costUsd: number | null, usage: string) => {
    const parts: string[] = [];
    if (lastResult) parts.push(`Last result: ${lastResult}`);
    if (costUsd !== null) parts.push(`Cost: ${money(costUsd)}`);
    const line = text('control-summary', { text: parts.length ? parts.join(' · ') : 'No result yet.' });
    if (!usage) return line;
    return column('control-summary-box', { children: [line, text('control-usage', { text: `Through the model gateway: ${usage}`, variant: 'caption' })] });
  });

  const exitInfo = memo((exit: SessionRecord['exit']) =>
    column('control-exit', {
      children: exit
        ? [
            text('control-exit-summary', { text: exitText(exit), variant: 'h5' }),
            ...exit.stderrTail.map((line, i) => text(`control-exit-stderr-${i}`, { text: line, variant: 'caption' })),
          ]
        : [],
    }),
  );

  // The transcript: constant. Its items come from the data model through the template. A tool use's
  // line has one `tool` item, drawn as a Details button opening its input and output (a fold); other
  // lines have none.
  const toolDetails = modal('control-line-tool', {
    trigger: button('control-line-tool-open', {
      child: text('control-line-tool-open.label', { text: 'Details' }),
      action: event('open_dialog'),
      variant: 'borderless',
    }),
    content: column('control-line-tool-body', {
      children: [
        text('control-line-tool-input-title', { text: 'Input', variant: 'h5' }),
        text('control-line-tool-input', { text: bind('input') }),
        text('control-line-tool-output-title', { text: 'Output', variant: 'h5' }),
        text('control-line-tool-output', { text: bind('output') }),
      ],
    }),
  });
  const output = list('control-output', {
    children: {
      template: row('control-line', {
        align: 'start',
        children: [
          icon('control-line-icon', { name: bind('icon') }),
          text('control-line-text', { text: bind('text') }),
          list('control-line-tools', { children: { template: toolDetails, path: 'tool' } }),
        ],
      }),
      path: `${DETAIL}/lines`,
    },
  });

  const inputRow = memo((agentId: string, inputNonce: number, verdict: string | null) =>
    row('control-input-row', {
      align: 'end',
      children: [
        textField('control-input', { label: 'Message to the agent', value: bind(`/control/input_${inputNonce}`), weight: 1, checks: fieldChecks([], verdict) }),
        labelButton('control-send', 'Send', event('send_input', { agent_id: agentId, input: bind(`/control/input_${inputNonce}`) }), {
          checks: [{ condition: bind(`${DETAIL}/can_send`), message: 'The agent is not running.' }],
        }),
      ],
    }),
  );

  const detailPage = memo((...children: UiNode[]) => column('control-detail', { children }));

  const detailData = memo(
    (agentId: string, lines: AgentPanel['lines'], start: boolean, stop: boolean, resume: boolean, send: boolean, promptNonce: number, inputNonce: number) => ({
      detail: { agent_id: agentId, lines, can_start: start, can_stop: stop, can_resume: resume, can_send: send },
      worktree: [NO_WORKTREE],
      [`prompt_${promptNonce}`]: '',
      [`input_${inputNonce}`]: '',
    }),
  );

  const missing = memo((agentId: string) =>
    column('control-missing', {
      children: [
        text('control-missing-text', { text: `No agent "${agentId}" is configured.` }),
        labelButton('control-missing-back', 'All agents', event('navigate', { to: '/agents' })),
      ],
    }),
  );

  /** The usage line of an agent's latest session ('' when it made no model call through the gateway). */
  const usageLine = (state: ControlState, agentId: string): string => {
    const usage = state.usage.get(agentId);
    return usage && usage.sessionId === state.sessions.get(agentId)?.id ? usageText(usage.totals) : '';
  };

  return (state, tab, { route, fieldErrors }) => {
    if (route.state !== 'AGENT_DETAIL') {
      const facts = definitions.flatMap((d) => [...glanceOf(state, d), usageLine(state, d.id), statusIcon(state.sessions.get(d.id))]);
      return { root: agentList(tab.promptNonce, ...facts), data: parallelData(tab.promptNonce) };
    }
    const agentId = route.params.id ?? '';
    const definition = byId.get(agentId);
    if (!definition) return { root: missing(agentId) };
    const session = state.sessions.get(agentId);
    const panel = state.panels.get(agentId) ?? EMPTY_PANEL;
    // The start form only while no session runs; the input (right under the transcript) only while
    // one does: a page never offers both, so the input stays on screen under a long transcript.
    const idle = canStart(session);
    const pieces: UiNode[] = [header(definition, statusLabel(session), statusIcon(session), session?.cwd ?? null, session?.providerSessionId ?? null, session?.pid ?? null)];
    if (idle) pieces.push(startForm(definition, state.worktrees, tab.promptNonce));
    pieces.push(approvals(agentId, session?.pendingApprovals), output);
    if (!idle) pieces.push(inputRow(agentId, tab.inputNonce, fieldError(fieldErrors, 'send_input', 'input')));
    pieces.push(
      controls(agentId),
      summary(session?.lastResult ?? null, session?.costUsd ?? null, usageLine(state, agentId)),
      exitInfo(session?.exit ?? null),
    );
    return {
      root: detailPage(...pieces),
      data: detailData(agentId, panel.lines, canStart(session), canStop(session), canResume(session), canSend(session), tab.promptNonce, tab.inputNonce),
    };
  };
}
