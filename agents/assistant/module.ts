/**
 * The Assistant module: Claude with every module's tools (through the AI module's providers), its
 * conversations and tool approvals, the panel beside every screen, the chat and listener-event
 * endpoints, `/api/sessions/:id` for chat and agent sessions, the approval socket events and the
 * streaming chat on the raw WebSocket.
 */
import { aiModule } from '../ai/module';
import { agentApprovals } from '../control/agent-approvals';
import { controlModule } from '../control/module';
import { emailModule } from '../email/module';
import { defineModule } from '../module';
import { assistantEndpoints } from './api';
import { ApprovalBroker } from './approvals';
import { Assistant } from './chat';
import { ConversationStore, historyFileSchema, type HistoryFile } from './history';
import { createAssistantPlugin } from './plugin';
import { sessionEndpoints } from './sessions-api';
import { approvalSocketEvents, pushApprovals } from './socket';
import { assistantWsMessages } from './ws-messages';

export interface AssistantServices {
  assistant: Assistant;
  history: ConversationStore;
  approvals: ApprovalBroker;
}

export const assistantModule = defineModule<AssistantServices>({
  id: 'assistant',
  uses: [aiModule, emailModule, controlModule],
  async open(ctx) {
    const { pool, config } = ctx.use(aiModule);
    const history = new ConversationStore(await ctx.openStore<HistoryFile>('chat-history', { users: {} }, historyFileSchema), config.historyLimit);
    const approvals = new ApprovalBroker(config.approvalTimeoutMs);
    const assistant = new Assistant({ pool, history, approvals, tools: () => ctx.ports.tools() });
    return { assistant, history, approvals };
  },
  close: ({ approvals }) => approvals.close(),
  plugins: (services, ctx) => [createAssistantPlugin({ ...services, agentApprovals: agentApprovals(ctx.use(controlModule).supervisor) })],
  endpoints: (services, ctx) => [...assistantEndpoints({ ...services, mail: ctx.use(emailModule) }), ...sessionEndpoints(ctx.use(controlModule).supervisor, services.history)],
  socketEvents: ({ approvals }) => approvalSocketEvents(approvals),
  socketConnected: ({ approvals }, channel) => pushApprovals(approvals, channel),
  wsMessages: ({ assistant, approvals }) => assistantWsMessages(assistant, approvals),
  status: ({ assistant }) => (assistant.configured ? { status: 'ok' } : { status: 'disabled', detail: 'no AI provider (set ANTHROPIC_API_KEY)' }),
});
