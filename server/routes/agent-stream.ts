/**
 * `GET /api/agents/:id/stream`: one user's events of one agent as Server-Sent Events.
 *
 *   event: connected        data: {agent_id, session, last_seq}        (no id: it does not move Last-Event-ID)
 *   id: <seq>  event: agent_<type>  data: <the event>                  (agent_text, agent_tool_use, agent_result, …)
 *   id: <seq>  event: agent_error / agent_exit
 *   event: heartbeat        data: {at}                                 (every A2UI_SSE_HEARTBEAT_MS, 30 s)
 *
 * With `Last-Event-ID: n` (the header EventSource sends on reconnect, or `?last_event_id=n`) the stream
 * first replays exactly the events after n from the JSONL logs, then goes live with no gap and no
 * duplicate (the supervisor's `follow`). Without it the stream starts with the events from now on.
 * A client that stops reading is dropped once its unsent data passes a limit; it reconnects with its
 * Last-Event-ID and loses nothing.
 */
import type { Response } from 'express';
import type { AgentEvent } from '../../agents/control/events';
import { sessionJson } from '../../agents/control/session-record';
import type { AgentSupervisor } from '../../agents/control/supervisor';
import { heartbeat, startStream } from '../transport/streaming';

/** Unsent bytes beyond which a slow client is disconnected (it can resume with Last-Event-ID). */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

function frame(name: string, data: unknown, id?: number): string {
  // JSON.stringify escapes newlines, so the data is always a single `data:` line.
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface StreamOptions {
  supervisor: AgentSupervisor;
  userId: string;
  agentId: string;
  /** Replay the events after this seq first; undefined = live only. */
  lastEventId: number | undefined;
  heartbeatMs: number;
}

export function streamAgentEvents(res: Response, options: StreamOptions): void {
  const { supervisor, userId, agentId } = options;
  startStream(res, 'text/event-stream; charset=utf-8');

  let open = true;
  const write = (chunk: string): boolean => {
    if (!open || res.writableEnded || res.destroyed) return false;
    res.write(chunk);
    if (res.writableLength > MAX_UNSENT_BYTES) {
      close();
      res.end();
      return false;
    }
    return true;
  };

  const latest = supervisor.latest(userId, agentId);
  write(frame('connected', { agent_id: agentId, session: latest ? sessionJson(latest) : null, last_seq: supervisor.lastSeq(userId, agentId) }));
  const unfollow = supervisor.follow(userId, agentId, options.lastEventId, (event: AgentEvent) => write(frame(`agent_${event.type}`, event, event.seq)));
  heartbeat(res, options.heartbeatMs, () => write(frame('heartbeat', { at: new Date().toISOString() })));

  function close(): void {
    if (!open) return;
    open = false;
    unfollow();
  }
  res.on('close', close);
}
