/**
 * The server's v0.9 stream: an EventSource on `/api/a2ui/v0.9/stream?view=<this tab's view>` (same
 * origin, so the auth cookie goes along). One event is one message; the surface's id is the view's. Reconnecting is EventSource's own: it sends the last
 * event id it saw, and the server answers with what the page missed, or with deleteSurface and a new
 * sync when that is no longer known; either way the page just processes what arrives.
 */
export const STREAM_URL = '/api/a2ui/v0.9/stream';

export type StreamState = 'live' | 'reconnecting' | 'closed';

export interface StreamOptions {
  /** This tab's view (page.ts `viewId`): a reload gets it back. */
  view: string;
  onMessage(message: unknown): void;
  onState(state: StreamState): void;
}

export function openStream(options: StreamOptions): { close(): void } {
  const source = new EventSource(`${STREAM_URL}?view=${encodeURIComponent(options.view)}`, { withCredentials: true });
  source.onopen = () => options.onState('live');
  source.onmessage = (event: MessageEvent<string>) => {
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      console.warn('a2ui: ignored an event that is not JSON');
      return;
    }
    options.onMessage(message);
  };
  // CONNECTING: EventSource retries by itself. CLOSED: it gave up (an HTTP error such as 401).
  source.onerror = () => options.onState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  return { close: () => source.close() };
}
