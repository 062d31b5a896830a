/**
 * Boot: one surface view in `#surface`, one connection, the URL kept in step with the server's route,
 * and the connection state on `<body>` (`data-connection`, `data-version`) for tests and styling.
 */
import { clientContext } from './client-context';
import { Connection } from './connection';
import { Navigation } from './navigation';
import { SurfaceView } from './surface-view';

function boot(): void {
  const container = document.getElementById('surface');
  const noticeArea = document.getElementById('client-notice');
  if (!container) throw new Error('a2ui: the page has no #surface element');
  const initialPath = location.pathname;
  const body = document.body;
  body.dataset.connection = 'connecting';

  const notice = (message: string | null) => {
    if (!noticeArea) return;
    noticeArea.textContent = message ?? '';
    noticeArea.hidden = message === null;
  };

  const view = new SurfaceView(container, {
    onAction: (name, payload, componentId) => void connection.sendAction(name, payload, componentId),
  });
  const navigation = new Navigation({
    sendAction: (name, payload) => connection.sendAction(name, payload),
    dataModel: () => view.dataModel,
  });
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
      navigation.onFrame(frame, receipt);
    },
    onFirstDocument: () => navigation.firstDocument(initialPath),
  });

  navigation.start();
  connection.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
