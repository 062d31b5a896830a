/**
 * The plugin's state for one user, and how events fold into it: per agent the latest session and the
 * output panel's last lines (bounded; the JSONL log keeps everything). Updates are immutable and touch
 * only the agents an event batch concerns, so every other agent's objects stay identical and their
 * memoised view pieces are skipped.
 */
import type { IconName } from '../../renderer';
import type { AgentEvent } from './events';
import type { SessionModelUsage } from './model-access';
import type { SessionRecord } from './session-record';
import { truncate } from './stream-json';
import type { WorkdirChoice } from './workdirs';

/** Lines kept per agent on screen. */
export const PANEL_LINES = 500;
const LINE_CHARS = 2000;

/** One line of the output panel; `id` is unique within the agent's stream (`<seq>` or `<seq>.<n>`). */
export interface OutputLine {
  id: string;
  icon: IconName;
  text: string;
}

export interface AgentPanel {
  /** The session the lines belong to: a new session starts an empty panel, a resume continues it. */
  sessionId: string | null;
  lines: readonly OutputLine[];
  /** The seq of the last event folded in: an event at or below it is already shown. */
  lastSeq: number;
}

export interface ControlState {
  /** Per agent id: the user's latest session. */
  sessions: ReadonlyMap<string, SessionRecord>;
  panels: ReadonlyMap<string, AgentPanel>;
  /** The start form's worktree choices. */
  worktrees: readonly WorkdirChoice[];
  /** Per agent id: the model usage of its latest session (agents that call models through the gateway). */
  usage: ReadonlyMap<string, { sessionId: string; totals: SessionModelUsage }>;
}

/** One tab's state: its forms. Bumped by a start / an input sent there: the bound field moves to a fresh, empty data key (cleared). */
export interface ControlTab {
  promptNonce: number;
  inputNonce: number;
}

export const NEW_CONTROL_TAB: ControlTab = { promptNonce: 0, inputNonce: 0 };

export const EMPTY_PANEL: AgentPanel = { sessionId: null, lines: [], lastSeq: 0 };

function cut(text: string): string {
  return truncate(text, LINE_CHARS);
}

export function money(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** What an event shows in the panel: zero or more lines, tool uses compact. */
function linesOf(event: AgentEvent): Array<{ icon: IconName; text: string }> {
  switch (event.type) {
    case 'status':
      return [{ icon: 'info', text: event.reason ? `Status: ${event.status} (${event.reason.replaceAll('_', ' ')})` : `Status: ${event.status}` }];
    case 'system':
      return event.subtype === 'init'
        ? [{ icon: 'info', text: `Session ${event.provider_session_id ?? '?'}${event.model ? ` · model ${event.model}` : ''}` }]
        : [{ icon: 'info', text: `System: ${event.subtype}` }];
    case 'text':
      return event.text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => ({ icon: 'arrowForward' as const, text: cut(line) }));
    case 'tool_use':
      return [{ icon: 'settings', text: cut(event.summary ? `${event.tool}: ${event.summary}` : event.tool) }];
    case 'tool_result':
      return [{ icon: event.is_error ? 'error' : 'check', text: cut(`↳ ${event.summary || '(no output)'}`) }];
    case 'result': {
      const facts = [event.cost_usd !== undefined ? money(event.cost_usd) : null, event.num_turns !== undefined ? `${event.num_turns} turns` : null].filter(Boolean);
      return [{ icon: event.is_error ? 'error' : 'check', text: cut(`Result${facts.length ? ` (${facts.join(', ')})` : ''}: ${event.text ?? event.subtype}`) }];
    }
    case 'input':
      return [{ icon: 'send', text: cut(`> ${event.text}`) }];
    case 'output':
      return [{ icon: 'arrowForward', text: cut(event.text) }];
    case 'error':
      return [{ icon: 'error', text: cut(event.message) }];
    case 'exit':
      return [{ icon: event.reason === 'crashed' ? 'error' : 'stop', text: exitText(event) }];
    case 'permission_request':
      return [{ icon: 'lock', text: cut(`Asks to use ${event.tool}${event.summary ? `: ${event.summary}` : ''}`) }];
    case 'permission_answer':
      return [{ icon: event.behavior === 'allow' ? 'lockOpen' : 'error', text: `${event.behavior === 'allow' ? 'Allowed' : 'Denied'} ${event.tool}${event.by === 'always' ? ' (always allowed in this session)' : ''}` }];
  }
}

export function exitText(exit: { code: number | null; signal: string | null; reason: string; stopped_by?: string; stoppedBy?: string }): string {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code ?? '?'}`;
  const by = exit.stopped_by ?? exit.stoppedBy;
  const why = exit.reason === 'stopped' && by ? `stopped (${by})` : exit.reason.replaceAll('_', ' ');
  return `Exited: ${why}, ${how}`;
}

/** A panel's lines for a run of events (the initial tail of a log). */
export function panelOf(sessionId: string, events: readonly AgentEvent[], lastSeq: number): AgentPanel {
  const lines: OutputLine[] = [];
  for (const event of events) pushLines(lines, event);
  return { sessionId, lines: lines.slice(-PANEL_LINES), lastSeq: Math.max(lastSeq, events.at(-1)?.seq ?? 0) };
}

function pushLines(target: OutputLine[], event: AgentEvent): void {
  const lines = linesOf(event);
  lines.forEach((line, n) => target.push({ id: lines.length === 1 ? String(event.seq) : `${event.seq}.${n}`, ...line }));
}

/**
 * Folds a batch of events into the state: each agent's panel grows by the new lines (a new session
 * starts it afresh; events already shown are skipped), and its session record is refreshed.
 */
export function applyEvents(state: ControlState, events: readonly AgentEvent[], latest: (agentId: string) => SessionRecord | undefined): ControlState {
  if (events.length === 0) return state;
  const panels = new Map(state.panels);
  const added = new Map<string, OutputLine[]>();
  for (const event of events) {
    let panel = panels.get(event.agent_id) ?? EMPTY_PANEL;
    if (panel.sessionId !== event.session_id) {
      panel = { sessionId: event.session_id, lines: [], lastSeq: Math.min(panel.lastSeq, event.seq - 1) };
      added.set(event.agent_id, []);
    }
    if (event.seq <= panel.lastSeq) continue;
    let lines = added.get(event.agent_id);
    if (!lines) added.set(event.agent_id, (lines = []));
    pushLines(lines, event);
    panels.set(event.agent_id, { ...panel, lastSeq: event.seq });
  }
  if (added.size === 0) return state; // every event was already shown
  const sessions = new Map(state.sessions);
  for (const [agentId, lines] of added) {
    const panel = panels.get(agentId)!;
    const base = state.panels.get(agentId)?.sessionId === panel.sessionId ? panel.lines : [];
    const all = base.length + lines.length > PANEL_LINES ? [...base, ...lines].slice(-PANEL_LINES) : [...base, ...lines];
    panels.set(agentId, { ...panel, lines: all });
    const record = latest(agentId);
    if (record) sessions.set(agentId, record);
  }
  return { ...state, panels, sessions };
}
