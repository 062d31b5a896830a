/**
 * Boot: one surface view in `#surface`, one connection, the URL kept in step with the server's route,
 * and the connection state on `<body>` (`data-connection`, `data-version`) for tests and styling.
 * The server renders for this tab's screen size: a resize across a breakpoint is reported to it.
 * When the route changes, the focus moves to the new page (page-focus.ts).
 */
import { readPointer } from './bindings';
import { clientContext, screenSize } from './client-context';
import { Connection } from './connection';
import { Navigation } from './navigation';
import { ROUTE_POINTER, whenPageReady } from './page';
import { pageFocus } from './page-focus';
import { applyPreferences } from './preferences';
import { decorate, watchToastHolds } from './shell-conventions';
import { showSignIn } from './signin-panel';
import { SurfaceView } from './surface-view';

whenPageReady(({ container, notice }) => {
  const initialPath = location.pathname;
  const body = document.body;
  body.dataset.connection = 'connecting';

  const view = new SurfaceView(container, {
    onAction: (name, payload, componentId) => connection.sendAction(name, payload, componentId),
    decorate,
  });
  const navigation = new Navigation({
    sendAction: (name, payload) => connection.sendAction(name, payload),
    dataModel: () => view.dataModel,
  });
  const focusOnMove = pageFocus(container, initialPath);
  const connection: Connection = new Connection({
    view,
    notice,
    context: () => clientContext(),
    onStateChange: (state) => {
      body.dataset.connection = state;
    },
    onFrame: (frame, receipt) => {
      const version = connection.currentVersion;
      if (version !== null) body.dataset.version = String(version);
      applyPreferences(document.documentElement, view.dataModel);
      navigation.onFrame(frame, receipt);
      if (receipt.applied) focusOnMove(String(readPointer(view.dataModel, ROUTE_POINTER) ?? ''));
    },
    onFirstDocument: () => navigation.firstDocument(initialPath),
    // Before any document: the page is a sign-in page (once signed in, a reload brings the app).
    onUnauthorized: () => {
      if (connection.currentVersion === null) showSignIn(container);
    },
  });

  watchToastHolds(container, (toastId, held) => void connection.sendAction('hold_toast', { toast_id: toastId, held }));
  let reported = screenSize(window.innerWidth);
  window.addEventListener('resize', () => {
    const now = screenSize(window.innerWidth);
    if (now === reported) return;
    reported = now;
    void connection.sendAction('update_context', { screen_size: now });
  });

  navigation.start();
  connection.start();
});
