/**
 * Agent sessions seen from a worktree: which session of a user works (or worked) there, what it was
 * asked and what it answered (the review's default commit message and pull-request texts), and how a
 * review comment reaches it — as the next input of a running session, or as the prompt that resumes
 * a finished one.
 */
import { PluginError } from '../errors';
import { isLive } from './status';
import type { SessionRecord } from './session-record';
import type { AgentSupervisor } from './supervisor';

/** How far back in a session's log the first prompt is looked for. */
const PROMPT_SEARCH_EVENTS = 2000;

export interface WorktreeSessionFacts {
  lastResult: string | null;
  prompt: string | null;
}

export class WorktreeSessions {
  constructor(private readonly supervisor: AgentSupervisor) {}

  /** The user's newest session whose worktree is `worktreePath`. */
  latestIn(userId: string, worktreePath: string): SessionRecord | undefined {
    return this.supervisor.sessions(userId).find((record) => record.worktree === worktreePath);
  }

  /** What the latest session in the worktree was first asked and last answered. */
  async factsIn(userId: string, worktreePath: string): Promise<WorktreeSessionFacts | undefined> {
    const record = this.latestIn(userId, worktreePath);
    if (!record) return undefined;
    const firstInput = (await this.supervisor.tail(record, PROMPT_SEARCH_EVENTS)).find((event) => event.type === 'input');
    return { lastResult: record.lastResult, prompt: firstInput?.type === 'input' ? firstInput.text : null };
  }

  /**
   * Sends `text` to the agent of the worktree: the next turn of a running session, or the prompt of a
   * resume. Refused (409) while its session starts or stops, and when no session can take it.
   */
  async send(userId: string, worktreePath: string, text: string): Promise<{ agentId: string; resumed: boolean }> {
    const record = this.latestIn(userId, worktreePath);
    if (!record) throw new PluginError('CONFLICT', 'No agent has worked in this worktree yet: start one there first.');
    if (this.supervisor.latest(userId, record.agentId)?.id !== record.id) {
      throw new PluginError('CONFLICT', `${this.supervisor.definition(record.agentId).name} now works elsewhere: its session in this worktree has ended.`);
    }
    if (record.status === 'running') {
      await this.supervisor.input(userId, record.agentId, text);
      return { agentId: record.agentId, resumed: false };
    }
    if (isLive(record.status)) throw new PluginError('CONFLICT', `The agent is ${record.status}; send the comment once it runs.`);
    await this.supervisor.resume(userId, record.agentId, { prompt: text });
    return { agentId: record.agentId, resumed: true };
  }
}
