/**
 * Google sign-in pages, mounted at `/auth/google` (outside `/api`: Google redirects a browser here):
 *   GET /auth/google/login?user_id=      (token)  302 to Google's consent page (offline access)
 *   GET /auth/google/callback?state=&code=        exchanges the code, stores the tokens, completion page
 *   GET /auth/google/logout              (token)  revokes the grant and deletes the tokens → {signed_in: false}
 *   GET /auth/google/status              (token)  {signed_in, email?}
 *
 * The callback needs no token, and cannot have one: the cookie is SameSite=Strict and the request
 * comes from Google's site. The single-use `state` issued by `login` is what says whose sign-in it is;
 * a wrong, expired or reused state is refused (403) before anything is exchanged or stored.
 */
import express from 'express';
import { z } from 'zod';
import type { MailService } from '../../agents/email/service';
import { identityOf, requireIdentity } from '../transport/http';
import type { TokenAuth } from '../transport/auth';
import { ApiError, parseInput } from '../transport/errors';
import type { RateLimiter } from '../transport/rate-limit';

const loginQuery = z.object({ user_id: z.string().max(64).optional() });
const callbackQuery = z.object({
  state: z.string().min(1).max(256),
  code: z.string().min(1).max(4096).optional(),
  error: z.string().max(256).optional(),
});

/** Static text only: nothing from the request or from Google is written into the page. */
const COMPLETION_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Signed in with Google</title></head>
<body>
<h1>Signed in with Google</h1>
<p>Your Gmail is connected. You can close this tab: the Email screen has already updated.</p>
</body>
</html>
`;

export function googleAuthRoutes(mail: MailService, deps: { auth: TokenAuth; rateLimiter: RateLimiter }): express.Router {
  const router = express.Router();
  const authenticated = requireIdentity(deps.auth, deps.rateLimiter);

  router.get('/login', authenticated, async (req, res) => {
    const { user_id } = parseInput(loginQuery, req.query);
    const { userId } = identityOf(res);
    // The seed's `?user_id=` is kept for compatibility, but identity comes from the token only.
    if (user_id !== undefined && user_id !== userId) throw new ApiError('FORBIDDEN', 'user_id must be your own user id: you can only sign yourself in.');
    const url = await mail.beginSignIn(userId);
    res.set('Cache-Control', 'no-store');
    res.redirect(302, url);
  });

  router.get('/callback', async (req, res) => {
    const { state, code, error } = parseInput(callbackQuery, req.query);
    if (error !== undefined) {
      mail.abandonSignIn(state); // throws FORBIDDEN for a state that was not ours
      const reason = /^[a-z_]{1,40}$/.test(error) ? ` (${error})` : '';
      throw new ApiError('FORBIDDEN', `Google sign-in was not completed${reason}. Start it again from the Email screen.`);
    }
    if (code === undefined) throw new ApiError('INVALID_INPUT', 'code: Google did not send an authorization code.');
    await mail.completeSignIn(state, code);
    res.set('Cache-Control', 'no-store');
    res.type('html').send(COMPLETION_PAGE);
  });

  router.get('/logout', authenticated, async (_req, res) => {
    await mail.signOut(identityOf(res).userId);
    res.json({ signed_in: false });
  });

  router.get('/status', authenticated, (_req, res) => {
    res.json(mail.googleStatus(identityOf(res).userId));
  });

  return router;
}
