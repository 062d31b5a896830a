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
  /**
   * A tool use, folded: its input and, once it came, its result (one item, so the screen's template
   * draws a Details button for it; empty for every other line).
   */
  tool: readonly ToolFold[];
}

export interface ToolFold {
  /** Which tool use (its result finds its line by this). */
  use_id: string;
  input: string;
  output: string;
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

type NewLine = { icon: IconName; text: string; tool?: ToolFold[] };

/** `1.2 s`, `2 min 5 s`. */
function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** What an event shows in the panel: zero or more lines, tool uses folded (their result joins them). */
function linesOf(event: AgentEvent): NewLine[] {
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
      return [{ icon: 'settings', text: cut(event.summary ? `${event.tool}: ${event.summary}` : event.tool), tool: [{ use_id: event.tool_use_id, input: cut(event.summary || '(no input)'), output: '' }] }];
    case 'tool_result':
      // Folded into its tool use's line when that is on screen (foldResult); alone otherwise.
      return [{ icon: event.is_error ? 'error' : 'check', text: cut(`↳ ${event.summary || '(no output)'}`) }];
    case 'result': {
      // The turn's cost and duration first: what a person scans the transcript for.
      const facts = [
        event.duration_ms !== undefined ? duration(event.duration_ms) : null,
        event.cost_usd !== undefined ? money(event.cost_usd) : null,
        event.num_turns !== undefined ? `${event.num_turns} turn${event.num_turns === 1 ? '' : 's'}` : null,
      ].filter(Boolean);
      return [{ icon: event.is_error ? 'error' : 'check', text: cut(`Turn ${event.is_error ? 'failed' : 'done'}${facts.length ? ` · ${facts.join(' · ')}` : ''}: ${event.text ?? event.subtype}`) }];
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

/**
 * A tool result joins its tool use's line (found by its id among `lines`): the line's icon says how
 * it went and its Details show the output. False when that line is not on screen.
 */
function foldResult(lines: OutputLine[], event: AgentEvent): boolean {
  if (event.type !== 'tool_result') return false;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const fold = line.tool[0];
    if (fold?.use_id !== event.tool_use_id) continue;
    lines[i] = { ...line, icon: event.is_error ? 'error' : 'check', tool: [{ ...fold, output: cut(event.summary || '(no output)') }] };
    return true;
  }
  return false;
}

function pushLines(target: OutputLine[], event: AgentEvent): void {
  if (foldResult(target, event)) return;
  const lines = linesOf(event);
  lines.forEach((line, n) => target.push({ id: lines.length === 1 ? String(event.seq) : `${event.seq}.${n}`, icon: line.icon, text: line.text, tool: line.tool ?? NO_TOOL }));
}

const NO_TOOL: readonly ToolFold[] = Object.freeze([]);

/**
 * Folds a batch of events into the state: each agent's panel grows by the new lines (a new session
 * starts it afresh; events already shown are skipped), and its session record is refreshed.
 */
export function applyEvents(state: ControlState, events: readonly AgentEvent[], latest: (agentId: string) => SessionRecord | undefined): ControlState {
  if (events.length === 0) return state;
  const panels = new Map(state.panels);
  // Per agent touched: its lines so far (a copy, changed in place here; line objects are replaced).
  const working = new Map<string, OutputLine[]>();
  for (const event of events) {
    let panel = panels.get(event.agent_id) ?? EMPTY_PANEL;
    if (panel.sessionId !== event.session_id) {
      panel = { sessionId: event.session_id, lines: [], lastSeq: Math.min(panel.lastSeq, event.seq - 1) };
      working.set(event.agent_id, []);
    }
    if (event.seq <= panel.lastSeq) continue;
    let lines = working.get(event.agent_id);
    if (!lines) working.set(event.agent_id, (lines = [...panel.lines]));
    pushLines(lines, event);
    panels.set(event.agent_id, { ...panel, lastSeq: event.seq });
  }
  if (working.size === 0) return state; // every event was already shown
  const sessions = new Map(state.sessions);
  for (const [agentId, lines] of working) {
    const panel = panels.get(agentId)!;
    panels.set(agentId, { ...panel, lines: lines.length > PANEL_LINES ? lines.slice(-PANEL_LINES) : lines });
    const record = latest(agentId);
    if (record) sessions.set(agentId, record);
  }
  return { ...state, panels, sessions };
}
