/**
 * Boot of `/lit.html`: the product rendered by the official A2UI Lit renderer, as any standard v0.9
 * client would: the SSE stream in, `POST` actions out. Side effects: toasts are part of the surface
 * (the shell's toast area); a `navigate` in an action's answer becomes a history entry (route.ts);
 * an `open_url` in it opens the URL (http and https only). The page's state is on `<body>` for tests
 * and styles: `data-connection` (connecting, live, reconnecting, closed) and `data-refused` (messages
 * the renderer refused, each also reported to the server).
 */
import type { A2uiClientAction } from '@a2ui/web_core/v0_9';
import { screenSize } from '../src/client-context';
import { viewId, whenPageReady } from '../src/page';
import { openInNewTab, safeUrl } from '../src/safe-url';
import { postClientMessage, type ClientMessage } from './actions';
import { HashRoute } from './route';
import { openStream } from './stream';
import { SurfaceHost } from './surface-host';

whenPageReady(({ container, notice }) => {
  const body = document.body;
  // Its own key: the thin client and this page in one tab are two different views.
  const view = viewId(sessionStorage, '.lit');
  let refused = 0;

  /** Sends an action; the route waits for its answer, then takes its side effects. */
  const send = async (action: A2uiClientAction): Promise<void> => {
    route.actionStarted();
    const result = await postClientMessage({ version: 'v0.9', action } as ClientMessage);
    route.actionAnswered(result.sideEffects);
    // An answer clears an earlier problem, unless the stream is still down (its own notice stands).
    if (result.problem !== undefined) notice(result.problem);
    else if (body.dataset.connection === 'live') notice(null);
    for (const effect of result.sideEffects) {
      if (effect.type !== 'open_url') continue;
      const url = safeUrl(effect.url);
      if (url) openInNewTab(url);
    }
  };

  const route = new HashRoute((to) =>
    send({ name: 'navigate', surfaceId: view, sourceComponentId: 'root', timestamp: new Date().toISOString(), context: { to } }),
  );

  const host = new SurfaceHost({
    container,
    onAction: (action) => void send(action),
    onRoute: (value) => route.serverRouteChanged(value),
    onRefused: (message, error) => {
      body.dataset.refused = String(++refused);
      console.error('a2ui: the renderer refused a message', message, error);
      void postClientMessage({ version: 'v0.9', error: { code: 'MESSAGE_REFUSED', surfaceId: view, message: error.message.slice(0, 1000) } });
    },
  });

  /** The server renders for this page's screen size: said once live, and again when a resize crosses a breakpoint. */
  let reported: string | null = null;
  const reportScreen = () => {
    const size = screenSize(window.innerWidth);
    if (size === reported) return;
    reported = size;
    void send({ name: 'update_context', surfaceId: view, sourceComponentId: 'root', timestamp: new Date().toISOString(), context: { screen_size: size } });
  };
  window.addEventListener('resize', () => {
    if (reported !== null) reportScreen();
  });

  route.start();
  openStream({
    view,
    onMessage: (message) => host.process(message),
    onState: (state) => {
      body.dataset.connection = state;
      if (state === 'live') {
        notice(null);
        // (Again after a reconnect: a view made anew starts as a desktop one.)
        reported = null;
        reportScreen();
      }
      else if (state === 'reconnecting') notice('Connection lost. Reconnecting…');
      else notice('Not connected. If you are not signed in, open the start-up link (with ?token=…) printed by the server, then reload.');
    },
  });
});
