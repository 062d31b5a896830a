/**
 * What the supervisor needs from the model gateway for an agent whose definition says
 * `model_gateway: true`: when the session's process starts, the environment that points it at the
 * gateway with a token of its own (issued for the session, so its usage is counted there); when the
 * process ends, the token's revocation. The gateway module provides it; without it such an agent
 * cannot start.
 */
export interface AgentModelAccess {
  open(session: { sessionId: string; userId: string; agentId: string; worktree: string | null }): Readonly<Record<string, string>>;
  close(sessionId: string): void;
}

/** A session's model usage as the gateway counted it (every answer, summed). */
export interface SessionModelUsage {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  /** Answers from models without a price: the cost above leaves them out. */
  unpriced_requests: number;
}

/** Where the screens read a session's usage, and hear that it changed. */
export interface AgentUsageSource {
  forSession(sessionId: string): SessionModelUsage | undefined;
  /** Calls `listener` with the id of each session whose usage grew. */
  subscribe(listener: (sessionId: string) => void): () => void;
}

/** Token counts as people read them: 950, 12.3k, 4.1M. */
function count(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** A session's usage in one line: requests, tokens in and out, cost (or why it is incomplete). */
export function usageText(usage: SessionModelUsage): string {
  const input = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens;
  const cost = usage.unpriced_requests === usage.requests ? 'cost unknown' : `$${usage.cost_usd.toFixed(4)}${usage.unpriced_requests ? ` + ${usage.unpriced_requests} unpriced` : ''}`;
  return `${usage.requests} model ${usage.requests === 1 ? 'call' : 'calls'} · ${count(input)} tokens in · ${count(usage.output_tokens)} out · ${cost}`;
}
