/**
 * The Email plugin's view: the screen of the route in force, or the Google sign-in card when Gmail is
 * chosen and the user has not signed in. Its data model slice (`/email/...`) holds only what inputs
 * bind to: the search box and this tab's compose form. Pure: what a screen needs was loaded when the
 * view entered its route (the plugin's `enter`, loading.ts).
 */
import { card, column, event, labelButton, memo, text, type UiNode } from '../../renderer';
import type { PluginView } from '../types';
import { createComposeView } from './compose-view';
import { createInboxView } from './inbox-view';
import type { EmailState, EmailTab } from './state';
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

export function createEmailView(aiAvailable: boolean): PluginView<EmailState, EmailTab> {
  const inbox = createInboxView();
  const thread = createThreadView();
  const compose = createComposeView(aiAvailable);
  const signIn = memo(signInCard);
  const data = memo((query: string, to: string, subject: string, body: string) => ({ search: { query }, compose: { to, subject, body } }));

  return (state, tab, { context, route, fieldErrors }) => {
    const model = data(state.inbox?.query ?? '', tab.compose.to, tab.compose.subject, tab.compose.body);
    if (!state.account.signedIn) return { root: signIn(), data: model };
    switch (route.state) {
      case 'EMAIL_THREAD': {
        const id = route.params.id ?? '';
        return { root: thread(state.threads[id] ?? null, id, context.timezone, state.account.email ?? null), data: model };
      }
      case 'EMAIL_COMPOSE':
        return { root: compose(tab.compose.inReplyTo, tab.compose.drafting, fieldErrors ?? null), data: model };
      default:
        return { root: inbox(state.inbox, state.account, context.timezone), data: model };
    }
  };
}
