/**
 * The Agent-control plugin: routes `/agents` (AGENTS) and `/agents/:id` (AGENT_DETAIL), the actions
 * `open_agent`, `start_agent`, `stop_agent`, `resume_agent` and `send_input`, and the background flow
 * that brings an agent's output to the user's screen.
 *
 * Background: `init` subscribes to the user's events before reading the logs' tails, and folds events
 * in through `host.update` (never awaited inside `handle`, which runs on the same queue). Events of one
 * tick go in one update: a burst of lines is one frame with one `add` per line.
 */
import { controlCard } from './card';
import { updateInBackground } from '../background';
import { PluginError } from '../errors';
import { actionsOf, type Plugin, type PluginHost } from '../types';
import type { AgentEvent } from './events';
import { agentIdSchema } from './ids';
import type { AgentUsageSource, SessionModelUsage } from './model-access';
import { NEW_CONTROL_TAB, PANEL_LINES, applyEvents, panelOf, type AgentPanel, type ControlState, type ControlTab } from './panel';
import { actionSchemas } from './requests';
import type { SessionRecord } from './session-record';
import { isLive } from './status';
import type { AgentSupervisor } from './supervisor';
import { createControlView } from './view';
import type { WorkdirChoice } from './workdirs';

function withSession(state: ControlState, agentId: string, record: SessionRecord): ControlState {
  return { ...state, sessions: new Map(state.sessions).set(agentId, record) };
}

export function createControlPlugin(supervisor: AgentSupervisor, usage?: AgentUsageSource): Plugin<ControlState, ControlTab> {
  const definitions = supervisor.definitions;

  /** The usage of each agent's latest session, where there is some. */
  const usageOf = (userId: string): ControlState['usage'] => {
    const byAgent = new Map<string, { sessionId: string; totals: SessionModelUsage }>();
    for (const definition of definitions) {
      const latest = supervisor.latest(userId, definition.id);
      const totals = latest && usage?.forSession(latest.id);
      if (latest && totals) byAgent.set(definition.id, { sessionId: latest.id, totals });
    }
    return byAgent;
  };

  /** Brings the usage to the screen as the gateway counts it (the user's latest sessions: the ones shown). */
  const followUsage = (host: PluginHost<ControlState>): (() => void) =>
    usage?.subscribe((sessionId) => {
      if (definitions.some((d) => supervisor.latest(host.userId, d.id)?.id === sessionId)) {
        updateInBackground(host, 'agents', (state) => ({ ...state, usage: usageOf(host.userId) }));
      }
    }) ?? (() => undefined);

  const worktreeChoices = async (userId: string, fresh = false): Promise<WorkdirChoice[]> => {
    try {
      return await supervisor.workdirs.choices(userId, { fresh });
    } catch (error) {
      console.error('[agents] could not list the worktrees:', error);
      return [];
    }
  };

  /** The agent an action is about: the payload's, else the page's; it must be configured. */
  const agentOf = (payload: { agent_id?: string }, params: Record<string, string>): string => {
    const parsed = agentIdSchema.safeParse(payload.agent_id ?? params.id);
    if (!parsed.success) throw new PluginError('INVALID_INPUT', 'Which agent? Open an agent first.');
    supervisor.definition(parsed.data);
    return parsed.data;
  };

  /** Streams the user's events into their state, a tick's worth per update; answers the unsubscribe. */
  const followUser = (host: PluginHost<ControlState>): (() => void) => {
    const pending: AgentEvent[] = [];
    let scheduled = false;
    let recounting = false;
    const flush = () => {
      scheduled = false;
      const batch = pending.splice(0);
      updateInBackground(host, 'agents', (state) => applyEvents(state, batch, (agentId) => supervisor.latest(host.userId, agentId)));
      // A turn ended (or a process): the agent may have changed files; the list shows how many.
      if (!recounting && batch.some((event) => event.type === 'result' || event.type === 'exit')) {
        recounting = true;
        void worktreeChoices(host.userId, true)
          .then((worktrees) => updateInBackground(host, 'agents', (state) => ({ ...state, worktrees })))
          .finally(() => (recounting = false));
      }
    };
    return supervisor.subscribe(host.userId, (event) => {
      pending.push(event);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  };

  const action = actionsOf<ControlState, ControlTab>();

  return {
    id: 'control',
    title: 'Agents',
    nav: { id: 'control', label: 'Agents', path: '/agents', description: 'Coding agents: start, watch, steer, stop and resume them.', icon: 'play' },
    routes: [
      { state: 'AGENTS', path: '/agents' },
      { state: 'AGENT_DETAIL', path: '/agents/:id' },
    ],
    actions: {
      open_agent: action(actionSchemas.open_agent, ({ payload }) => {
        const agentId = agentOf(payload, {});
        return { sideEffects: [{ type: 'navigate', to: `/agents/${agentId}` }] };
      }),
      start_agent: action(actionSchemas.start_agent, async ({ state, view, payload, host, signal }) => {
        const agentId = agentOf(payload, {});
        const record = await supervisor.start(host.userId, agentId, {
          ...(payload.prompt ? { prompt: payload.prompt } : {}),
          worktree: payload.worktree ?? null,
          signal,
        });
        return {
          state: withSession(state, agentId, record),
          view: { ...view, promptNonce: view.promptNonce + 1 },
          sideEffects: [{ type: 'toast', variant: 'success', message: `Started ${supervisor.definition(agentId).name}.` }],
        };
      }),
      stop_agent: action(actionSchemas.stop_agent, async ({ state, payload, host, route }) => {
        const agentId = agentOf(payload, route.params);
        const record = await supervisor.stop(host.userId, agentId);
        const name = supervisor.definition(agentId).name;
        return {
          state: withSession(state, agentId, record),
          sideEffects: [{ type: 'toast', variant: 'info', message: isLive(record.status) ? `Stopping ${name}…` : `Stopped ${name}.` }],
        };
      }),
      resume_agent: action(actionSchemas.resume_agent, async ({ state, payload, host, route }) => {
        const agentId = agentOf(payload, route.params);
        const record = await supervisor.resume(host.userId, agentId);
        return {
          state: withSession(state, agentId, record),
          sideEffects: [{ type: 'toast', variant: 'success', message: `Resumed ${supervisor.definition(agentId).name}.` }],
        };
      }),
      answer_permission: action(actionSchemas.answer_permission, async ({ state, payload, host, route }) => {
        const agentId = agentOf(payload, route.params);
        const record = await supervisor.answerPermission(host.userId, agentId, payload.request_id, payload.decision);
        const word = payload.decision === 'deny' ? 'Denied' : payload.decision === 'always' ? 'Always allowed' : 'Approved';
        return { state: withSession(state, agentId, record), sideEffects: [{ type: 'toast', variant: payload.decision === 'deny' ? 'info' : 'success', message: `${word}.` }] };
      }),
      start_parallel: action(actionSchemas.start_parallel, async ({ state, view, payload, host, signal }) => {
        const agentIds = [...new Set(payload.agent_ids)];
        for (const id of agentIds) supervisor.definition(id);
        // All or nothing: refuse before any worktree is made when one of the agents is busy.
        const busy = agentIds.filter((id) => {
          const latest = supervisor.latest(host.userId, id);
          return latest && latest.status !== 'terminated';
        });
        if (busy.length) {
          const names = busy.map((id) => supervisor.definition(id).name).join(', ');
          throw new PluginError('SESSION_EXISTS', `${names} already ${busy.length === 1 ? 'has' : 'have'} a session: stop ${busy.length === 1 ? 'it' : 'them'} first.`);
        }
        const taskId = `run-${Date.now().toString(36)}`;
        const title = payload.title?.trim() || payload.prompt.trim().split('\n')[0]!.slice(0, 60);
        let next = state;
        for (const agentId of agentIds) {
          const created = await supervisor.workdirs.create(host.userId, { agentName: agentId, taskId, taskTitle: title }, signal);
          next = withSession(next, agentId, await supervisor.start(host.userId, agentId, { prompt: payload.prompt, worktree: created.path, signal }));
        }
        return {
          state: { ...next, worktrees: await worktreeChoices(host.userId) },
          view: { ...view, promptNonce: view.promptNonce + 1 },
          sideEffects: [{ type: 'toast', variant: 'success', message: `Started ${agentIds.length} agent${agentIds.length === 1 ? '' : 's'} in new worktrees (task ${taskId}).` }],
        };
      }),
      send_input: action(actionSchemas.send_input, async ({ state, view, payload, host, route }) => {
        const agentId = agentOf(payload, route.params);
        const { session } = await supervisor.input(host.userId, agentId, payload.input);
        return { state: withSession(state, agentId, session), view: { ...view, inputNonce: view.inputNonce + 1 } };
      }),
    },

    async init(host) {
      // Subscribe first, read the logs second: an event in between is folded in once (by seq).
      const unfollow = followUser(host);
      const unwatch = supervisor.workdirs.onChange(host.userId, () => {
        // worktreeChoices never rejects: a failed listing is logged and shows no worktrees.
        void worktreeChoices(host.userId).then((worktrees) => updateInBackground(host, 'agents', (state) => ({ ...state, worktrees })));
      });
      host.onClose(unfollow);
      host.onClose(unwatch);
      host.onClose(followUsage(host));
      const sessions = new Map<string, SessionRecord>();
      const panels = new Map<string, AgentPanel>();
      for (const definition of definitions) {
        const latest = supervisor.latest(host.userId, definition.id);
        if (!latest) continue;
        sessions.set(definition.id, latest);
        panels.set(definition.id, panelOf(latest.id, await supervisor.tail(latest, PANEL_LINES), latest.firstSeq - 1));
      }
      return { sessions, panels, worktrees: await worktreeChoices(host.userId), usage: usageOf(host.userId) };
    },
    initView: () => NEW_CONTROL_TAB,
    card: controlCard(definitions),
    createView: () => createControlView(definitions),
  };
}
