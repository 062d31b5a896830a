/**
 * `POST /events/message`: the seed listener-event service. A chat bridge (Slack, Discord, …) posts what
 * a person wrote; the assistant answers as the token's user, in a conversation per provider and
 * channel. The answer also carries the Google sign-in URL when the mail tools need a sign-in, or the
 * sign-out URL when the person asked to sign out (then the assistant is not asked at all).
 *
 *   {provider, channel_id, user_id, content, message_id?, timestamp?} → {reply, login_url, logout_url, provider}
 *
 * `user_id` is the chat platform's id of the person, recorded in the metadata only: identity comes
 * from the token, never from the body.
 */
import express from 'express';
import { z } from 'zod';
import type { Assistant } from '../../agents/assistant/chat';
import type { MailService } from '../../agents/email/service';
import { identityOf, parseJsonBody, requireIdentity } from '../transport/http';
import type { TokenAuth } from '../transport/auth';
import type { RateLimiter } from '../transport/rate-limit';

export interface EventRouteDeps {
  assistant: Assistant;
  mail: MailService;
  auth: TokenAuth;
  rateLimiter: RateLimiter;
  bodyLimitBytes: number;
}

const listenerEvent = z.object({
  provider: z.string().min(1).max(40),
  channel_id: z.string().min(1).max(200),
  user_id: z.string().min(1).max(200),
  content: z.string().min(1).max(20_000),
  message_id: z.string().max(200).optional(),
  timestamp: z.union([z.string().max(64), z.number()]).optional(),
});

const SIGN_OUT = /\b(sign|log)(\s*-?\s*|\s+me\s+)out\b/i;

/** One conversation per provider and channel, as a valid namespace. */
function eventNamespace(provider: string, channel: string): string {
  const clean = (value: string) => value.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `ev:${clean(provider)}:${clean(channel)}`.slice(0, 64);
}

export function eventRoutes(deps: EventRouteDeps): express.Router {
  const router = express.Router();
  router.use(requireIdentity(deps.auth, deps.rateLimiter), express.json({ limit: deps.bodyLimitBytes, strict: true }));

  router.post('/message', async (req, res) => {
    const event = parseJsonBody(listenerEvent, req);
    const userId = identityOf(res).userId;
    const account = deps.mail.account(userId);
    const answer = (reply: string, urls: { login_url?: string | null; logout_url?: string | null } = {}): void => {
      res.json({ reply, login_url: urls.login_url ?? null, logout_url: urls.logout_url ?? null, provider: event.provider });
    };

    if (SIGN_OUT.test(event.content)) {
      if (account.provider !== 'gmail' || !account.signedIn) return answer('You are not signed in to Google.');
      return answer('Open the link to sign out of Google.', { logout_url: `${deps.mail.baseUrl}/auth/google/logout` });
    }
    const loginUrl = account.provider === 'gmail' && !account.signedIn ? deps.mail.loginUrl(userId) : null;
    if (!deps.assistant.configured) {
      return answer('The assistant is off: the server needs ANTHROPIC_API_KEY (or A2UI_AI_PROVIDERS).', { login_url: loginUrl });
    }
    const result = await deps.assistant.chat(userId, eventNamespace(event.provider, event.channel_id), event.content);
    answer(result.message, { login_url: loginUrl });
  });
  return router;
}
