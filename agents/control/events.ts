/**
 * What a session tells the world: normalised events, each with a per-session `seq`. They are appended
 * to the session's JSONL log, streamed over SSE as `agent_<type>` (id = seq) and over socket.io as
 * `agent_event`, and folded into the screens. The raw provider format (Claude Code stream-json) stops
 * at stream-json.ts; everything after speaks these types.
 */
import type { SessionStatus } from './status';

/** Why a process ended: asked to stop, finished on its own, died, or the server went away. */
export const EXIT_REASONS = ['stopped', 'exited', 'crashed', 'server_stopped'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export type AgentEventBody =
  | { type: 'status'; status: SessionStatus; previous: SessionStatus | null; reason?: string }
  | { type: 'system'; subtype: string; provider_session_id?: string; model?: string; cwd?: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; tool: string; tool_use_id: string; summary: string }
  | { type: 'tool_result'; tool_use_id: string; is_error: boolean; summary: string }
  | { type: 'result'; subtype: string; is_error: boolean; text?: string; cost_usd?: number; duration_ms?: number; num_turns?: number }
  /** What the user sent (a stream-json user turn, or a plain line). */
  | { type: 'input'; text: string }
  /** A stdout line that is not stream-json (every line of a plain command). */
  | { type: 'output'; text: string }
  | { type: 'error'; message: string }
  /** The agent asks before using a tool (Claude Code's `can_use_tool` control request); see permissions.ts. */
  | { type: 'permission_request'; request_id: string; tool: string; summary: string }
  /** How it was answered: by the user, or at once because the tool is always allowed in this session. */
  | { type: 'permission_answer'; request_id: string; tool: string; behavior: 'allow' | 'deny'; by: 'user' | 'always' }
  | {
      type: 'exit';
      code: number | null;
      signal: string | null;
      reason: ExitReason;
      /** The last escalation step of a stop: `interrupt`, `SIGINT`, `SIGTERM` or `SIGKILL`. */
      stopped_by?: string;
      stderr_tail: string[];
    };

export type AgentEventType = AgentEventBody['type'];

export type AgentEvent = AgentEventBody & {
  seq: number;
  session_id: string;
  agent_id: string;
  /** ISO time the server saw it. */
  at: string;
};
