/**
 * The ids of the agent-control plugin and their strict patterns. Agent ids name configured agents and
 * end up in component ids (`agent-<id>-status`), URLs and file-free lookups; session ids name JSONL log
 * files, so both are checked against a closed alphabet before they touch anything.
 */
import crypto from 'node:crypto';
import { z } from 'zod';

/** Lower-case letters, digits, `_` and `-`, starting with a letter or digit: safe in ids, paths and URLs. */
export const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
/** `s-` and 24 hex digits: what `newSessionId` makes, and nothing else. */
export const SESSION_ID = /^s-[0-9a-f]{24}$/;

export const agentIdSchema = z.string().regex(AGENT_ID, 'must be an agent id (a-z, 0-9, _ and -, at most 40)');
export const sessionIdSchema = z.string().regex(SESSION_ID, 'must be a session id (s- and 24 hex digits)');

export function newSessionId(): string {
  return `s-${crypto.randomBytes(12).toString('hex')}`;
}

export const ROLES = ['director', 'worker', 'steward'] as const;
export type AgentRole = (typeof ROLES)[number];
