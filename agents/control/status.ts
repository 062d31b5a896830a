/**
 * The session state machine. A session is one supervised conversation of one user with one agent:
 *
 *   starting ──► running ──► terminating ──► terminated
 *       │           │                            ▲  │
 *       │           └──────── (died) ────────────┘  │ resume (same provider session, same cwd)
 *       └──────────────────── (died) ───────────────┤
 *   suspended ◄── (server stopped or restarted) ────┘ starting / running
 *       │ resume ──► starting            stop ──► terminated
 *
 * Every change goes through `transition`, which refuses a move the table does not list with a 409, so
 * a stop of a terminated session or a resume of a running one changes nothing and says why.
 */
import { PluginError } from '../errors';

export const SESSION_STATUSES = ['starting', 'running', 'suspended', 'terminating', 'terminated'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

const ALLOWED: Record<SessionStatus, readonly SessionStatus[]> = {
  starting: ['running', 'terminating', 'terminated', 'suspended'],
  running: ['terminating', 'terminated', 'suspended'],
  terminating: ['terminated'],
  // No process behind a suspended session: a stop ends it at once, a resume starts a process.
  suspended: ['starting', 'terminated'],
  // Only a resume (of a session with a provider session id) brings a terminated session back.
  terminated: ['starting'],
};

/** Statuses with a process (or one on its way): at most one such session per user and agent. */
const LIVE_STATUSES: readonly SessionStatus[] = ['starting', 'running', 'terminating'];

export function isLive(status: SessionStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** The next status, or a 409 CONFLICT naming both. */
export function transition(from: SessionStatus, to: SessionStatus): SessionStatus {
  if (!canTransition(from, to)) throw new PluginError('CONFLICT', `The session is ${from}; it cannot become ${to}.`, { status: from });
  return to;
}
