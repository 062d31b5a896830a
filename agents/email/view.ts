/**
 * The Email plugin's view: the screen of the route in force, or the Google sign-in card when Gmail is
 * chosen and the user has not signed in. Its data model slice (`/email/...`) holds only what inputs
 * bind to: the search box and the compose form.
 *
 * When the state lacks what the screen shows (a thread reached by a link, the inbox on first visit),
 * the view asks the loader for it and shows "Loading…"; see loader.ts for why the view is what asks.
 */
import { card, column, event, labelButton, memo, text, type UiNode } from '../../renderer';
import type { PluginView } from '../types';
import { createComposeView } from './compose-view';
import { createInboxView } from './inbox-view';
import type { MailLoader } from './loader';
import type { EmailState } from './state';
import { createThreadView } from './thread-view';

const signInCard = (): UiNode =>
  card('email-signin', {
    child: column('email-signin-body', {
      children: [
        text('email-signin-title', { text: 'Gmail', variant: 'h3' }),
        text('email-signin-text', { text: 'Sign in with Google to read and answer your Gmail here.' }),
        labelButton('email-sign-in', 'Sign in with Google', event('sign_in', {}), { variant: 'primary' }),
      ],
    }),
  });

export function createEmailView(loader: MailLoader, aiAvailable: boolean): PluginView<EmailState> {
  const inbox = createInboxView();
  const thread = createThreadView();
  const compose = createComposeView(aiAvailable);
  const signIn = memo(signInCard);
  const data = memo((query: string, to: string, subject: string, body: string) => ({ search: { query }, compose: { to, subject, body } }));

  return (state, { context, route }) => {
    const userId = context.user_id;
    const model = data(state.inbox?.query ?? '', state.compose.to, state.compose.subject, state.compose.body);
    if (!state.account.signedIn) return { root: signIn(), data: model };
    switch (route.state) {
      case 'EMAIL_THREAD': {
        const id = route.params.id ?? '';
        const shown = state.thread?.emailId === id ? state.thread : null;
        if (!shown) loader.requestThread(userId, id);
        return { root: thread(shown, id, context.timezone), data: model };
      }
      case 'EMAIL_COMPOSE':
        return { root: compose(state.compose.inReplyTo, state.compose.drafting), data: model };
      default:
        if (state.inbox === null || state.inbox.stale) loader.requestInbox(userId, state.inbox);
        return { root: inbox(state.inbox, state.account, context.timezone), data: model };
    }
  };
}
