/**
 * The Email module: each user's mailbox (a local file with sample mail, or Gmail after Google
 * sign-in), Claude-drafted replies through the AI module's providers, the Email screens, the Google
 * sign-in pages and the assistant's mail tools.
 */
import { aiModule } from '../ai/module';
import { defineModule } from '../module';
import { googleAuthEndpoints } from './api';
import { loadMailConfig } from './config';
import { createEmailPlugin } from './plugin';
import { MailService } from './service';
import { authTools, mailTools } from './tools';

export const emailModule = defineModule<MailService>({
  id: 'email',
  uses: [aiModule],
  open(ctx) {
    const { draftTimeoutMs, ...config } = loadMailConfig(ctx.env);
    return MailService.open({
      ...config,
      openStore: (name, defaults, schema) => ctx.openStore(name, defaults, schema),
      serverUrl: () => ctx.ports.baseUrl(),
      drafts: { pool: ctx.use(aiModule).pool, timeoutMs: draftTimeoutMs },
    });
  },
  close: (mail) => mail.close(),
  plugins: (mail) => [createEmailPlugin(mail)],
  endpoints: (mail) => googleAuthEndpoints(mail),
  tools: (mail, ctx) => [...mailTools(mail, ctx.ports), ...authTools(mail)],
  status: (mail) => mail.status(),
});
