/**
 * Boot: one surface view in `#surface`, one connection, the URL kept in step with the server's route,
 * and the connection state on `<body>` (`data-connection`, `data-version`) for tests and styling.
 */
import { clientContext } from './client-context';
import { Connection } from './connection';
import { Navigation } from './navigation';
import { whenPageReady } from './page';
import { applyPreferences } from './preferences';
import { SurfaceView } from './surface-view';

whenPageReady(({ container, notice }) => {
  const initialPath = location.pathname;
  const body = document.body;
  body.dataset.connection = 'connecting';

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
      applyPreferences(document.documentElement, view.dataModel);
      navigation.onFrame(frame, receipt);
    },
    onFirstDocument: () => navigation.firstDocument(initialPath),
  });

  navigation.start();
  connection.start();
});
