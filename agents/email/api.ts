/**
 * Google sign-in pages (outside `/api`: Google redirects a browser here):
 *   GET /auth/google/login?user_id=      (token)  302 to Google's consent page (offline access)
 *   GET /auth/google/callback?state=&code=        exchanges the code, stores the tokens, completion page
 *   GET /auth/google/logout              (token)  revokes the grant and deletes the tokens → {signed_in: false}
 *   GET /auth/google/status              (token)  {signed_in, email?}
 *
 * The callback needs no token, and cannot have one: the cookie is SameSite=Strict and the request
 * comes from Google's site. The single-use `state` issued by `login` is what says whose sign-in it is;
 * a wrong, expired or reused state is refused (403) before anything is exchanged or stored.
 */
import { z } from 'zod';
import { endpoint, type Endpoint } from '../endpoint';
import { PluginError } from '../errors';
import type { MailService } from './service';

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

export function googleAuthEndpoints(mail: MailService): Endpoint[] {
  return [
    endpoint({
      method: 'GET',
      path: '/auth/google/login',
      query: loginQuery,
      async handle({ query, caller }) {
        // The seed's `?user_id=` is kept for compatibility, but identity comes from the token only.
        if (query.user_id !== undefined && query.user_id !== caller.userId) throw new PluginError('FORBIDDEN', 'user_id must be your own user id: you can only sign yourself in.');
        return { redirect: await mail.beginSignIn(caller.userId) };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/auth/google/callback',
      auth: 'none',
      query: callbackQuery,
      async handle({ query }) {
        const { state, code, error } = query;
        if (error !== undefined) {
          mail.abandonSignIn(state); // throws FORBIDDEN for a state that was not ours
          const reason = /^[a-z_]{1,40}$/.test(error) ? ` (${error})` : '';
          throw new PluginError('FORBIDDEN', `Google sign-in was not completed${reason}. Start it again from the Email screen.`);
        }
        if (code === undefined) throw new PluginError('INVALID_INPUT', 'code: Google did not send an authorization code.');
        await mail.completeSignIn(state, code);
        return { html: COMPLETION_PAGE, headers: { 'Cache-Control': 'no-store' } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/auth/google/logout',
      async handle({ caller }) {
        await mail.signOut(caller.userId);
        return { json: { signed_in: false } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/auth/google/status',
      handle({ caller }) {
        return { json: mail.googleStatus(caller.userId) };
      },
    }),
  ];
}
